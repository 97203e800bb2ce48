"""Recording children and their child protection plans, and a recorded reason to open a child
outside one's areas (break glass)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import Http404
from django.utils import timezone

from safeguard.accounts.access import Permission, can
from safeguard.accounts.models import BreakGlass, User
from safeguard.audit.models import AuditAction
from safeguard.audit.services import audit_record, field_changes
from safeguard.conferences.timeliness import timeliness_refresh
from safeguard.domain.identifiers import identifier_problem
from safeguard.exchange.services import record_rules_apply
from safeguard.notifications.models import Notification
from safeguard.storage import versioned_save

from .models import Child, Enquiry, Plan
from .selectors import children_in_sight

CHILD_FIELDS = (
    "given_name",
    "family_name",
    "date_of_birth",
    "expected_date_of_birth",
    "sex",
    "ethnicity",
    "area",
)


def already_recorded(record: str, taken: str, *, given: str) -> str:
    """The message for an id already held, saying so when only its capitals differ (ids are
    matched whatever their capitals: docs/decisions/0020-ids-whatever-their-capitals.md)."""
    message = f"{record} with id {taken} is already recorded"
    if taken != given:
        message += f": {given} is the same id, as ids are matched whatever their capitals"
    return message


def _natural_child(child_id: str, values: dict[str, Any]) -> dict[str, Any]:
    area = values.get("area")
    return {**values, "child_id": child_id, "area": area.name if area else ""}


@transaction.atomic
def child_create(*, child_id: str, by: User, confirm_unusual: bool = False, **values: Any) -> Child:
    if taken := Child.objects.filter(child_id__iexact=child_id).first():
        raise ValidationError(
            {"child_id": already_recorded("A child", taken.child_id, given=child_id)}
        )
    record_rules_apply(
        "child",
        _natural_child(child_id, values),
        by=by,
        confirmed=confirm_unusual,
        child_id=child_id,
    )
    child = Child.objects.create(child_id=child_id, **values)
    audit_record(
        actor=by,
        action=AuditAction.CREATE,
        record_type="child",
        record_id=child.child_id,
        child_id=child.child_id,
        summary="Child recorded",
    )
    return child


@transaction.atomic
def child_update(
    *,
    child: Child,
    expected_version: int,
    by: User,
    confirm_unusual: bool = False,
    **values: Any,
) -> Child:
    current = {name: getattr(child, name) for name in CHILD_FIELDS}
    record_rules_apply(
        "child",
        _natural_child(child.child_id, {**current, **values}),
        by=by,
        confirmed=confirm_unusual,
        child_id=child.child_id,
    )
    changes = field_changes(child, values)
    versioned_save(child, expected_version=expected_version, values=values)
    audit_record(
        actor=by,
        action=AuditAction.CHANGE,
        record_type="child",
        record_id=child.child_id,
        child_id=child.child_id,
        changes=changes,
    )
    if "date_of_birth" in changes:
        timeliness_refresh(child_pks=[child.pk])
    return child


@transaction.atomic
def child_id_correct(*, child: Child, new_child_id: str, expected_version: int, by: User) -> Child:
    """A service manager corrects a child's id (typically one stored before the id rule).
    Records linked by key (plans, conferences, checks, escalations, census episodes) follow by
    themselves; the copies kept as text follow here: the emails sent about the child. The audit
    trail keeps its entries as history, and this change joins the old id to the new."""
    problem = identifier_problem(new_child_id, noun="child id")
    if problem:
        raise ValidationError({"new_child_id": problem})
    old = child.child_id
    if new_child_id == old:
        raise ValidationError({"new_child_id": "Enter an id different from the present one"})
    if taken := Child.objects.filter(child_id__iexact=new_child_id).exclude(pk=child.pk).first():
        raise ValidationError(
            {"new_child_id": already_recorded("A child", taken.child_id, given=new_child_id)}
        )
    versioned_save(child, expected_version=expected_version, values={"child_id": new_child_id})
    emails = Notification.objects.filter(child_id=old).update(child_id=new_child_id)
    audit_record(
        actor=by,
        action=AuditAction.CHANGE,
        record_type="child",
        record_id=new_child_id,
        child_id=new_child_id,
        summary=f"Child id corrected from {old} to {new_child_id}"
        + (f"; {emails} email record{'s' if emails != 1 else ''} followed" if emails else ""),
        changes={"child_id": (old, new_child_id)},
        shown_ids=[old, new_child_id],
    )
    return child


PLAN_FIELDS = ("start_on", "end_on", "end_reason", "initial_category", "latest_category")


def _plan_rules(
    *, child: Child, plan_id: str, values: dict[str, Any], by: User, confirmed: bool
) -> None:
    record_rules_apply(
        "plan",
        {**values, "plan_id": plan_id, "child": child.child_id},
        by=by,
        confirmed=confirmed,
        child_id=child.child_id,
    )


def _check_plan_dates(
    *, child: Child, start_on: dt.date, end_on: dt.date | None, plan: Plan | None = None
) -> None:
    if end_on is not None and end_on < start_on:
        raise ValidationError({"end_on": "End date must be the same as or after the start date"})
    others = Plan.objects.filter(child=child)
    if plan is not None:
        others = others.exclude(pk=plan.pk)
    for other in others:
        starts_before_other_ends = other.end_on is None or start_on < other.end_on
        ends_after_other_starts = end_on is None or end_on > other.start_on
        if starts_before_other_ends and ends_after_other_starts:
            raise ValidationError(
                {
                    "start_on": f"The plan would overlap plan {other.plan_id}, which runs from "
                    f"{other.start_on:%d/%m/%Y}"
                    + (f" to {other.end_on:%d/%m/%Y}" if other.end_on else " and is still open")
                }
            )


@transaction.atomic
def plan_create(
    *,
    child: Child,
    plan_id: str,
    start_on: dt.date,
    by: User,
    end_on: dt.date | None = None,
    confirm_unusual: bool = False,
    **values: Any,
) -> Plan:
    if taken := Plan.objects.filter(plan_id__iexact=plan_id).first():
        raise ValidationError({"plan_id": already_recorded("A plan", taken.plan_id, given=plan_id)})
    Child.objects.select_for_update().filter(pk=child.pk).first()
    _check_plan_dates(child=child, start_on=start_on, end_on=end_on)
    _plan_rules(
        child=child,
        plan_id=plan_id,
        values={**values, "start_on": start_on, "end_on": end_on},
        by=by,
        confirmed=confirm_unusual,
    )
    plan = Plan.objects.create(
        child=child, plan_id=plan_id, start_on=start_on, end_on=end_on, **values
    )
    audit_record(
        actor=by,
        action=AuditAction.CREATE,
        record_type="plan",
        record_id=plan.plan_id,
        child_id=child.child_id,
        summary=f"Plan from {start_on.isoformat()}",
    )
    timeliness_refresh(child_pks=[child.pk])
    return plan


@transaction.atomic
def plan_update(
    *,
    plan: Plan,
    expected_version: int,
    by: User,
    confirm_unusual: bool = False,
    **values: Any,
) -> Plan:
    Child.objects.select_for_update().filter(pk=plan.child_id).first()
    _check_plan_dates(
        child=plan.child,
        start_on=values.get("start_on", plan.start_on),
        end_on=values.get("end_on", plan.end_on),
        plan=plan,
    )
    _plan_rules(
        child=plan.child,
        plan_id=plan.plan_id,
        values={**{name: getattr(plan, name) for name in PLAN_FIELDS}, **values},
        by=by,
        confirmed=confirm_unusual,
    )
    changes = field_changes(plan, values)
    versioned_save(plan, expected_version=expected_version, values=values)
    audit_record(
        actor=by,
        action=AuditAction.CHANGE,
        record_type="plan",
        record_id=plan.plan_id,
        child_id=plan.child.child_id,
        changes=changes,
    )
    timeliness_refresh(child_pks=[plan.child_id])
    return plan


# ---- break glass ------------------------------------------------------------------------------


def break_glass_hours() -> int:
    """How long a recorded reason opens a child outside one's areas (SAFEGUARD_BREAK_GLASS_HOURS,
    default 4)."""
    return int(getattr(settings, "SAFEGUARD_BREAK_GLASS_HOURS", 4))


BREAK_GLASS_REASON_MIN = 10
BREAK_GLASS_REASON_MAX = 400  # the whole reason fits in the audit entry's summary


@transaction.atomic
def break_glass_open(*, user: User, child_id: str, reason: str) -> Child:
    """Record `user`'s reason to open a child outside their areas, and open it for
    break_glass_hours(). The same 404 as any fetcher for a role that may not see children or a
    child that does not exist; a reason too short to mean anything is a ValidationError."""
    if not can(user, Permission.VIEW_CHILD):
        raise Http404("No such child.")
    reason = " ".join(reason.split())
    if len(reason) < BREAK_GLASS_REASON_MIN:
        message = (
            f"Say why you need to open this record (at least {BREAK_GLASS_REASON_MIN} letters)"
        )
        raise ValidationError({"reason": message})
    if len(reason) > BREAK_GLASS_REASON_MAX:
        message = f"Give the reason in {BREAK_GLASS_REASON_MAX} characters or fewer"
        raise ValidationError({"reason": message})
    try:
        child = Child.objects.select_related("area").get(child_id__iexact=child_id)
    except Child.DoesNotExist:
        raise Http404("No such child.") from None
    if children_in_sight(user).filter(pk=child.pk).exists():
        return child
    now = timezone.now()
    BreakGlass.objects.create(
        user=user,
        child=child,
        reason=reason,
        opened_at=now,
        expires_at=now + dt.timedelta(hours=break_glass_hours()),
    )
    audit_record(
        actor=user,
        action=AuditAction.VIEW,
        record_type="break_glass",
        record_id=child.child_id,
        child_id=child.child_id,
        summary=f"Opened a child outside their areas; reason: {reason}",
    )
    return child


@transaction.atomic
def enquiry_record(
    *,
    child: Child,
    strategy_discussion_on: dt.date,
    by: User,
    today: dt.date,
    enquiry_id: str,
    outcome: str = "",
    end_on: dt.date | None = None,
) -> Enquiry:
    """Record a section 47 enquiry and the strategy discussion that started it. While its
    outcome is blank or `conference` it waits for its initial conference (domain.enquiries)."""
    if strategy_discussion_on > today:
        raise ValidationError(
            {
                "strategy_discussion_on": "Date of the strategy discussion must be today or in the past"
            }
        )
    if end_on is not None and end_on < strategy_discussion_on:
        raise ValidationError(
            {"end_on": "Date the enquiry was completed must be on or after the strategy discussion"}
        )
    if taken := Enquiry.objects.filter(enquiry_id__iexact=enquiry_id).first():
        raise ValidationError(
            {"enquiry_id": already_recorded("An enquiry", taken.enquiry_id, given=enquiry_id)}
        )
    enquiry = Enquiry.objects.create(
        enquiry_id=enquiry_id,
        child=child,
        strategy_discussion_on=strategy_discussion_on,
        outcome=outcome,
        end_on=end_on,
    )
    audit_record(
        actor=by,
        action=AuditAction.CREATE,
        record_type="enquiry",
        record_id=enquiry.enquiry_id,
        child_id=child.child_id,
        summary=f"Section 47 enquiry, strategy discussion on {strategy_discussion_on.isoformat()}",
    )
    return enquiry
