"""Recording children and their child protection plans."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction

from safeguard.accounts.models import User
from safeguard.audit.models import AuditAction
from safeguard.audit.services import audit_record, field_changes
from safeguard.conferences.timeliness import timeliness_refresh
from safeguard.storage import versioned_save

from .models import Child, Plan

CHILD_FIELDS = (
    "given_name",
    "family_name",
    "date_of_birth",
    "expected_date_of_birth",
    "sex",
    "ethnicity",
    "area",
)


@transaction.atomic
def child_create(*, child_id: str, by: User, **values: Any) -> Child:
    if Child.objects.filter(child_id=child_id).exists():
        raise ValidationError({"child_id": f"A child with id {child_id} is already recorded."})
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
def child_update(*, child: Child, expected_version: int, by: User, **values: Any) -> Child:
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


def _check_plan_dates(
    *, child: Child, start_on: dt.date, end_on: dt.date | None, plan: Plan | None = None
) -> None:
    if end_on is not None and end_on < start_on:
        raise ValidationError({"end_on": "The plan cannot end before it starts."})
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
                    + (f" to {other.end_on:%d/%m/%Y}." if other.end_on else " and is still open.")
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
    **values: Any,
) -> Plan:
    if Plan.objects.filter(plan_id=plan_id).exists():
        raise ValidationError({"plan_id": f"A plan with id {plan_id} is already recorded."})
    Child.objects.select_for_update().filter(pk=child.pk).first()
    _check_plan_dates(child=child, start_on=start_on, end_on=end_on)
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
def plan_update(*, plan: Plan, expected_version: int, by: User, **values: Any) -> Plan:
    Child.objects.select_for_update().filter(pk=plan.child_id).first()
    _check_plan_dates(
        child=plan.child,
        start_on=values.get("start_on", plan.start_on),
        end_on=values.get("end_on", plan.end_on),
        plan=plan,
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
