"""Writes about escalations: the Senior Liaison Officers and their cover, and recording,
changing and raising escalations. The emails about them (the officers' digests) are
safeguard.notifications'."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from safeguard.audit.models import AuditAction
from safeguard.audit.services import audit_record, field_changes
from safeguard.cases.models import Area, Child
from safeguard.storage import versioned_save

from .models import (
    Escalation,
    EscalationReason,
    EscalationStep,
    GoodPractice,
    OrganisationType,
    SeniorLiaisonOfficer,
)

# ---- Senior Liaison Officers -----------------------------------------------------------------


def liaison_officer_record(
    *,
    name: str,
    email: str,
    organisation_types: Iterable[str],
    areas: Iterable[str],
    covers_unassigned_areas: bool = False,
    cover_name: str = "",
    user: Any | None = None,
    by: Any | None,
) -> SeniorLiaisonOfficer:
    """Add the officer called `name`, or change their email and cover. Organisation types and
    areas are named; an unknown name is refused rather than created."""
    type_names, area_names = sorted(set(organisation_types)), sorted(set(areas))
    types = list(OrganisationType.objects.filter(name__in=type_names))
    found_areas = list(Area.objects.filter(name__in=area_names))
    unknown = sorted(
        (set(type_names) - {t.name for t in types})
        | (set(area_names) - {a.name for a in found_areas})
    )
    if unknown:
        raise ValidationError(f"No organisation type or area is called: {', '.join(unknown)}")
    if not email:
        raise ValidationError("Enter the Senior Liaison Officer's email address")
    with transaction.atomic():
        officer, created = SeniorLiaisonOfficer.objects.get_or_create(
            name=name,
            defaults={
                "email": email,
                "cover_name": cover_name,
                "covers_unassigned_areas": covers_unassigned_areas,
                "user": user,
            },
        )
        before = _cover_of(officer) if not created else None
        if not created:
            officer.email, officer.cover_name = email, cover_name
            officer.covers_unassigned_areas, officer.user = covers_unassigned_areas, user
            officer.save()
        officer.organisation_types.set(types)
        officer.areas.set(found_areas)
        after = _cover_of(officer)
        if created or before != after:
            audit_record(
                actor=by,
                action=AuditAction.CREATE if created else AuditAction.CHANGE,
                record_type="senior liaison officer",
                record_id=str(officer.pk),
                summary=f"{'Added' if created else 'Changed'} Senior Liaison Officer {name}",
                changes={k: (None if before is None else before[k], v) for k, v in after.items()},
            )
    return officer


def _cover_of(officer: SeniorLiaisonOfficer) -> dict[str, Any]:
    return {
        "email": officer.email,
        "cover_name": officer.cover_name,
        "organisation_types": sorted(officer.organisation_types.values_list("name", flat=True)),
        "areas": sorted(officer.areas.values_list("name", flat=True)),
        "covers_unassigned_areas": officer.covers_unassigned_areas,
        "user": str(officer.user) if officer.user else None,
    }


# ---- recording escalations (restored: dropped by the issue-7 rewrite of this module) -------


def _escalation_rules(record: dict[str, Any]) -> None:
    """The rule book (docs/record-rules.md): an escalation has errors only, no warnings."""
    from safeguard.exchange.services import record_rules_apply

    record_rules_apply("escalation", record, by=None)


def _new_escalation_id() -> str:
    from safeguard.conferences.services import new_source_id

    return new_source_id("E")


@transaction.atomic
def escalation_raise(
    *,
    raised_on: dt.date,
    organisation_type: OrganisationType,
    reason: str,
    by: Any,
    today: dt.date,
    organisation_name: str = "",
    area: Area | None = None,
    formal: bool = True,
    stage: int | None = 1,
    conference: Any | None = None,
    child: Child | None = None,
    raised_by: Any | None = None,
    resolved_on: dt.date | None = None,
    note: str = "",
) -> Escalation:
    """Raise an escalation, with its first step (the date raised, the stage, `note`)."""
    if raised_on > today:
        raise ValidationError({"raised_on": "Date raised must be today or in the past"})
    if resolved_on is not None and resolved_on < raised_on:
        raise ValidationError(
            {"resolved_on": "Date resolved must be the same as or after date raised"}
        )
    escalation_id = _new_escalation_id()
    _escalation_rules(
        {
            "escalation_id": escalation_id,
            "raised_on": raised_on,
            "resolved_on": resolved_on,
            "reason": reason,
            "stage": stage,
            "organisation_name": organisation_name,
        }
    )
    escalation = Escalation.objects.create(
        escalation_id=escalation_id,
        raised_on=raised_on,
        organisation_type=organisation_type,
        organisation_name=organisation_name,
        area=area,
        reason=reason,
        formal=formal,
        stage=stage,
        conference=conference,
        child=child,
        raised_by=raised_by,
        resolved_on=resolved_on,
    )
    EscalationStep.objects.create(
        escalation=escalation,
        on=raised_on,
        stage=stage,
        note=note.strip(),
        recorded_by=by,
        recorded_at=timezone.now(),
    )
    audit_record(
        actor=by,
        action=AuditAction.CREATE,
        record_type="escalation",
        record_id=escalation.escalation_id,
        child_id=child.child_id if child else "",
        summary=f"Escalation to {organisation_type}: {escalation.get_reason_display()}",
    )
    return escalation


@transaction.atomic
def escalation_update(
    *,
    escalation: Escalation,
    expected_version: int,
    by: Any,
    today: dt.date | None = None,
    **values: Any,
) -> Escalation:
    """Change an escalation's details. A change of stage is never silent: it is written as a
    dated step (dated `today`, which a change of stage therefore needs)."""
    stage_changes = "stage" in values and values["stage"] != escalation.stage
    if stage_changes and today is None:
        raise ValueError("A change of stage is a dated step: pass today.")
    raised_on = values.get("raised_on", escalation.raised_on)
    resolved_on = values.get("resolved_on", escalation.resolved_on)
    if resolved_on is not None and resolved_on < raised_on:
        raise ValidationError(
            {"resolved_on": "Date resolved must be the same as or after date raised"}
        )
    _escalation_rules(
        {
            name: values.get(name, getattr(escalation, name))
            for name in (
                "escalation_id",
                "raised_on",
                "resolved_on",
                "reason",
                "stage",
                "organisation_name",
            )
        }
    )
    changes = field_changes(escalation, values)
    versioned_save(escalation, expected_version=expected_version, values=values)
    if stage_changes:
        assert today is not None
        EscalationStep.objects.create(
            escalation=escalation,
            on=max(today, _latest_step_on(escalation) or today),
            stage=values["stage"],
            note="Stage changed on the escalation's form.",
            recorded_by=by,
            recorded_at=timezone.now(),
        )
    audit_record(
        actor=by,
        action=AuditAction.CHANGE,
        record_type="escalation",
        record_id=escalation.escalation_id,
        child_id=escalation.child.child_id if escalation.child else "",
        changes=changes,
    )
    return escalation


def _latest_step_on(escalation: Escalation) -> dt.date | None:
    latest = escalation.steps.order_by("-on", "-id").first()
    return latest.on if latest else None


@transaction.atomic
def escalation_step_record(
    *,
    escalation: Escalation,
    on: dt.date,
    stage: int | None,
    note: str,
    expected_version: int,
    by: Any,
    today: dt.date,
) -> EscalationStep:
    """Add a dated step to the escalation's history: a new stage, a note, or both. The
    escalation's stage becomes the step's (a step that only adds a note keeps the stage), so
    the stage is always the latest step's; nothing earlier is overwritten."""
    note = note.strip()
    if on > today:
        raise ValidationError({"on": "Date of the step must be today or in the past"})
    if on < escalation.raised_on:
        raise ValidationError(
            {"on": "Date of the step must be the same as or after the date raised"}
        )
    latest_on = _latest_step_on(escalation)
    if latest_on is not None and on < latest_on:
        raise ValidationError(
            {
                "on": "Date of the step must be the same as or after the latest step "
                f"({latest_on.day} {latest_on:%B %Y})"
            }
        )
    if not escalation.formal and stage is not None:
        raise ValidationError(
            {"stage": "An informal escalation has no stage: leave it not recorded"}
        )
    if stage == escalation.stage and not note:
        raise ValidationError({"note": "Select a new stage or enter a note"})
    _escalation_rules(
        {
            "escalation_id": escalation.escalation_id,
            "raised_on": escalation.raised_on,
            "resolved_on": escalation.resolved_on,
            "reason": escalation.reason,
            "stage": stage,
            "organisation_name": escalation.organisation_name,
        }
    )
    changes = field_changes(escalation, {"stage": stage})
    versioned_save(escalation, expected_version=expected_version, values={"stage": stage})
    step = EscalationStep.objects.create(
        escalation=escalation,
        on=on,
        stage=stage,
        note=note,
        recorded_by=by,
        recorded_at=timezone.now(),
    )
    audit_record(
        actor=by,
        action=AuditAction.CHANGE,
        record_type="escalation",
        record_id=escalation.escalation_id,
        child_id=escalation.child.child_id if escalation.child else "",
        changes=changes,
        summary=f"Step recorded on {on.isoformat()}"
        + (f": stage {stage}" if "stage" in changes else "")
        + (" with a note" if note else ""),
    )
    return step


