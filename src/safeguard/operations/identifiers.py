"""The records whose ids break the identifier rule (safeguard.domain.identifiers): written
before the rule, by older imports or direct database loads. `safeguard check` lists them; a
child's id is corrected on the child's page by a service manager."""

from __future__ import annotations

import dataclasses

from django.db.models import Model

from safeguard.cases.models import Child, Plan
from safeguard.conferences.models import Conference, Meeting
from safeguard.domain.identifiers import identifier_problem
from safeguard.escalations.models import Escalation
from safeguard.monitoring.models import MonitoringCheck

# (what the record is called, its model, the field holding its id)
IDENTIFIED_RECORDS: tuple[tuple[str, type[Model], str], ...] = (
    ("child", Child, "child_id"),
    ("plan", Plan, "plan_id"),
    ("meeting", Meeting, "reference"),
    ("conference", Conference, "conference_id"),
    ("check", MonitoringCheck, "check_id"),
    ("escalation", Escalation, "escalation_id"),
)


@dataclasses.dataclass(frozen=True)
class IdentifierBreach:
    record_type: str
    identifier: str
    problem: str

    def __str__(self) -> str:
        return f"{self.record_type} {self.identifier!r}: {self.problem}"


def identifiers_breaking_the_rule() -> list[IdentifierBreach]:
    """Every stored record id that a new record could not be given, by kind of record."""
    breaches = []
    for record_type, model, field in IDENTIFIED_RECORDS:
        ids = model._default_manager.order_by(field).values_list(field, flat=True)
        for identifier in ids.iterator(chunk_size=5000):
            problem = identifier_problem(identifier, noun=f"{record_type} id")
            if problem:
                breaches.append(IdentifierBreach(record_type, identifier, problem))
    return breaches
