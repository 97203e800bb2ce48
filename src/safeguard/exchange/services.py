"""The rule book (docs/record-rules.md) at the forms' door: the services that save a child, a
plan, a conference, a check or an escalation call `record_rules_apply` before they write.

An error is raised at the field, as a `ValidationError` the form shows beside it; a warning is
raised once on the form's `confirm_unusual` box, and when the person ticks it and saves again,
the record is saved and who confirmed it is recorded in the audit trail."""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from typing import Any

from django.core.exceptions import ValidationError
from django.utils import timezone

from safeguard.accounts.models import User
from safeguard.audit.models import AuditAction
from safeguard.audit.services import audit_record
from safeguard.conferences.timeliness import installation_rule_set
from safeguard.domain.record_rules import (
    ID_FIELDS,
    LATE_WITHOUT_REASON,
    ChildRecords,
    Finding,
    child_check,
    conference_out_of_timescale,
    record_check,
)

from .selectors import stored_child_records

CONFIRM_FIELD = "confirm_unusual"
_LISTS = {"plan": "plans", "conference": "conferences"}


def record_rules_apply(
    kind: str,
    record: Mapping[str, Any],
    *,
    by: User | None,
    confirmed: bool = False,
    child_id: str = "",
    fields: Mapping[str, str] | None = None,
) -> list[Finding]:
    """Check `record` (natural form) beside the child's stored records; raise the errors at
    their fields (`fields` renames a rule's field to the form's), and the warnings on the
    confirmation box unless `confirmed`. Returns the warnings confirmed (already audited)."""
    today = timezone.localdate()
    rules = installation_rule_set()
    fields = fields or {}
    record = dict(record)
    if kind in ("monitoring check", "escalation") or not child_id:
        findings = record_check(kind, record, today)
    else:
        stored = stored_child_records(child_id)
        before = set(child_check(stored, today, rules))
        after = _with(stored, kind, record)
        findings = [
            f for f in child_check(after, today, rules) if f not in before or _is(f, kind, record)
        ]
        if (
            kind == "conference"
            and not str(record.get("out_of_timescale_reason") or "").strip()
            and conference_out_of_timescale(record, stored, rules)
        ):
            raise ValidationError(
                {
                    fields.get("out_of_timescale_reason", "out_of_timescale_reason"): (
                        f"{LATE_WITHOUT_REASON.code} The conference is out of timescale: say why"
                    )
                }
            )
    errors: dict[str, list[str]] = {}
    for finding in findings:
        if finding.is_error:
            errors.setdefault(fields.get(finding.field, finding.field), []).append(
                _sentence(finding)
            )
    if errors:
        raise ValidationError(errors)
    warnings = [f for f in findings if not f.is_error]
    if warnings and not confirmed:
        raise ValidationError(
            {
                CONFIRM_FIELD: [_sentence(f) for f in warnings]
                + ["Check the record; if it is right, tick the box and save again."]
            }
        )
    for finding in warnings:
        audit_record(
            actor=by,
            action=AuditAction.CHANGE,
            record_type=finding.record,
            record_id=str(record.get(ID_FIELDS[kind]) or finding.record_id)[:100],
            child_id=child_id,
            summary=f"Confirmed as right though unusual: {finding.reason}"[:500],
        )
    return warnings


def _is(finding: Finding, kind: str, record: Mapping[str, Any]) -> bool:
    return finding.record == kind and finding.record_id == str(record.get(ID_FIELDS[kind]) or "")


def _with(stored: ChildRecords, kind: str, record: dict[str, Any]) -> ChildRecords:
    """The child's records as they would be once `record` is saved (added, or in place of the
    stored record with its id)."""
    if kind == "child":
        return dataclasses.replace(stored, child=record)
    id_field = ID_FIELDS[kind]
    kept = [r for r in getattr(stored, _LISTS[kind]) if r.get(id_field) != record.get(id_field)]
    if kind == "plan":
        return dataclasses.replace(stored, plans=[*kept, record])
    return dataclasses.replace(stored, conferences=[*kept, record])


def _sentence(finding: Finding) -> str:
    text = finding.reason
    return text[0:5] + text[5].upper() + text[6:] if len(text) > 6 else text