# ---- good practice --------------------------------------------------------------------------


@transaction.atomic
def good_practice_record(
    *,
    recorded_on: dt.date,
    organisation_type: OrganisationType,
    description: str,
    by: Any,
    today: dt.date,
    organisation_name: str = "",
    area: Area | None = None,
    conference: Any | None = None,
    recorded_by: Any | None = None,
) -> GoodPractice:
    """Record a chair's commendation of an agency or a professional."""
    description = description.strip()
    if recorded_on > today:
        raise ValidationError({"recorded_on": "Date must be today or in the past"})
    if not description:
        raise ValidationError({"description": "Describe the good practice"})
    good_practice = GoodPractice.objects.create(
        recorded_on=recorded_on,
        organisation_type=organisation_type,
        organisation_name=organisation_name.strip(),
        area=area,
        conference=conference,
        description=description,
        recorded_by=recorded_by,
    )
    audit_record(
        actor=by,
        action=AuditAction.CREATE,
        record_type="good practice",
        record_id=str(good_practice.pk),
        summary=f"Good practice of {organisation_type} recorded",
    )
    return good_practice


def escalation_raise_for_missing_report(
    *, invitation: Any, by: Any, today: dt.date, raised_by: Any | None = None
) -> Escalation:
    """The one-step escalation offered when an agency sent no report and no apologies: one
    escalation for the meeting, linked to its first child's conference (as the authority's
    extracts record them) and so, through the meeting, to every child of it (a sibling group's
    escalation shows on each child's page: models.escalations_about)."""
    if not invitation.sent_no_report_and_no_apologies:
        raise ValidationError(
            "This agency sent a report, attended or gave apologies, so there is nothing to escalate"
        )
    conference = (
        invitation.meeting.conferences.select_related("child__area", "chair")
        .order_by("conference_id")
        .first()
    )
    return escalation_raise(
        raised_on=today,
        organisation_type=invitation.organisation_type,
        organisation_name=invitation.organisation_name,
        reason=EscalationReason.NO_REPORT_NO_APOLOGIES,
        area=conference.child.area if conference else None,
        conference=conference,
        child=conference.child if conference else None,
        raised_by=raised_by or (conference.chair if conference else None),
        by=by,
        today=today,
    )
