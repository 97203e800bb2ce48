"""How each file of the bundle maps onto the database's records, both ways.

A record is compared in its *natural* form: the values of the bundle, with every reference held
by the other record's source id (a child's `child_id`, an area's name), so that the database and
a bundle can be compared without knowing primary keys."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

from django.db import models

from safeguard.cases.models import Allocation, Area, Child, Enquiry, Plan, Population
from safeguard.conferences.models import Chair, Conference, Invitation, Meeting
from safeguard.domain.vocabulary import ALERT_ROLES
from safeguard.escalations.models import Escalation, EscalationStep, OrganisationType
from safeguard.monitoring.models import MonitoringCheck

from .schema import (
    ALLOCATIONS,
    CHILDREN,
    CONFERENCES,
    ENQUIRIES,
    ESCALATION_STEPS,
    ESCALATIONS,
    INVITATIONS,
    MONITORING_CHECKS,
    PLANS,
    POPULATION,
    FileSpec,
)

# A lookup: the model that a natural value names, and the field that holds that name.
LOOKUPS: dict[str, tuple[type[models.Model], str]] = {
    "area": (Area, "name"),
    "organisation_type": (OrganisationType, "name"),
    "chair": (Chair, "name"),
    "raised_by": (Chair, "name"),
    "child": (Child, "child_id"),
    "plan": (Plan, "plan_id"),
    "meeting": (Meeting, "reference"),
    "conference": (Conference, "conference_id"),
    "escalation": (Escalation, "escalation_id"),
}


@dataclass(frozen=True)
class Mapping:
    spec: FileSpec
    model: type[models.Model]
    # model field -> path that reads its natural value in a values() query
    paths: dict[str, str]
    key_fields: tuple[str, ...]
    # bundle row -> natural form (defaults the bundle leaves implicit)
    normalize: Callable[[dict[str, Any]], dict[str, Any]] = lambda values: dict(values)
    # natural form -> model field values (references still natural)
    to_model: Callable[[dict[str, Any]], dict[str, Any]] = lambda values: dict(values)
    # fields of another unique constraint: a record changing them is rewritten in place
    unique_fields: tuple[str, ...] = ()
    # values() row -> natural form
    from_model: Callable[[dict[str, Any]], dict[str, Any]] = lambda values: dict(values)
    # Records with no id of their own, of which two may be alike in every column (an
    # escalation's two identical notes of one day): each takes its `occurrence` among the
    # records alike (0, 1, ...), the last part of its key, so that none is lost or merged.
    repeatable: bool = False

    @property
    def fields(self) -> tuple[str, ...]:
        return tuple(self.paths)

    def key(self, natural: dict[str, Any]) -> tuple:
        return tuple(natural[f] for f in self.key_fields)

    def references(self) -> dict[str, str]:
        """The model fields that are foreign keys, with the lookup that resolves each."""
        return {f: f for f in self.paths if f in LOOKUPS and self.paths[f] != f}


def _paths(fields: Iterable[str], references: dict[str, str]) -> dict[str, str]:
    return {f: references.get(f, f) for f in fields}


def _fields(spec: FileSpec) -> list[str]:
    return [c.field for c in spec.columns]


CHILD_MAPPING = Mapping(
    CHILDREN,
    Child,
    _paths(_fields(CHILDREN), {"area": "area__name"}),
    ("child_id",),
)
PLAN_MAPPING = Mapping(
    PLANS,
    Plan,
    _paths(_fields(PLANS), {"child": "child__child_id"}),
    ("plan_id",),
)


def _conference_normalize(values: dict[str, Any]) -> dict[str, Any]:
    values = dict(values)
    values["has_meeting_id"] = bool(values["meeting"])
    values["meeting"] = values["meeting"] or values["conference_id"]
    values["status"] = values["status"] or "held"  # blank means held (version 1)
    return values


def _conference_to_model(values: dict[str, Any]) -> dict[str, Any]:
    values = dict(values)
    del values["has_meeting_id"]
    return values


_conference_paths = _paths(
    _fields(CONFERENCES),
    {"child": "child__child_id", "meeting": "meeting__reference", "chair": "chair__name"},
)
_conference_paths["has_meeting_id"] = "meeting__has_meeting_id"
CONFERENCE_MAPPING = Mapping(
    CONFERENCES,
    Conference,
    _conference_paths,
    ("conference_id",),
    normalize=_conference_normalize,
    to_model=_conference_to_model,
    unique_fields=("child", "kind", "held_on"),
)


def _invitation_normalize(values: dict[str, Any]) -> dict[str, Any]:
    """A report's arrival is derived from its dates when the row does not say: on or before
    the due date is `yes`, after it `late`. An explicit `report_received` always stands."""
    values = dict(values)
    due, received = values["report_due_on"], values["report_received_on"]
    if not values["report_received"] and due is not None and received is not None:
        values["report_received"] = "yes" if received <= due else "late"
    return values


INVITATION_MAPPING = Mapping(
    INVITATIONS,
    Invitation,
    _paths(
        _fields(INVITATIONS),
        {"meeting": "meeting__reference", "organisation_type": "organisation_type__name"},
    ),
    ("meeting", "organisation_type", "organisation_name"),
    normalize=_invitation_normalize,
)


def _escalation_normalize(values: dict[str, Any]) -> dict[str, Any]:
    values = dict(values)
    if values["formal"] is None:
        values["formal"] = True
    return values


ESCALATION_MAPPING = Mapping(
    ESCALATIONS,
    Escalation,
    _paths(
        _fields(ESCALATIONS),
        {
            "organisation_type": "organisation_type__name",
            "area": "area__name",
            "conference": "conference__conference_id",
            "child": "child__child_id",
            "raised_by": "raised_by__name",
        },
    ),
    ("escalation_id",),
    normalize=_escalation_normalize,
)

_ALERT_FIELDS = {role: f"alerted_{role}" for role in ALERT_ROLES}


def _check_to_model(values: dict[str, Any]) -> dict[str, Any]:
    values = dict(values)
    roles = values.pop("alerted")
    for role, field_name in _ALERT_FIELDS.items():
        values[field_name] = role in roles
    return values


def _check_from_model(values: dict[str, Any]) -> dict[str, Any]:
    values = dict(values)
    values["alerted"] = tuple(r for r, f in _ALERT_FIELDS.items() if values.pop(f))
    return values


_check_paths = _paths(
    [f for f in _fields(MONITORING_CHECKS) if f != "alerted"],
    {"plan": "plan__plan_id", "chair": "chair__name"},
)
_check_paths.update({f: f for f in _ALERT_FIELDS.values()})
CHECK_MAPPING = Mapping(
    MONITORING_CHECKS,
    MonitoringCheck,
    _check_paths,
    ("check_id",),
    normalize=lambda values: dict(values),
    to_model=_check_to_model,
    from_model=_check_from_model,
)

ALLOCATION_MAPPING = Mapping(
    ALLOCATIONS,
    Allocation,
    _paths(_fields(ALLOCATIONS), {"child": "child__child_id"}),
    ("child", "role", "name", "from_on"),
)

ENQUIRY_MAPPING = Mapping(
    ENQUIRIES,
    Enquiry,
    _paths(_fields(ENQUIRIES), {"child": "child__child_id"}),
    ("enquiry_id",),
)


def _without_occurrence(values: dict[str, Any]) -> dict[str, Any]:
    values = dict(values)
    values.pop(OCCURRENCE, None)
    return values


# A step has no id of its own: it is its escalation, date, stage and note, and its occurrence
# among steps alike in all four. Who recorded it in Safeguard is not exchanged.
ESCALATION_STEP_MAPPING = Mapping(
    ESCALATION_STEPS,
    EscalationStep,
    _paths(_fields(ESCALATION_STEPS), {"escalation": "escalation__escalation_id"}),
    ("escalation", "on", "stage", "note", "occurrence"),
    to_model=_without_occurrence,
    repeatable=True,
)
POPULATION_MAPPING = Mapping(
    POPULATION,
    Population,
    _paths(_fields(POPULATION), {}),
    ("year",),
)

# In FILES' order: each mapping's references are written before it.
MAPPINGS: tuple[Mapping, ...] = (
    CHILD_MAPPING,
    PLAN_MAPPING,
    CONFERENCE_MAPPING,
    INVITATION_MAPPING,
    ESCALATION_MAPPING,
    CHECK_MAPPING,
    ALLOCATION_MAPPING,
    ENQUIRY_MAPPING,
    ESCALATION_STEP_MAPPING,
    POPULATION_MAPPING,
)


def sortable_key(key: tuple) -> tuple:
    """A record key that sorts though some of its parts are blank (a step without a stage)."""
    return tuple((part is not None, part) for part in key)


OCCURRENCE = "occurrence"


def occurrences_numbered(mapping: Mapping, records: list[dict[str, Any]]) -> None:
    """Give each record of a repeatable mapping its occurrence among the records alike, in
    the order given (rows by line, stored records by primary key)."""
    if not mapping.repeatable:
        return
    seen: dict[tuple, int] = {}
    for natural in records:
        alike = mapping.key({**natural, OCCURRENCE: 0})
        natural[OCCURRENCE] = seen.get(alike, 0)
        seen[alike] = natural[OCCURRENCE] + 1


def natural_records(mapping: Mapping, queryset=None) -> dict[tuple, tuple[int, dict[str, Any]]]:
    """Every record of a mapping in the database: key -> (pk, natural values)."""
    queryset = mapping.model._default_manager.all() if queryset is None else queryset
    paths = mapping.paths
    stored: list[tuple[int, dict[str, Any]]] = []
    rows = queryset.values("pk", *paths.values())
    for row in rows.order_by("pk") if mapping.repeatable else rows.order_by():
        natural = mapping.from_model({f: row[p] for f, p in paths.items()})
        for name in mapping.references():
            if natural[name] is None:
                natural[name] = ""
        stored.append((row["pk"], natural))
    occurrences_numbered(mapping, [natural for _, natural in stored])
    return {mapping.key(natural): (pk, natural) for pk, natural in stored}
