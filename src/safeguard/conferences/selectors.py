"""Reads about conferences and what falls due on open plans."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from enum import StrEnum

from django.db.models import Exists, OuterRef, Subquery

from safeguard.cases.models import Child, Plan
from safeguard.monitoring.models import MonitoringCheck

from .models import Conference


class DueKind(StrEnum):
    REVIEW = "review"
    MIDWAY_CHECK = "midway"
    PRE_REVIEW_CHECK = "pre_review"

    @property
    def label(self) -> str:
        return {
            DueKind.REVIEW: "Review conference",
            DueKind.MIDWAY_CHECK: "Midway check",
            DueKind.PRE_REVIEW_CHECK: "Pre-review check",
        }[self]


@dataclass(frozen=True)
class DueItem:
    kind: DueKind
    due_on: dt.date
    child_id: str
    plan_id: str
    chair: str
    overdue: bool


_DUE_FIELDS = {
    DueKind.REVIEW: "next_review_due_on",
    DueKind.MIDWAY_CHECK: "midway_check_due_on",
    DueKind.PRE_REVIEW_CHECK: "pre_review_check_due_on",
}


def due_items(
    *, as_of: dt.date, within_days: int, chair_name: str | None = None
) -> tuple[list[DueItem], list[DueItem]]:
    """(falling due in the next `within_days` days, soonest first; overdue, oldest first).

    A check is done once a check of its kind is completed on or after the plan's latest
    conference; a review is done once it is held (the plan's diary then moves on)."""
    until = as_of + dt.timedelta(days=within_days)
    latest_chair = Subquery(
        Conference.objects.filter(child=OuterRef("child"))
        .order_by("-held_on", "-conference_id")
        .values("chair__name")[:1]
    )
    upcoming: list[DueItem] = []
    overdue: list[DueItem] = []
    for kind, field in _DUE_FIELDS.items():
        plans = Plan.objects.filter(end_on__isnull=True, **{f"{field}__lte": until})
        if kind is not DueKind.REVIEW:
            done = MonitoringCheck.objects.filter(
                plan=OuterRef("pk"),
                kind=kind.value,
                completed_on__gte=OuterRef("last_conference_on"),
            )
            plans = plans.exclude(Exists(done))
        plans = plans.annotate(chair_name=latest_chair)
        if chair_name:
            plans = plans.filter(chair_name=chair_name)
        for plan_id, child_id, due_on, chair in plans.values_list(
            "plan_id", "child__child_id", field, "chair_name"
        ):
            item = DueItem(kind, due_on, child_id, plan_id, chair or "", due_on < as_of)
            (overdue if item.overdue else upcoming).append(item)
    upcoming.sort(key=lambda i: (i.due_on, i.child_id, i.kind))
    overdue.sort(key=lambda i: (i.due_on, i.child_id, i.kind))
    return upcoming, overdue


def child_conferences(*, child: Child):
    return (
        Conference.objects.filter(child=child)
        .select_related("chair", "meeting", "plan")
        .order_by("held_on", "conference_id")
    )
