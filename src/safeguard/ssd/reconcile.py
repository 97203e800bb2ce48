"""`ssd_reconcile`: what differs between the last SSD extract and Safeguard's records, each line
naming both records (docs/ssd.md, Reconciliation). Nothing is changed: a person decides."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass

from safeguard.accounts.models import User
from safeguard.audit.models import AuditAction
from safeguard.audit.services import audit_record
from safeguard.cases.models import Child, Plan
from safeguard.conferences.models import Conference

from .models import SsdHolding


@dataclass(frozen=True, order=True)
class Difference:
    child_id: str
    topic: str
    text: str

    def __str__(self) -> str:
        return f"{self.child_id}: {self.topic}: {self.text}"


def _date(text: object) -> dt.date | None:
    return dt.date.fromisoformat(str(text)) if text else None


def _shown(value: object) -> str:
    return "blank" if value in (None, "") else str(value)


def ssd_differences() -> list[Difference]:
    """Every difference, ordered by child."""
    held: dict[str, list[SsdHolding]] = defaultdict(list)
    for holding in SsdHolding.objects.exclude(kind="child").only(
        "kind", "source_id", "record_id", "child_id", "values"
    ):
        held[holding.kind].append(holding)
    children = set(SsdHolding.objects.filter(kind="child").values_list("source_id", flat=True))
    if not children:
        return []
    found: list[Difference] = []

    plans = {
        p.plan_id: p for p in Plan.objects.filter(plan_id__in=[h.record_id for h in held["plan"]])
    }
    for h in held["plan"]:
        plan = plans.get(h.record_id)
        v = h.values
        names = f"extract plan {h.source_id}, Safeguard plan {h.record_id}"
        if plan is None:
            found.append(Difference(h.child_id, "plan", f"{names}: not in Safeguard"))
            continue
        end = _date(v.get("end_on"))
        if end is None and plan.end_on is not None:
            found.append(
                Difference(
                    h.child_id,
                    "plan",
                    f"{names}: open in the extract, ended {plan.end_on} in Safeguard",
                )
            )
        elif end is not None and plan.end_on is None:
            found.append(
                Difference(
                    h.child_id, "plan", f"{names}: ended {end} in the extract, open in Safeguard"
                )
            )
        elif end != plan.end_on:
            found.append(
                Difference(
                    h.child_id,
                    "plan",
                    f"{names}: end date {end} in the extract, {plan.end_on} in Safeguard",
                )
            )
        if _date(v.get("start_on")) != plan.start_on:
            found.append(
                Difference(
                    h.child_id,
                    "plan",
                    f"{names}: start date {v.get('start_on')} in the extract, "
                    f"{plan.start_on} in Safeguard",
                )
            )
        for name in ("initial_category", "latest_category"):
            if v.get(name) and v.get(name) != getattr(plan, name):
                found.append(
                    Difference(
                        h.child_id,
                        "plan",
                        f"{names}: {name.replace('_', ' ')} {v.get(name)} in the extract, "
                        f"{_shown(getattr(plan, name))} in Safeguard",
                    )
                )

    conferences = {
        c.conference_id: c
        for c in Conference.objects.filter(
            conference_id__in=[h.record_id for h in held["conference"]]
        ).select_related("child")
    }
    earliest = None
    for h in held["conference"]:
        day = _date(h.values.get("held_on"))
        earliest = day if earliest is None or (day and day < earliest) else earliest
        conference = conferences.get(h.record_id)
        names = f"extract conference {h.source_id}, Safeguard conference {h.record_id}"
        if conference is None or conference.status == "cancelled":
            state = "not in Safeguard" if conference is None else "cancelled in Safeguard"
            found.append(Difference(h.child_id, "conference", f"{names}: {state}"))
            continue
        if day != conference.held_on:
            found.append(
                Difference(
                    h.child_id,
                    "conference",
                    f"{names}: dated {day} in the extract, {conference.held_on} in Safeguard",
                )
            )
        if h.values.get("kind") != conference.kind:
            found.append(
                Difference(
                    h.child_id,
                    "conference",
                    f"{names}: {h.values.get('kind')} in the extract, {conference.kind} in "
                    "Safeguard",
                )
            )
        if h.values.get("outcome") and h.values.get("outcome") != conference.outcome:
            found.append(
                Difference(
                    h.child_id,
                    "conference",
                    f"{names}: outcome {h.values.get('outcome')} in the extract, "
                    f"{_shown(conference.outcome)} in Safeguard",
                )
            )
    held_conferences = set(conferences)
    if earliest is not None:
        extra = (
            Conference.objects.filter(status="held", held_on__gte=earliest)
            .exclude(conference_id__in=held_conferences)
            .values_list("conference_id", "child__child_id", "kind", "held_on")
        )
        for conference_id, child_id, kind, held_on in extra.iterator():
            if conference_id in held_conferences:
                continue
            found.append(
                Difference(
                    child_id,
                    "conference",
                    f"Safeguard conference {conference_id} ({kind}, {held_on}): not in the "
                    f"extract (no {kind} conference of child {child_id} on {held_on} there)",
                )
            )

    if earliest is not None:  # plans in force within the extract's window that it lacks
        held_plans = {h.record_id for h in held["plan"]}
        for plan_id, child_id, start_on, end_on in (
            Plan.objects.exclude(end_on__lt=earliest)
            .values_list("plan_id", "child__child_id", "start_on", "end_on")
            .iterator()
        ):
            if plan_id not in held_plans:
                span = f"from {start_on}" + (f" to {end_on}" if end_on else ", open")
                found.append(
                    Difference(
                        child_id,
                        "plan",
                        f"Safeguard plan {plan_id} ({span}): not in the extract (no plan of "
                        f"child {child_id} with that id there)",
                    )
                )

    plan_children = {h.child_id for h in held["plan"]} | {
        h.child_id for h in held["conference"] if h.values.get("outcome") == "plan"
    }
    with_plans = set(
        Plan.objects.filter(child__child_id__in=plan_children).values_list(
            "child__child_id", flat=True
        )
    )
    for child_id in sorted(plan_children - with_plans):
        found.append(
            Difference(
                child_id,
                "child",
                f"extract child {child_id} has a plan in the extract, Safeguard child "
                f"{child_id} has no plan",
            )
        )

    births = {
        h.source_id: h.values
        for h in SsdHolding.objects.filter(kind="child").only("source_id", "values")
    }
    for child in Child.objects.filter(child_id__in=list(births)).only("child_id", "date_of_birth"):
        born = _date(births[child.child_id].get("date_of_birth"))
        if born and born != child.date_of_birth:
            found.append(
                Difference(
                    child.child_id,
                    "child",
                    f"extract child {child.child_id} born {born}, Safeguard child "
                    f"{child.child_id} born {_shown(child.date_of_birth)}",
                )
            )
    return sorted(found)


def ssd_reconcile(*, by: User | None) -> list[str]:
    """The differences as lines, audited as a view of the children they name."""
    differences = ssd_differences()
    audit_record(
        actor=by,
        action=AuditAction.VIEW,
        record_type="ssd_reconciliation",
        record_id="latest",
        summary=f"{len(differences)} differences between the SSD extract and Safeguard",
        shown_ids=sorted({d.child_id for d in differences}),
    )
    return [str(d) for d in differences]
