"""Writing the census-only records, matched by child and date: added, changed or left alone.

Called inside the import's transaction, after the children and plans they hang off are written.
Nothing is removed: a census file holds one collection year, so earlier years' records stay."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.db.models.functions import Lower

from safeguard.cases.models import Child, Enquiry, EnquiryOutcome, Plan
from safeguard.data_version.services import data_version_bump
from safeguard.exchange.reader import Problem
from safeguard.storage import rows_insert, rows_update

from .models import (
    Assessment,
    ChildCensusDetail,
    CinEpisode,
    CinPlanPeriod,
    PlanCensusDetail,
    Section47Enquiry,
)
from .sourced import source_id

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
CHILD_DETAIL_FIELDS = ("upn", "former_upn", "upn_unknown", "death_on", "disabilities")
ASSESSMENT_FIELDS = ("started_on", "internal_review_on", "authorised_on", "factors")
CIN_PLAN_FIELDS = ("start_on", "end_on")
NO_DISABILITY = "NONE"
ENQUIRY_ID_PREFIX = "CIN"


class ChildPks(dict[str, int]):
    """Child id -> primary key, found whatever the id's capitals (docs/decisions/0020): the
    census's "c001" is the stored C001."""

    def __init__(self, pairs: Iterable[tuple[str, int]]) -> None:
        super().__init__(pairs)
        self._folded = {child_id.lower(): pk for child_id, pk in self.items()}

    def __getitem__(self, child_id: str) -> int:
        return self._folded[child_id.lower()]

    def __contains__(self, child_id: object) -> bool:
        return isinstance(child_id, str) and child_id.lower() in self._folded

    def get(self, child_id: str, default: Any = None) -> Any:
        return self._folded.get(child_id.lower(), default)


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


def disability_of(codes: str) -> bool | None:
    """The child's yes/no disability from the census's codes: yes when any code but NONE is
    recorded, no when only NONE is, unknown (None) when none is."""
    recorded = codes.split()
    if not recorded:
        return None
    return any(code != NO_DISABILITY for code in recorded)


def enquiry_outcome_of(said: dict[str, Any]) -> str:
    """A census section 47's outcome in the exchange format's terms: no further action when it
    says no initial conference is required, otherwise an initial conference (held, or to be)."""
    if said["icpc_not_required"]:
        return EnquiryOutcome.NO_FURTHER_ACTION
    return EnquiryOutcome.CONFERENCE


def enquiry_id_of(child_id: str, started_on: dt.date) -> str:
    """The id a census section 47 enquiry is given when no enquiry of its child on its date is
    held: CIN-<child>-S47-<date>, within the id rule (a long child id is hashed)."""
    return source_id(ENQUIRY_ID_PREFIX, child_id, "S47", started_on)


def _children_details_write(
    details: dict[str, dict[str, Any]], child_pks: dict[str, int]
) -> tuple[Counts, Counts]:
    """Each child's census detail, and its `disability` read from the codes (a child with no
    code recorded keeps its own)."""
    counts = Counts()
    pks = set(child_pks.values())
    small = len(pks) <= BATCH
    details_held = (
        ChildCensusDetail.objects.filter(child_id__in=pks)
        if small
        else ChildCensusDetail.objects.all()
    )
    held = {
        row["child_id"]: row
        for row in details_held.values("pk", "child_id", *CHILD_DETAIL_FIELDS).order_by()
    }
    new, changed = [], []
    for child_id, values in details.items():
        child_pk = child_pks[child_id]
        current = held.get(child_pk)
        if current is None:
            if any(values.values()):
                new.append({"child_id": child_pk, **values})
                counts.added += 1
        elif any(current[f] != values[f] for f in CHILD_DETAIL_FIELDS):
            changed.append((current["pk"], *(values[f] for f in CHILD_DETAIL_FIELDS)))
            counts.changed += 1
        else:
            counts.unchanged += 1
    rows_insert(ChildCensusDetail, new)
    rows_update(ChildCensusDetail, CHILD_DETAIL_FIELDS, changed)

    disability = Counts()
    children = Child.objects.filter(pk__in=pks) if small else Child.objects.all()
    held_disability = dict(children.values_list("pk", "disability").order_by())
    updates: dict[bool, list[int]] = {True: [], False: []}
    for child_id, values in details.items():
        said = disability_of(values["disabilities"])
        if said is None:
            continue
        child_pk = child_pks[child_id]
        recorded = held_disability.get(child_pk)
        if recorded != said:
            updates[said].append(child_pk)
            if recorded is None:
                disability.added += 1
            else:
                disability.changed += 1
        else:
            disability.unchanged += 1
    # Two values only: an UPDATE per value and batch is quicker than a row each.
    for said, pks_of in updates.items():
        for start in range(0, len(pks_of), BATCH):
            Child.objects.filter(pk__in=pks_of[start : start + BATCH]).update(disability=said)
    if updates[True] or updates[False]:
        data_version_bump()
    return counts, disability


