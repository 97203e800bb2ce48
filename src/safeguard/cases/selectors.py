"""Reads about children and plans: finding a child, a child's record in time order, a plan
fetched with the access check, and the worklist of what falls due.

Every read here costs a fixed number of queries however many records there are (the tests
count them), and answers the same 404 for a record that is missing and one that is not yours."""

from __future__ import annotations

import dataclasses
import datetime as dt
from typing import Any

from django.db.models import Q, QuerySet
from django.http import Http404

from safeguard.accounts.access import Permission, can, escalations_visible_to
from safeguard.conferences.models import Chair, Conference, Invitation
from safeguard.conferences.selectors import DueItem, DueKind, child_conferences, due_items
from safeguard.escalations.models import Escalation
from safeguard.monitoring.models import MonitoringCheck

from .models import Child, Plan

WORKLIST_DAYS = 28
"""The worklist looks four weeks ahead (issue 5: "reviews due in the next four weeks")."""


def children_matching(*, text: str) -> QuerySet[Child]:
    """Children whose id starts with `text`, or whose names contain each of its words."""
    text = text.strip()
    children = Child.objects.select_related("area").order_by(
        "family_name", "given_name", "child_id"
    )
    if not text:
        return children.none()
    by_name = Q()
    for word in text.split():
        by_name &= Q(given_name__icontains=word) | Q(family_name__icontains=word)
    return children.filter(Q(child_id__iexact=text) | Q(child_id__istartswith=text) | by_name)


def plan_get_for_user(*, user: Any, plan_id: str) -> Plan:
    """The plan with this id, if `user` may see children's records; otherwise the same 404."""
    if not can(user, Permission.VIEW_CHILD):
        raise Http404("No such plan.")
    try:
        return Plan.objects.select_related("child", "child__area").get(plan_id=plan_id)
    except Plan.DoesNotExist:
        raise Http404("No such plan.") from None


@dataclasses.dataclass(frozen=True)
class ChildRecord:
    """Everything recorded about one child, each kind in time order."""

    child: Child
    plans: list[Plan]
    conferences: list[Conference]
    checks: list[MonitoringCheck]
    invitations: list[Invitation]
    escalations: list[Escalation]

    @property
    def open_plan(self) -> Plan | None:
        return next((p for p in self.plans if p.end_on is None), None)


def child_record(*, child: Child) -> ChildRecord:
    """The child's plans, conferences, checks, invitations and escalations (six queries)."""
    return ChildRecord(
        child=child,
        plans=list(child.plans.order_by("start_on", "plan_id")),
        conferences=list(child_conferences(child=child)),
        checks=list(
            MonitoringCheck.objects.filter(plan__child=child)
            .select_related("plan", "chair")
            .order_by("completed_on", "check_id")
        ),
        invitations=list(
            Invitation.objects.filter(meeting__conferences__child=child)
            .select_related("organisation_type", "meeting")
            .distinct()
            .order_by("meeting__held_on", "organisation_type__name", "organisation_name")
        ),
        escalations=list(
            Escalation.objects.filter(child=child)
            .select_related("organisation_type", "area", "raised_by")
            .order_by("raised_on", "escalation_id")
        ),
    )


# ---- the worklist ----------------------------------------------------------------------------


@dataclasses.dataclass(frozen=True)
class Worklist:
    """What falls due for one chair (or for everyone), as of one day."""

    as_of: dt.date
    until: dt.date
    chair: Chair | None  # None: everybody's
    own: bool  # the user is this chair (rather than a manager choosing one)
    reviews_due: list[DueItem]
    reviews_overdue: list[DueItem]
    checks_due: list[DueItem]  # midway and pre-review checks, overdue first
    open_escalations: QuerySet[Escalation] | None  # None: the user does not see escalations

    def section(self, name: str) -> list[DueItem]:
        return {
            "reviews-due": self.reviews_due,
            "reviews-overdue": self.reviews_overdue,
            "checks-due": self.checks_due,
        }[name]


WORKLIST_SECTIONS = {
    "reviews-due": "Reviews due in the next four weeks",
    "reviews-overdue": "Overdue reviews",
    "checks-due": "Midway and pre-review checks due",
}


def chair_of(user: Any) -> Chair | None:
    """The chair whose records are `user`'s own, if the user is linked to one."""
    return Chair.objects.filter(user_id=getattr(user, "pk", None)).first()


def worklist_for(*, user: Any, as_of: dt.date, chair: Chair | None = None) -> Worklist:
    """The user's own items when they are a chair; otherwise everybody's, or `chair`'s."""
    own_chair = chair_of(user)
    chosen = own_chair or chair
    upcoming, overdue = due_items(
        as_of=as_of, within_days=WORKLIST_DAYS, chair_name=chosen.name if chosen else None
    )
    checks = [i for i in overdue if i.kind is not DueKind.REVIEW] + [
        i for i in upcoming if i.kind is not DueKind.REVIEW
    ]
    escalations = None
    if can(user, Permission.VIEW_ESCALATIONS):
        escalations = escalations_visible_to(user=user).filter(resolved_on__isnull=True)
        if chosen is not None:
            escalations = escalations.filter(raised_by=chosen)
        escalations = escalations.order_by("raised_on", "escalation_id")
    return Worklist(
        as_of=as_of,
        until=as_of + dt.timedelta(days=WORKLIST_DAYS),
        chair=chosen,
        own=own_chair is not None,
        reviews_due=[i for i in upcoming if i.kind is DueKind.REVIEW],
        reviews_overdue=[i for i in overdue if i.kind is DueKind.REVIEW],
        checks_due=checks,
        open_escalations=escalations,
    )


@dataclasses.dataclass(frozen=True)
class NamedDueItem:
    item: DueItem
    child_name: str


def with_child_names(items: list[DueItem]) -> list[NamedDueItem]:
    """`items` with their children's names (one query for the lot)."""
    names = {
        child_id: " ".join(n for n in (given, family) if n)
        for child_id, given, family in Child.objects.filter(
            child_id__in={i.child_id for i in items}
        ).values_list("child_id", "given_name", "family_name")
    }
    return [NamedDueItem(i, names.get(i.child_id, "")) for i in items]
