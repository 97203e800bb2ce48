"""Writing the census-only records, matched by child and date: added, changed or left alone.

Called inside the import's transaction, after the children and plans they hang off are written.
Nothing is removed: a census file holds one collection year, so earlier years' records stay."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from safeguard.cases.models import Child, Plan
from safeguard.storage import rows_insert, rows_update

from .models import CinEpisode, PlanCensusDetail, Section47Enquiry

BATCH = 2000


@dataclass
class Counts:
    added: int = 0
    changed: int = 0
    unchanged: int = 0
    removed: int = 0


EPISODE_FIELDS = (
    "referral_source",
    "primary_need_code",
    "closure_on",
    "closure_reason",
    "referral_nfa",
    "initial_conference_on",
)
ENQUIRY_FIELDS = ("initial_conference_target_on", "initial_conference_on", "icpc_not_required")


def _upsert(
    model,
    key_field: str,
    fields: tuple[str, ...],
    wanted: dict[tuple[str, dt.date], dict[str, Any]],
    child_pks: dict[str, int],
) -> Counts:
    counts = Counts()
    held = (
        {
            (row["child_id"], row[key_field]): row
            for row in model.objects.filter(child_id__in=set(child_pks.values()))
            .values("pk", "child_id", key_field, *fields)
            .order_by()
        }
        if len(child_pks) <= BATCH
        else {
            (row["child_id"], row[key_field]): row
            for row in model.objects.values("pk", "child_id", key_field, *fields).order_by()
        }
    )
    new, changed = [], []
    for (child_id, on), values in wanted.items():
        child_pk = child_pks[child_id]
        current = held.get((child_pk, on))
        if current is None:
            new.append({"child_id": child_pk, key_field: on, **values})
            counts.added += 1
        elif any(current[f] != values[f] for f in fields):
            changed.append((current["pk"], *(values[f] for f in fields)))
            counts.changed += 1
        else:
            counts.unchanged += 1
    rows_insert(model, new)
    rows_update(model, fields, changed)
    return counts


def census_records_write(
    *,
    episodes: dict[tuple[str, dt.date], dict[str, Any]],
    enquiries: dict[tuple[str, dt.date], dict[str, Any]],
    previous_plans: dict[tuple[str, dt.date], int | None],
) -> dict[str, Counts]:
    """Episodes and enquiries keyed by (child id, date); previous plans by (child id, plan start).

    The children and plans must already be written."""
    child_ids = {key[0] for key in (*episodes, *enquiries, *previous_plans)}
    if len(child_ids) <= BATCH:
        child_pks = dict(Child.objects.filter(child_id__in=child_ids).values_list("child_id", "pk"))
    else:
        child_pks = dict(Child.objects.values_list("child_id", "pk"))
    result = {
        "CIN episodes": _upsert(CinEpisode, "referral_on", EPISODE_FIELDS, episodes, child_pks),
        "section 47 enquiries": _upsert(
            Section47Enquiry, "started_on", ENQUIRY_FIELDS, enquiries, child_pks
        ),
    }
    plan_pks = (
        {
            (child_id, start_on): pk
            for pk, child_id, start_on in Plan.objects.filter(
                child_id__in=set(child_pks.values())
            ).values_list("pk", "child__child_id", "start_on")
        }
        if len(child_pks) <= BATCH
        else {
            (child_id, start_on): pk
            for pk, child_id, start_on in Plan.objects.values_list(
                "pk", "child__child_id", "start_on"
            )
        }
    )
    held = dict(PlanCensusDetail.objects.values_list("plan_id", "previous_plans"))
    held_pks = dict(PlanCensusDetail.objects.values_list("plan_id", "pk"))
    counts = Counts()
    new, changed = [], []
    for key, previous in previous_plans.items():
        plan_pk = plan_pks[key]
        if plan_pk not in held:
            new.append({"plan_id": plan_pk, "previous_plans": previous})
            counts.added += 1
        elif held[plan_pk] != previous:
            changed.append((held_pks[plan_pk], previous))
            counts.changed += 1
        else:
            counts.unchanged += 1
    rows_insert(PlanCensusDetail, new)
    rows_update(PlanCensusDetail, ["previous_plans"], changed)
    result["plan census details"] = counts
    return result
