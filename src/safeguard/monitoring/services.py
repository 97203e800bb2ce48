"""Writes about chairs' monitoring checks.

`monitoring_check_record` records a chair's midway or pre-review check. When the chair has
concerns, it queues, in the same transaction, the alert to the workers allocated to the child in
the roles the chair chose (safeguard.notifications.alerts.check_alerts_queue), with a link to the
child's page and no case text. The worker sends it once the check is saved, and retries it while
the mail server is down: the chair's check and concern are never lost with an email, and the
child's page says, per recipient, whether the alert is queued, sent or failed."""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction

from safeguard.audit.models import AuditAction
from safeguard.audit.services import audit_record
from safeguard.cases.models import AllocationRole, Plan
from safeguard.conferences.models import Chair
from safeguard.exchange.services import record_rules_apply
from safeguard.notifications.alerts import AlertOutcome, check_alerts_queue

from .models import CheckKind, CheckOutcome, MonitoringCheck


@dataclass(frozen=True)
class CheckRecorded:
    check: MonitoringCheck
    alert: AlertOutcome | None  # None: no concerns, so nobody is alerted

    @property
    def message(self) -> str:
        """What to tell the chair who recorded the check."""
        text = f"{self.check.get_kind_display()} recorded."
        if self.alert is not None:
            return f"{text} {self.alert.message}"
        return text


def _validate(
    *,
    plan: Plan,
    kind: str,
    completed_on: dt.date,
    outcome: str,
    alerted_roles: list[str],
    concern: str,
    today: dt.date | None,
) -> None:
    errors: dict[str, str] = {}
    if kind not in CheckKind.values:
        errors["kind"] = "Select the check you made"
    if outcome not in CheckOutcome.values:
        errors["outcome"] = "Select the outcome of the check"
    if completed_on < plan.start_on or (plan.end_on and completed_on >= plan.end_on):
        errors["completed_on"] = "Date of the check must be while the plan is open"
    elif today is not None and completed_on > today:
        errors["completed_on"] = "Date of the check must be today or in the past"
    unknown = sorted(set(alerted_roles) - set(AllocationRole.values))
    if unknown:
        errors["alerted_roles"] = (
            f"Select who to alert: {', '.join(unknown)} is not a role that can be alerted"
        )
    elif outcome == CheckOutcome.CONCERNS:
        if not alerted_roles:
            errors["alerted_roles"] = "Select who to alert about the concerns"
        if not concern.strip():
            errors["concern"] = "Enter the concern"
    elif outcome == CheckOutcome.ON_TRACK and alerted_roles:
        errors["alerted_roles"] = "Alert nobody when the plan is on track"
    if errors:
        raise ValidationError(errors)
    # the rule book (docs/record-rules.md): a check has errors only, no warnings
    record_rules_apply(
        "monitoring check",
        {"kind": kind, "completed_on": completed_on, "outcome": outcome, "concern": concern},
        by=None,
    )


def monitoring_check_record(
    *,
    plan: Plan,
    kind: str,
    completed_on: dt.date,
    chair: Chair | None,
    core_groups_on_track: bool | None,
    visits_on_track: bool | None,
    outcome: str,
    alerted_roles: Iterable[str] = (),
    concern: str = "",
    by: Any | None,
    base_url: str | None = None,
    today: dt.date | None = None,
) -> CheckRecorded:
    """Record a chair's check of `plan`; with concerns, alert the allocated workers.

    `alerted_roles` are AllocationRole values. `concern` is kept with the check and shown on the
    child's page; the alert email carries none of it (only the check, its date and a link).
    `today`, when given, refuses a check dated in the future."""
    roles = list(dict.fromkeys(alerted_roles))
    _validate(
        plan=plan,
        kind=kind,
        completed_on=completed_on,
        outcome=outcome,
        alerted_roles=roles,
        concern=concern,
        today=today,
    )
    alert: AlertOutcome | None = None
    with transaction.atomic():
        check = MonitoringCheck.objects.create(
            check_id=f"SG-{uuid.uuid4().hex[:12].upper()}",
            plan=plan,
            kind=kind,
            completed_on=completed_on,
            chair=chair,
            core_groups_on_track=core_groups_on_track,
            visits_on_track=visits_on_track,
            outcome=outcome,
            alerted_social_worker=AllocationRole.SOCIAL_WORKER in roles,
            alerted_practice_supervisor=AllocationRole.PRACTICE_SUPERVISOR in roles,
            alerted_team_manager=AllocationRole.TEAM_MANAGER in roles,
            concern=concern.strip() if outcome == CheckOutcome.CONCERNS else "",
        )
        audit_record(
            actor=by,
            action=AuditAction.CREATE,
            record_type="monitoring check",
            record_id=check.check_id,
            child_id=plan.child.child_id,
            summary=f"Recorded a {check.get_kind_display().lower()} of plan {plan.plan_id}: "
            f"{check.get_outcome_display().lower()}",
            changes={
                "completed_on": (None, completed_on),
                "outcome": (None, outcome),
                "alerted": (None, ";".join(roles)),
            },
        )
        if outcome == CheckOutcome.CONCERNS:
            alert = check_alerts_queue(check=check, by=by, base_url=base_url)
    return CheckRecorded(check, alert)
