"""The rule book (safeguard.domain.record_rules) over the records already stored: what
`safeguard check` lists, legacy records written before the rules among them."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict

from django.db.models import QuerySet

from safeguard.domain.record_rules import ChildRecords, Finding, child_check, record_check
from safeguard.domain.timeliness import RuleSet

from .records import (
    CHECK_MAPPING,
    CHILD_MAPPING,
    CONFERENCE_MAPPING,
    ESCALATION_MAPPING,
    PLAN_MAPPING,
    natural_records,
)


def stored_records_check(*, today: dt.date, rules: RuleSet | None = None) -> list[Finding]:
    """Every rule that a stored record breaks, errors and warnings, ordered by severity, rule
    and id.

    A conference's verdict is judged under `rules` when given (as an import judges it), else
    read from the verdict stored with it."""

    def of(mapping) -> QuerySet:
        return mapping.model._default_manager.all()

    by_child: dict[str, ChildRecords] = defaultdict(lambda: ChildRecords(None))
    for _, child in natural_records(CHILD_MAPPING, of(CHILD_MAPPING)).values():
        by_child[child["child_id"]].child = child
    for _, plan in natural_records(PLAN_MAPPING, of(PLAN_MAPPING)).values():
        by_child[plan["child"]].plans.append(plan)
    conferences = of(CONFERENCE_MAPPING)
    verdicts = dict(conferences.values_list("conference_id", "verdict"))
    for _, conference in natural_records(CONFERENCE_MAPPING, conferences).values():
        conference["verdict"] = verdicts.get(conference["conference_id"], "")
        by_child[conference["child"]].conferences.append(conference)
    findings: list[Finding] = []
    for records in by_child.values():
        findings.extend(child_check(records, today, rules))
    for _, check in natural_records(CHECK_MAPPING, of(CHECK_MAPPING)).values():
        findings.extend(record_check("monitoring check", check, today))
    escalations = of(ESCALATION_MAPPING)
    for _, escalation in natural_records(ESCALATION_MAPPING, escalations).values():
        findings.extend(record_check("escalation", escalation, today))
    return sorted(findings, key=lambda f: (f.rule.severity != "error", f.code, f.record_id))


def stored_child_records(child_id: str) -> ChildRecords:
    """A child's stored records in natural form (an unknown child: none)."""
    from safeguard.cases.models import Child

    records = ChildRecords(None)
    children = Child.objects.filter(child_id=child_id)
    for _, child in natural_records(CHILD_MAPPING, children).values():
        records.child = child
    records.plans = [
        p
        for _, p in natural_records(
            PLAN_MAPPING, PLAN_MAPPING.model._default_manager.filter(child__child_id=child_id)
        ).values()
    ]
    conferences = CONFERENCE_MAPPING.model._default_manager.filter(child__child_id=child_id)
    verdicts = dict(conferences.values_list("conference_id", "verdict"))
    records.conferences = [
        {**c, "verdict": verdicts.get(c["conference_id"], "")}
        for _, c in natural_records(CONFERENCE_MAPPING, conferences).values()
    ]
    return records
