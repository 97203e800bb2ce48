"""Managers' changes to the installation's reference data: organisation types, areas, chairs,
Senior Liaison Officers, and the timeliness rule set. Each validates, runs in one transaction
and writes its audit entry (the models belong to their own apps; this app has none)."""

from __future__ import annotations

from typing import Any, TypeVar

from django.core.exceptions import ValidationError
from django.db import models, transaction

from safeguard.accounts.models import User
from safeguard.audit.models import AuditAction
from safeguard.audit.services import audit_record, field_changes
from safeguard.cases.models import Area
from safeguard.conferences.models import Chair, RuleSetting
from safeguard.conferences.timeliness import timeliness_refresh
from safeguard.escalations.models import OrganisationType, SeniorLiaisonOfficer
from safeguard.escalations.services import liaison_officer_record

RULE_FIELDS = (
    "nation",
    "transfer_in_conference_working_days",
    "first_core_group_working_days",
    "pre_birth_conference_gestation_week",
    "pre_review_check_working_days",
    "initial_report_due_working_days",
    "review_report_due_working_days",
    "quorum_other_agencies",
)

_Named = TypeVar("_Named", bound=models.Model)


def _name_free(model: type[models.Model], name: str, instance: models.Model | None) -> None:
    taken = model._default_manager.filter(name=name)
    if instance is not None:
        taken = taken.exclude(pk=instance.pk)
    if taken.exists():
        raise ValidationError({"name": f"There is already one called {name}"})


def _linked_elsewhere(
    model: type[Chair | SeniorLiaisonOfficer], user: User, instance: models.Model | None
) -> bool:
    """Whether `user`'s account is already linked to a record of `model` other than `instance`."""
    linked = model._default_manager.filter(user=user)
    if instance is not None:
        linked = linked.exclude(pk=instance.pk)
    return linked.exists()


def _save_named(
    model: type[_Named],
    record_type: str,
    *,
    instance: _Named | None,
    by: User,
    **values: Any,
) -> _Named:
    values["name"] = values["name"].strip()
    with transaction.atomic():
        _name_free(model, values["name"], instance)
        if instance is None:
            instance = model._default_manager.create(**values)
            audit_record(
                actor=by,
                action=AuditAction.CREATE,
                record_type=record_type,
                record_id=str(instance.pk),
                summary=f"Added {record_type} {instance}",
                changes={name: (None, value) for name, value in values.items()},
            )
            return instance
        changes = field_changes(instance, values)
        if changes:
            for name, value in values.items():
                setattr(instance, name, value)
            instance.save()
            audit_record(
                actor=by,
                action=AuditAction.CHANGE,
                record_type=record_type,
                record_id=str(instance.pk),
                summary=f"Changed {record_type} {instance}",
                changes=changes,
            )
    return instance


def organisation_type_save(
    *, organisation_type: OrganisationType | None = None, name: str, by: User
) -> OrganisationType:
    """Add an organisation type, or rename one (its escalations and invitations follow)."""
    return _save_named(
        OrganisationType, "organisation type", instance=organisation_type, by=by, name=name
    )


def area_save(*, area: Area | None = None, name: str, by: User) -> Area:
    """Add an area, or rename one (its children and escalations follow)."""
    return _save_named(Area, "area", instance=area, by=by, name=name)


def chair_save(
    *, chair: Chair | None = None, name: str, email: str, user: User | None, by: User
) -> Chair:
    """Add a chair, or change their name, email address or the account linked to them."""
    if user is not None and _linked_elsewhere(Chair, user, chair):
        raise ValidationError({"user": "That account is already linked to another chair"})
    return _save_named(Chair, "chair", instance=chair, by=by, name=name, email=email, user=user)


def liaison_officer_save(
    *,
    officer: SeniorLiaisonOfficer | None = None,
    name: str,
    email: str,
    cover_name: str,
    organisation_types: list[OrganisationType],
    areas: list[Area],
    covers_unassigned_areas: bool,
    user: User | None,
    by: User,
) -> SeniorLiaisonOfficer:
    """Add a Senior Liaison Officer or change one, renaming first when the name changed
    (`liaison_officer_record` finds officers by name)."""
    name = name.strip()
    with transaction.atomic():
        _name_free(SeniorLiaisonOfficer, name, officer)
        if user is not None and _linked_elsewhere(SeniorLiaisonOfficer, user, officer):
            raise ValidationError({"user": "That account is already linked to another officer"})
        if officer is not None and officer.name != name:
            audit_record(
                actor=by,
                action=AuditAction.CHANGE,
                record_type="senior liaison officer",
                record_id=str(officer.pk),
                summary=f"Renamed Senior Liaison Officer {officer.name} to {name}",
                changes={"name": (officer.name, name)},
            )
            officer.name = name
            officer.save(update_fields=["name"])
        return liaison_officer_record(
            name=name,
            email=email,
            organisation_types=[t.name for t in organisation_types],
            areas=[a.name for a in areas],
            covers_unassigned_areas=covers_unassigned_areas,
            cover_name=cover_name,
            user=user,
            by=by,
        )


def rule_setting_save(*, by: User, **values: Any) -> int:
    """Set the installation's nation and local timeliness settings (blank: the nation's
    default), then work out every conference's verdict again under them. Returns how many
    conferences' stored verdicts changed."""
    unknown = set(values) - set(RULE_FIELDS)
    if unknown:
        raise ValueError(f"Unknown rule settings: {', '.join(sorted(unknown))}")
    with transaction.atomic():
        setting = RuleSetting.objects.select_for_update().first()
        if setting is None:
            setting = RuleSetting(nation=values["nation"])
            before = dict.fromkeys(RULE_FIELDS)
        else:
            before = {name: getattr(setting, name) for name in RULE_FIELDS}
        changes = {n: (before[n], v) for n, v in values.items() if before[n] != v}
        if not changes and setting.pk is not None:
            return 0
        for name, value in values.items():
            setattr(setting, name, value)
        if setting.pk is not None:
            setting.version += 1
        setting.save()
        audit_record(
            actor=by,
            action=AuditAction.CHANGE,
            record_type="timeliness rule set",
            record_id=str(setting.pk),
            summary="Changed the timeliness rule set",
            changes=changes,
        )
        changed = timeliness_refresh(child_pks=None)
        audit_record(
            actor=by,
            action=AuditAction.RECOMPUTE,
            record_type="timeliness",
            summary=f"Every conference's timeliness worked out again: {changed} changed",
        )
    return changed