def _enquiries_write(
    enquiries: dict[tuple[str, dt.date], dict[str, Any]],
    child_pks: dict[str, int],
    source_name: str,
    lines: dict[tuple[str, dt.date], int],
) -> tuple[Counts, list[Problem]]:
    """The section 47 enquiries as the records' enquiries (cases.Enquiry): one per <Section47>,
    matched by child and strategy discussion date; a new one gets `enquiry_id_of`."""
    counts = Counts()
    pks = set(child_pks.values())
    rows = Enquiry.objects.filter(child_id__in=pks) if len(pks) <= BATCH else Enquiry.objects
    held: dict[tuple[int, dt.date], dict[str, Any]] = {}
    for row in (
        rows.values("pk", "child_id", "strategy_discussion_on", "outcome", "version")
        .order_by("enquiry_id")
        .iterator()
    ):
        held.setdefault((row["child_id"], row["strategy_discussion_on"]), dict(row))
    new: list[dict[str, Any]] = []
    new_keys: list[tuple[str, dt.date]] = []
    changed = []
    for (child_id, started_on), said in enquiries.items():
        child_pk = child_pks[child_id]
        outcome = enquiry_outcome_of(said)
        current = held.get((child_pk, started_on))
        if current is None:
            new.append(
                {
                    "enquiry_id": enquiry_id_of(child_id, started_on),
                    "child_id": child_pk,
                    "strategy_discussion_on": started_on,
                    "outcome": outcome,
                    "end_on": None,
                    "version": 1,
                }
            )
            new_keys.append((child_id, started_on))
            counts.added += 1
        elif current["outcome"] != outcome:
            changed.append((current["pk"], outcome, current["version"] + 1))
            counts.changed += 1
        else:
            counts.unchanged += 1
    taken = set(
        Enquiry.objects.filter(enquiry_id__in=[row["enquiry_id"] for row in new]).values_list(
            "enquiry_id", flat=True
        )
    )
    problems = [
        Problem(
            source_name,
            lines.get(key, 0),
            "S47ActualStartDate",
            f"the enquiry id '{row['enquiry_id']}' is held for another enquiry (of another "
            "child or date): change that enquiry's id, then import again",
        )
        for row, key in zip(new, new_keys, strict=True)
        if row["enquiry_id"] in taken
    ]
    if problems:
        return counts, problems
    rows_insert(Enquiry, new)
    rows_update(Enquiry, ["outcome", "version"], changed)
    return counts, []


def _episode_modules_write(
    model,
    fields: tuple[str, ...],
    wanted: dict[tuple[str, dt.date], list[tuple[Any, ...]]],
    episode_keys: set[tuple[str, dt.date]],
    episode_pks: dict[tuple[str, dt.date], int],
) -> Counts:
    """An episode's modules (assessments, CIN plan periods) as the file lists them: an episode
    whose list differs from the one held has its list replaced; the file is its whole record."""
    counts = Counts()
    pks = [episode_pks[key] for key in episode_keys]
    rows = model.objects.filter(episode_id__in=pks) if len(pks) <= BATCH else model.objects
    held: dict[int, list[tuple[Any, ...]]] = defaultdict(list)
    for episode_pk, *values in rows.values_list("episode_id", *fields).order_by("episode_id", "id"):
        held[episode_pk].append(tuple(values))
    stale: list[int] = []
    new: list[dict[str, Any]] = []
    for key in episode_keys:
        episode_pk = episode_pks[key]
        said = wanted.get(key, [])
        current = held.get(episode_pk, [])
        if said == current:
            counts.unchanged += len(said)
            continue
        if current:
            stale.append(episode_pk)
        counts.removed += max(0, len(current) - len(said))
        counts.changed += min(len(current), len(said))
        counts.added += max(0, len(said) - len(current))
        new.extend(
            {"episode_id": episode_pk, **dict(zip(fields, values, strict=True))} for values in said
        )
    for start in range(0, len(stale), BATCH):
        model.objects.filter(episode_id__in=stale[start : start + BATCH]).delete()
    rows_insert(model, new)
    return counts


def census_records_write(
    *,
    episodes: dict[tuple[str, dt.date], dict[str, Any]],
    enquiries: dict[tuple[str, dt.date], dict[str, Any]],
    previous_plans: dict[tuple[str, dt.date], int | None],
    child_details: dict[str, dict[str, Any]] | None = None,
    assessments: dict[tuple[str, dt.date], list[tuple[Any, ...]]] | None = None,
    cin_plans: dict[tuple[str, dt.date], list[tuple[Any, ...]]] | None = None,
    source_name: str = "",
    enquiry_lines: dict[tuple[str, dt.date], int] | None = None,
) -> tuple[dict[str, Counts], list[Problem]]:
    """Episodes and enquiries keyed by (child id, date); previous plans by (child id, plan
    start); the children's details by child id; assessments and CIN plan periods by their
    episode's (child id, referral date).

    The children and plans must already be written. Returns the counts per kind of record and
    the problems that stop the import (an enquiry id already taken)."""
    child_details = child_details or {}
    child_ids = {key[0] for key in (*episodes, *enquiries, *previous_plans)} | set(child_details)
    if len(child_ids) <= BATCH:
        child_pks = ChildPks(
            Child.objects.annotate(folded=Lower("child_id"))
            .filter(folded__in={c.lower() for c in child_ids})
            .values_list("child_id", "pk")
        )
    else:
        child_pks = ChildPks(Child.objects.values_list("child_id", "pk"))
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

    episode_rows = (
        CinEpisode.objects.filter(child_id__in=set(child_pks.values()))
        if len(child_pks) <= BATCH
        else CinEpisode.objects
    )
    child_of_pk = {pk: child_id for child_id, pk in child_pks.items()}
    episode_pks = {
        (child_of_pk[child_pk], referral_on): pk
        for pk, child_pk, referral_on in episode_rows.values_list(
            "pk", "child_id", "referral_on"
        ).order_by()
        if child_pk in child_of_pk
    }
    result["assessments"] = _episode_modules_write(
        Assessment, ASSESSMENT_FIELDS, assessments or {}, set(episodes), episode_pks
    )
    result["CIN plan periods"] = _episode_modules_write(
        CinPlanPeriod, CIN_PLAN_FIELDS, cin_plans or {}, set(episodes), episode_pks
    )
    result["child census details"], result["disability (yes/no)"] = _children_details_write(
        child_details, child_pks
    )
    result["enquiries"], problems = _enquiries_write(
        enquiries, child_pks, source_name, enquiry_lines or {}
    )
    return result, problems
