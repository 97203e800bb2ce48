"""Reads about conferences and what falls due on open plans."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from enum import StrEnum

from django.db.models import Exists, OuterRef, Subquery
from django.http import Http404

from safeguard.accounts.access import Permission, can
from safeguard.cases.models import Child, Plan
from safeguard.escalations.models import Escalation, EscalationReason
from safeguard.monitoring.models import MonitoringCheck

from .models import Conference, Invitation, Meeting, ReportReceived


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


# ---- access-checked fetchers for the conference pages ----------------------------------------
# A meeting, a conference and an invitation are part of children's records: whoever may not
# see children gets the same 404 as for a record that does not exist.


def _may_see_children(user) -> bool:
    return can(user, Permission.VIEW_CHILD)


def meeting_get_for_user(*, user, reference: str) -> Meeting:
    if not _may_see_children(user):
        raise Http404("No such meeting.")
    try:
        return Meeting.objects.get(reference=reference)
    except Meeting.DoesNotExist:
        raise Http404("No such meeting.") from None


def conference_get_for_user(*, user, conference_id: str) -> Conference:
    if not _may_see_children(user):
        raise Http404("No such conference.")
    try:
        return Conference.objects.select_related("child", "meeting", "chair").get(
            conference_id=conference_id
        )
    except Conference.DoesNotExist:
        raise Http404("No such conference.") from None


def invitation_get_for_user(*, user, invitation_id: int) -> Invitation:
    if not _may_see_children(user):
        raise Http404("No such invitation.")
    try:
        return Invitation.objects.select_related("meeting", "organisation_type").get(
            pk=invitation_id
        )
    except Invitation.DoesNotExist:
        raise Http404("No such invitation.") from None


def meeting_conferences(*, meeting: Meeting):
    """The children's conferences at `meeting`, by child id, each with the next review due on
    the child's open plan (`next_review_due_on`)."""
    open_plan = Plan.objects.filter(child=OuterRef("child"), end_on__isnull=True).order_by(
        "-start_on"
    )
    return (
        meeting.conferences.select_related("child", "chair")
        .annotate(next_review_due_on=Subquery(open_plan.values("next_review_due_on")[:1]))
        .order_by("child__child_id")
    )


def meeting_invitations(*, meeting: Meeting):
    return meeting.invitations.select_related("organisation_type").order_by(
        "organisation_type__name", "organisation_name"
    )


def missing_report_escalation(*, invitation: Invitation):
    """The escalation already raised for this agency's missing report at this meeting, if any."""
    return (
        Escalation.objects.filter(
            conference__meeting_id=invitation.meeting_id,
            organisation_type_id=invitation.organisation_type_id,
            organisation_name=invitation.organisation_name,
            reason=EscalationReason.NO_REPORT_NO_APOLOGIES,
        )
        .order_by("escalation_id")
        .first()
    )


def offers_missing_report_escalation(invitation: Invitation) -> bool:
    """Whether the invitation records, explicitly, that the agency sent no report and gave no
    apologies (and did not attend): then raising the escalation is offered in one step."""
    return (
        invitation.report_received == ReportReceived.NO
        and invitation.apologies is False
        and not invitation.attended
    )
