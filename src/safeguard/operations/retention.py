"""Retention: deleting a child's records once the authority's retention period has passed.

The rule itself (when a child is past retention) is safeguard.domain.retention; this module
reads what it needs from the records and deletes (docs/decisions/0004-retention.md). The last
thing recorded about a child is the end of their last plan, their last conference, or a check
on a plan. A child with no dates at all (no date of birth, nothing dated recorded about them)
counts from the last time their record was written: the last entry of the audit trail that
created, changed or imported it, or, for a child that came in with an import (which the trail
records per file, not per child), the latest import.

What goes: the child, their plans, the checks on those plans, their conferences, and meetings
left with no conference (with those meetings' invitations), and the alert emails about them
(which hold case text). Escalations stay, for the agency figures, but lose their link to the
child and conference. The audit trail stays (it holds ids, not names) and gains one entry per
child deleted.
"""

from __future__ import annotations

import dataclasses
import datetime as dt

from django.conf import settings
from django.db import transaction
from django.db.models import Exists, Max, OuterRef, Q
from django.utils import timezone

from safeguard.accounts.models import User
from safeguard.audit.models import AuditAction, AuditEntry
from safeguard.audit.services import audit_record
from safeguard.cases.models import Child, Enquiry, Plan, Visit
from safeguard.conferences.models import Conference, Meeting
from safeguard.domain.retention import ChildDates, past_retention
from safeguard.escalations.models import Escalation
from safeguard.monitoring.models import MonitoringCheck
from safeguard.notifications.models import Notification, NotificationKind
from safeguard.ssd.models import SsdHolding


@dataclasses.dataclass(frozen=True)
class RetentionCandidate:
    child_pk: int
    child_id: str
    due_on: dt.date


@dataclasses.dataclass(frozen=True)
class RetentionResult:
    children: int
    plans: int
    conferences: int
    meetings: int
    checks: int
    escalations_unlinked: int
    alert_emails: int = 0


def retention_candidates(*, as_of: dt.date, years: int | None = None) -> list[RetentionCandidate]:
    """The children whose records are past retention on `as_of`, oldest first."""
    years = settings.SAFEGUARD_RETENTION_YEARS if years is None else years
    children = Child.objects.annotate(
        last_plan_end_on=Max("plans__end_on"),
        last_check_on=Max("plans__checks__completed_on"),
        last_conference_on=Max("conferences__held_on"),
        has_open_plan=Exists(Plan.objects.filter(child=OuterRef("pk"), end_on__isnull=True)),
    ).values_list(
        "pk",
        "child_id",
        "date_of_birth",
        "expected_date_of_birth",
        "last_plan_end_on",
        "last_check_on",
        "last_conference_on",
        "has_open_plan",
    )
    rows = list(children)
    undated = [row[1] for row in rows if not any(row[2:7]) and not row[7]]
    written_on = _last_written_on(undated)
    pks: dict[str, int] = {}
    dates: list[ChildDates] = []
    for pk, child_id, born, expected, plan_end, check, conference, open_plan in rows:
        recorded = [d for d in (plan_end, check, conference, written_on.get(child_id)) if d]
        pks[child_id] = pk
        dates.append(
            ChildDates(
                child_id=child_id,
                date_of_birth=born or expected,
                last_recorded_on=max(recorded) if recorded else None,
                has_open_plan=open_plan,
            )
        )
    return [
        RetentionCandidate(pks[due.child_id], due.child_id, due.due_on)
        for due in past_retention(dates, as_of=as_of, years=years)
    ]


def _last_written_on(child_ids: list[str]) -> dict[str, dt.date]:
    """For children with no dates: the day their record was last written, from the trail."""
    if not child_ids:
        return {}
    writes = AuditEntry.objects.filter(
        action__in=[AuditAction.CREATE, AuditAction.CHANGE, AuditAction.IMPORT]
    )
    last: dict[str, dt.datetime] = {}
    for start in range(0, len(child_ids), 500):  # within any database's limit of parameters
        last.update(
            writes.filter(child_id__in=child_ids[start : start + 500])
            .values("child_id")
            .annotate(last=Max("at"))
            .values_list("child_id", "last")
        )
    last_import = writes.filter(action=AuditAction.IMPORT).aggregate(last=Max("at"))["last"]
    return {
        child_id: timezone.localtime(when).date()
        for child_id in child_ids
        if (when := last.get(child_id) or last_import) is not None
    }


@transaction.atomic
def retention_apply(
    *, as_of: dt.date, by: User | None, years: int | None = None
) -> RetentionResult:
    """Delete the records of every child past retention on `as_of`, with an audit entry each."""
    counts = {field.name: 0 for field in dataclasses.fields(RetentionResult)}
    for candidate in retention_candidates(as_of=as_of, years=years):
        plans = Plan.objects.filter(child_id=candidate.child_pk)
        conferences = Conference.objects.filter(child_id=candidate.child_pk)
        meeting_ids = set(conferences.values_list("meeting_id", flat=True))
        unlinked = Escalation.objects.filter(child_id=candidate.child_pk).update(
            child=None, conference=None
        )
        Escalation.objects.filter(conference__in=conferences).update(conference=None)
        checks_of_child = MonitoringCheck.objects.filter(plan__in=plans)
        alert_emails, _ = Notification.objects.filter(
            Q(child_id=candidate.child_id) | Q(monitoring_check__in=checks_of_child),
            kind=NotificationKind.ALERT,
        ).delete()
        checks, _ = checks_of_child.delete()
        # the child's visits and section 47 enquiries (every door records them) protect the
        # child, and what the SSD feed's last extract held of it goes with it
        Visit.objects.filter(child_id=candidate.child_pk).delete()
        Enquiry.objects.filter(child_id=candidate.child_pk).delete()
        SsdHolding.objects.filter(child_id=candidate.child_id).delete()
        conference_count, _ = conferences.delete()
        plan_count, _ = plans.delete()
        meetings = Meeting.objects.filter(pk__in=meeting_ids, conferences__isnull=True)
        meeting_count = meetings.count()
        meetings.delete()
        Child.objects.filter(pk=candidate.child_pk).delete()
        audit_record(
            actor=by,
            action=AuditAction.DELETE,
            record_type="child",
            record_id=candidate.child_id,
            child_id=candidate.child_id,
            summary=(
                f"Deleted under the retention rule (due {candidate.due_on.isoformat()}): "
                f"{plan_count} plans, {conference_count} conferences, {checks} checks, "
                f"{alert_emails} alert emails"
            ),
        )
        for name, value in (
            ("children", 1),
            ("plans", plan_count),
            ("conferences", conference_count),
            ("meetings", meeting_count),
            ("checks", checks),
            ("escalations_unlinked", unlinked),
            ("alert_emails", alert_emails),
        ):
            counts[name] += value
    return RetentionResult(**counts)
