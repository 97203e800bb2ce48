"""Which record moved which figure since an edition was issued (docs/decisions/0018).

Each record changed since the edition is put back as it was when the edition was issued, inside
a savepoint that is always rolled back, and the report is counted again: every changed figure
that then reads differently from the report now was moved by that record (leave one out). The
state to put back comes from the audit trail: a record created since is taken away; a record
changed since gets, for each field, the old value of the first entry that changed the field.

What the trail cannot put back is not guessed: a record deleted since (the trail keeps no
values of it), a bulk import (one entry for a whole file), a personal value kept as a keyed
hash, a link kept as a name. Those records, and all of them once more than
`MOST_RECORDS_UNDONE` changed, are named under each figure whose family the record's kind feeds
(`domain.editions.FEEDS`), labelled as not worked out."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import ValidationError
from django.db import DatabaseError, models, transaction
from django.db.models.deletion import ProtectedError, RestrictedError

from safeguard.audit.models import AuditAction, AuditEntry
from safeguard.audit.privacy import is_hashed
from safeguard.cases.models import Child, Enquiry, Plan
from safeguard.conferences.models import Conference, Invitation, Meeting, Organisation
from safeguard.conferences.services import meeting_date_set, meeting_timeliness_refresh
from safeguard.conferences.timeliness import timeliness_refresh
from safeguard.domain.editions import ChangedRecord, FigureChange
from safeguard.escalations.models import Escalation
from safeguard.monitoring.models import MonitoringCheck

# A report counted again for each record: about a second each at a large authority, so the
# page answers within a minute; beyond this many records, none is undone (labelled as such).
MOST_RECORDS_UNDONE = 30

# The records the trail names by id, and the field that id is in.
RECORD_MODELS: dict[str, tuple[type[models.Model], str]] = {
    "child": (Child, "child_id"),
    "plan": (Plan, "plan_id"),
    "enquiry": (Enquiry, "enquiry_id"),
    "conference": (Conference, "conference_id"),
    "meeting": (Meeting, "reference"),
    "invitation": (Invitation, "pk"),
    "organisation": (Organisation, "pk"),
    "escalation": (Escalation, "escalation_id"),
    "monitoring check": (MonitoringCheck, "check_id"),
}


class _Undone(Exception):
    """Raised to roll the savepoint back once the report has been counted."""


@dataclass(frozen=True)
class Undo:
    """How to put one record back as it was when the edition was issued: take it away
    (`remove`), or set `fields` back; `why_not` when the trail cannot say."""

    remove: bool = False
    nothing: bool = False  # created and deleted since: as it was, it is not there
    fields: Mapping[str, Any] | None = None
    kept: tuple[str, ...] = ()  # fields changed whose old value the trail does not hold
    why_not: str = ""


def undo_of(record: ChangedRecord, raw: Sequence[AuditEntry]) -> Undo:
    """What putting `record` back needs, from its trail entries since the edition (oldest
    first)."""
    known = RECORD_MODELS.get(record.record_type)
    if known is None or not record.record_id:
        return Undo(why_not="the trail names no single record here")
    actions = {entry.action for entry in raw}
    if AuditAction.CREATE in actions and AuditAction.DELETE in actions:
        return Undo(nothing=True)
    if AuditAction.CREATE in actions:
        return Undo(remove=True)
    if AuditAction.DELETE in actions:
        return Undo(why_not="deleted: the trail keeps none of its values")
    model, _ = known
    concrete = {f.name: f for f in model._meta.concrete_fields}
    old: dict[str, Any] = {}
    kept: list[str] = []
    for entry in raw:
        for name, values in (entry.changes or {}).items():
            if name in old or name in kept:
                continue
            restorable, value = _old_value(concrete.get(name), values)
            if restorable:
                old[name] = value
            else:
                kept.append(name)
    if not old:
        return Undo(why_not="the trail holds none of the values it had")
    return Undo(fields=old, kept=tuple(kept))


def _old_value(field: models.Field | None, values: Any) -> tuple[bool, Any]:
    if field is None or not isinstance(values, list | tuple) or len(values) != 2:
        return False, None
    old = values[0]
    if is_hashed(old):
        return False, None
    if field.is_relation:
        # The trail keeps a link as the linked record's name: only "none" can be put back.
        return (True, None) if old in (None, "") and field.null else (False, None)
    if old is None:
        return (True, None) if field.null else (False, None)
    try:
        return True, field.to_python(old)
    except ValidationError:
        return False, None


def _apply(record: ChangedRecord, undo: Undo) -> None:
    model, id_field = RECORD_MODELS[record.record_type]
    lookup = {id_field: int(record.record_id) if id_field == "pk" else record.record_id}
    instance = model._default_manager.filter(**lookup).first()
    if instance is None:
        raise LookupError(record.record_id)
    if undo.remove:
        instance.delete()
        return
    assert undo.fields is not None
    model._default_manager.filter(pk=instance.pk).update(**undo.fields)
    _follow(instance, undo.fields)


def _follow(instance: models.Model, fields: Mapping[str, Any]) -> None:
    """What the services do after such a change: a conference's date is its meeting's and its
    siblings'; a conference's or plan's change gives its child's verdicts again."""
    if isinstance(instance, Conference):
        if "held_on" in fields:
            meeting_date_set(meeting_id=instance.meeting_id, held_on=fields["held_on"])
        meeting_timeliness_refresh(meeting_id=instance.meeting_id)
    elif isinstance(instance, Plan):
        timeliness_refresh(child_pks=[instance.child_id])
    elif isinstance(instance, Child):
        timeliness_refresh(child_pks=[instance.pk])


@dataclass(frozen=True)
class Attribution:
    moved: Mapping[str, tuple[ChangedRecord, ...]]  # figure path -> the records that move it
    undone: tuple[ChangedRecord, ...]  # every record put back and counted again
    not_undone: tuple[ChangedRecord, ...]  # the records that could not be (with why_not)


def attribute(
    changes: Sequence[FigureChange],
    records: Sequence[tuple[ChangedRecord, Sequence[AuditEntry]]],
    figures_now: Callable[[], Mapping[str, Any]],
    flatten: Callable[[Mapping[str, Any]], Iterable[tuple[str, Any]]],
) -> Attribution:
    """For each record, put it back in a rolled-back savepoint and count the report again
    (`figures_now`); it moved each changed figure that then differs from now."""
    paths = [change.path for change in changes]
    now = {change.path: change.new for change in changes}
    moved: dict[str, list[ChangedRecord]] = {path: [] for path in paths}
    undone: list[ChangedRecord] = []
    not_undone: list[ChangedRecord] = []
    planned = [(record, undo_of(record, raw)) for record, raw in records]
    workable = [(r, u) for r, u in planned if not u.why_not]
    if len(workable) > MOST_RECORDS_UNDONE:
        reason = (
            f"not worked out: more than {MOST_RECORDS_UNDONE} records changed since the edition"
        )
        return Attribution(
            moved={},
            undone=(),
            not_undone=tuple(r.with_why_not(u.why_not or reason) for r, u in planned),
        )
    for record, undo in planned:
        if undo.why_not:
            not_undone.append(record.with_why_not(undo.why_not))
            continue
        if not paths or undo.nothing:
            undone.append(record.with_kept(undo.kept))
            continue
        try:
            counted = _counted_without(record, undo, figures_now, flatten, set(paths))
        except (LookupError, ProtectedError, RestrictedError, DatabaseError) as error:
            why = (
                "it no longer exists"
                if isinstance(error, LookupError)
                else "other records depend on it"
                if isinstance(error, ProtectedError | RestrictedError)
                else "putting it back breaks a rule of the database"
            )
            not_undone.append(record.with_why_not(why))
            continue
        record = record.with_kept(undo.kept)
        undone.append(record)
        for path in paths:
            if counted.get(path) != now[path]:
                moved[path].append(record)
    return Attribution(
        moved={path: tuple(found) for path, found in moved.items()},
        undone=tuple(undone),
        not_undone=tuple(not_undone),
    )


def _counted_without(
    record: ChangedRecord,
    undo: Undo,
    figures_now: Callable[[], Mapping[str, Any]],
    flatten: Callable[[Mapping[str, Any]], Iterable[tuple[str, Any]]],
    paths: set[str],
) -> dict[str, Any]:
    counted: dict[str, Any] = {}
    try:
        with transaction.atomic():
            _apply(record, undo)
            counted = {path: value for path, value in flatten(figures_now()) if path in paths}
            raise _Undone
    except _Undone:
        pass
    return counted
