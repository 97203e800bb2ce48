"""The rule book (safeguard.domain.record_rules) applied to a bundle's rows: every error a
`Problem` naming file, line and column, every warning a line naming the record.

Plain Python like the reader: `bundle_apply` runs it over every bundle, the exchange format's and
the census's alike, with today and the installation's timeliness rules handed in."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from typing import Any

from safeguard.domain.record_rules import ChildRecords, Finding, child_check, record_check
from safeguard.domain.timeliness import RuleSet

from .reader import Bundle, Problem, Row
from .schema import (
    CHILDREN,
    CONFERENCES,
    ENQUIRIES,
    ESCALATIONS,
    MONITORING_CHECKS,
    PLANS,
    FileSpec,
)

SPECS: dict[str, FileSpec] = {
    "child": CHILDREN,
    "plan": PLANS,
    "conference": CONFERENCES,
    "monitoring check": MONITORING_CHECKS,
    "escalation": ESCALATIONS,
    "enquiry": ENQUIRIES,
}


def column_of(spec: FileSpec, field_name: str) -> str:
    """The file's column that holds a model field (`held_on` is conferences.csv's `date`)."""
    return next((c.name for c in spec.columns if c.field == field_name), field_name)


def bundle_rules_check(
    bundle: Bundle, *, today: dt.date, rules: RuleSet | None = None
) -> tuple[list[Problem], list[Problem]]:
    """(errors, warnings) the rule book finds in the bundle's rows, each located at its row."""
    rows: dict[tuple[str, str], Row] = {}
    by_child: dict[str, ChildRecords] = defaultdict(lambda: ChildRecords(None))
    alone: list[tuple[str, dict[str, Any]]] = []

    def values_of(kind: str) -> list[dict[str, Any]]:
        spec = SPECS[kind]
        found = []
        for row in bundle.of(spec):
            id_field = next(c.field for c in spec.columns if c.name == spec.id_column)
            rows.setdefault((kind, str(row.values.get(id_field) or "")), row)
            found.append(row.values)
        return found

    for values in values_of("child"):
        by_child[str(values.get("child_id") or "")].child = values
    plan_child: dict[str, str] = {}
    for values in values_of("plan"):
        plan_child[str(values.get("plan_id") or "")] = str(values.get("child") or "")
        by_child[str(values.get("child") or "")].plans.append(values)
    for values in values_of("conference"):
        by_child[str(values.get("child") or "")].conferences.append(values)
    for values in values_of("monitoring check"):
        alone.append(("monitoring check", values))
    for values in values_of("escalation"):
        alone.append(("escalation", values))
    for values in values_of("enquiry"):
        alone.append(("enquiry", values))

    findings: list[Finding] = []
    for records in by_child.values():
        findings.extend(child_check(records, today, rules))
    for kind, values in alone:
        findings.extend(record_check(kind, values, today))

    errors: list[Problem] = []
    warnings: list[Problem] = []
    for finding in findings:
        spec = SPECS[finding.record]
        row = rows.get((finding.record, finding.record_id))
        problem = Problem(
            spec.filename,
            row.line if row else 0,
            column_of(spec, finding.field),
            finding.reason
            if finding.is_error
            else f"{finding.record} '{finding.record_id}': {finding.reason}",
        )
        (errors if finding.is_error else warnings).append(problem)
    return errors, warnings
