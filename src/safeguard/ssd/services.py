"""`ssd_import` and `ssd_sync`: an SSD extract applied as a second door onto Safeguard's records.

The extract is read and translated into the exchange bundle's natural form (`reader`), matched
against the records Safeguard holds (by id, else a conference by child, type and date), merged
under the ownership rule (`ownership`), and written by the exchange importer (`bundle_apply`),
so the rule book, matching, timeliness and audit are the same as at every other door. What the
exchange format has no file for yet (enquiries, visits, quoracy, disability and its census
codes, family, a worker's team) is written beside it, in the same transaction. Nothing is
deleted: records the extract no longer holds are listed as withdrawn for a person to decide
(docs/ssd.md)."""

from __future__ import annotations

import base64
import datetime as dt
import hashlib
import json
import zipfile
import zlib
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from django.conf import settings
from django.db import connection, transaction
from django.db.models import Q
from django.utils import timezone

from safeguard.accounts.models import User
from safeguard.audit.models import AuditAction
from safeguard.audit.services import audit_record
from safeguard.cases.models import Allocation, Child, Enquiry, Plan, Visit
from safeguard.census.models import ChildCensusDetail
from safeguard.conferences.models import Conference
from safeguard.conferences.timeliness import installation_rule_set, timeliness_refresh
from safeguard.data_version.services import data_version_bump
from safeguard.domain.vocabulary import CONFERENCE_KINDS
from safeguard.exchange.importer import (
    STATISTICS_AFTER_ROWS,
    bundle_apply,
    child_ids_as_stored,
)
from safeguard.exchange.reader import Bundle, Problem, Row, blank_value, problem_order
from safeguard.exchange.records import (
    ALLOCATION_MAPPING,
    CHILD_MAPPING,
    CONFERENCE_MAPPING,
    PLAN_MAPPING,
    natural_records,
)
from safeguard.exchange.schema import ALLOCATIONS, CHILDREN, CONFERENCES, FILES, PLANS

from .models import SsdHolding, SsdRun
from .ownership import merged
from .reader import Extract, SsdError, file_digest, open_sources, ssd_translate

BATCH = 500

__all__ = ["SsdError", "SsdResult", "ssd_import", "ssd_sync"]


@dataclass(frozen=True)
class Change:
    """One record a sync adds, changes or withdraws, named for a person."""

    kind: str
    record_id: str
    action: str  # added | changed | withdrawn
    detail: str

    def __str__(self) -> str:
        return f"{self.kind} {self.record_id}: {self.action}" + (
            f" ({self.detail})" if self.detail else ""
        )


@dataclass
class Counts:
    added: int = 0
    changed: int = 0
    unchanged: int = 0
    withdrawn: int = 0


@dataclass
class SsdResult:
    source: str
    problems: list[Problem] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    counts: dict[str, Counts] = field(default_factory=dict)
    changes: list[Change] = field(default_factory=list)
    dry_run: bool = False
    unchanged: bool = False
    skipped_undated: int = 0
    other_authority_plans: list[str] = field(default_factory=list)
    children_compared: int = 0

    @property
    def ok(self) -> bool:
        return not self.problems


KINDS = ("child", "plan", "conference", "allocation", "enquiry", "visit")


class _RollBack(Exception):
    pass


def ssd_sync(*, folder: Path | None = None, by: User | None) -> SsdResult:
    """The nightly job: read the configured folder (SAFEGUARD_SSD_FOLDER) and apply it."""
    folder = folder or Path(settings.SAFEGUARD_SSD_FOLDER)
    if not str(folder) or str(folder) == ".":
        raise SsdError("no folder to read: set SAFEGUARD_SSD_FOLDER to the SSD script's folder")
    return ssd_import(path=folder, by=by)


def ssd_import(
    *,
    path: Path,
    by: User | None,
    dry_run: bool = False,
    today: dt.date | None = None,
    source_name: str | None = None,
) -> SsdResult:
    """Check the extract at `path` whole; if it is clean, apply it in one transaction (or, with
    `dry_run`, work out what would change and write nothing)."""
    path = Path(path)
    name = source_name or path.name
    sources = open_sources(path)
    digests = {n: file_digest(data) for n, data in sorted(sources.items())}
    last = (
        SsdRun.objects.order_by("-started_at", "-pk").values_list("file_digests", flat=True).first()
    )
    if last is not None and last == digests:
        result = SsdResult(source=name, dry_run=dry_run, unchanged=True)
        if not dry_run:
            _run_record(result, by, digests)
        return result
    previous = _row_digests_unpacked(
        SsdRun.objects.filter(row_digests__isnull=False)
        .order_by("-started_at", "-pk")
        .values_list("row_digests", flat=True)
        .first()
    )
    extract = ssd_translate(
        sources,
        name=name,
        worker_roles=settings.SAFEGUARD_SSD_WORKER_ROLES,
        previous=previous,
        team_areas=dict(settings.SAFEGUARD_SSD_TEAM_AREAS),
        file_digests=digests,
    )
    return ssd_apply(extract, by=by, dry_run=dry_run, today=today)


UNREADABLE_MESSAGE = (
    "The file could not be opened as a .zip file of the SSD's CSV files. Check that it is the "
    "extract (not a single CSV or a damaged download) and upload it again."
)


def ssd_uploaded_apply(*, path: Path, name: str, by: User, dry_run: bool) -> SsdResult:
    """Check (`dry_run`) or apply an uploaded extract, under the name the person's file had. A
    file that cannot be read gives one problem, not an exception."""
    if not zipfile.is_zipfile(path):
        return SsdResult(source=name, problems=[Problem(name, 0, "", UNREADABLE_MESSAGE)])
    try:
        return ssd_import(path=path, by=by, dry_run=dry_run, source_name=name)
    except SsdError as error:
        return SsdResult(source=name, problems=[Problem(name, 0, "", str(error))])
    except (zipfile.BadZipFile, zlib.error, EOFError, OSError, NotImplementedError):
        return SsdResult(source=name, problems=[Problem(name, 0, "", UNREADABLE_MESSAGE)])


def _run_record(
    result: SsdResult,
    by: User | None,
    digests: dict[str, str],
    row_digests: dict[str, Any] | None = None,
) -> None:
    with transaction.atomic():
        if row_digests is not None:
            SsdRun.objects.filter(row_digests__isnull=False).update(row_digests=None)
        SsdRun.objects.create(
            row_digests=_row_digests_packed(row_digests) if row_digests is not None else None,
            started_at=timezone.now(),
            source=result.source[:300],
            by=by,
            file_digests=digests,
            unchanged=result.unchanged,
            counts={k: vars(c) for k, c in result.counts.items()},
            changes=[[c.kind, c.record_id, c.action, c.detail] for c in result.changes],
            warnings=result.warnings[:1000],
        )
        audit_record(
            actor=by,
            action=AuditAction.IMPORT,
            record_type="ssd_extract",
            record_id=result.source[:100],
            summary=summary_line(result)[:500],
        )


def _row_digests_packed(row_digests: dict[str, Any]) -> str:
    """`Extract.row_digests` as a run keeps them: their JSON compressed, as base64 text. Kept as
    a JSON object (6 MB for a large authority's extract), PostgreSQL parsed and compressed it
    on every sync that wrote, most of the database's time in a sync of 1% of the children."""
    text = json.dumps(row_digests, separators=(",", ":"))
    return base64.b64encode(zlib.compress(text.encode(), 1)).decode("ascii")


def _row_digests_unpacked(kept: Any) -> dict[str, Any] | None:
    if isinstance(kept, str):
        return json.loads(zlib.decompress(base64.b64decode(kept)))
    return kept  # a run kept before they were packed: the object itself


def summary_line(result: SsdResult) -> str:
    if result.unchanged:
        return "the extract is unchanged since the last sync; nothing to do"
    parts = [
        f"{kind}: {c.added} added, {c.changed} changed, {c.unchanged} unchanged"
        + (f", {c.withdrawn} withdrawn" if c.withdrawn else "")
        for kind, c in result.counts.items()
    ]
    return "; ".join(parts)


def _digest(value: Any) -> str:
    text = json.dumps(value, sort_keys=True, default=str, separators=(",", ":"))
    return hashlib.sha256(text.encode()).hexdigest()


# Names are not kept beside the extract's other values: the reconciliation compares no names,
# and a copy would outlive the child's record's retention.
_NOT_HELD = frozenset(("line", "given_name", "family_name"))


def _jsonable(values: dict[str, Any]) -> dict[str, Any]:
    return {
        k: (v.isoformat() if isinstance(v, dt.date) else v)
        for k, v in values.items()
        if k not in _NOT_HELD
    }


@dataclass
class _Held:
    """An extract record ready to hold: its kind, SSD id, the Safeguard id it matched, child."""

    kind: str
    source_id: str
    record_id: str
    child_id: str
    values: dict[str, Any]


def _by_child(extract: Extract) -> dict[str, dict[str, list]]:
    grouped: dict[str, dict[str, list]] = defaultdict(lambda: defaultdict(list))
    b = extract.bundle
    for row in b.of(CHILDREN):
        values = {**row.values, **extract.children.get(row.values["child_id"], {})}
        grouped[row.values["child_id"]]["child"].append((row, values))
    for row in b.of(PLANS):
        grouped[row.values["child"]]["plan"].append((row, dict(row.values)))
    for row in b.of(CONFERENCES):
        values = {**row.values, **extract.conferences.get(row.values["conference_id"], {})}
        grouped[row.values["child"]]["conference"].append((row, values))
    for row in b.of(ALLOCATIONS):
        v = row.values
        key = (v["child"], v["role"], v["name"], v["from_on"])
        grouped[v["child"]]["allocation"].append((row, {**v, **extract.allocations.get(key, {})}))
    for enquiry in extract.enquiries:
        grouped[enquiry["child"]]["enquiry"].append((None, dict(enquiry)))
    for visit in extract.visits:
        grouped[visit["child"]]["visit"].append((None, dict(visit)))
    return grouped


def _child_ids_as_stored(extract: Extract) -> None:
    """The extract's child ids spelled as the children's stored ids: ids are matched whatever
    their capitals (docs/decisions/0020), so the SSD's "c001" updates the C001 recorded by
    hand rather than adding a second child."""
    respelled = child_ids_as_stored(extract.bundle)
    if not respelled:
        return

    def stored(child_id: str) -> str:
        return respelled.get(child_id, child_id)

    extract.children = {stored(c): values for c, values in extract.children.items()}
    extract.allocations = {(stored(k[0]), *k[1:]): v for k, v in extract.allocations.items()}
    for record in (*extract.enquiries, *extract.visits):
        record["child"] = stored(record["child"])
    if extract.persons is not None:
        extract.persons = {stored(p) for p in extract.persons}


def _source_id(kind: str, values: dict[str, Any]) -> str:
    if kind == "child":
        return values["child_id"]
    if kind == "allocation":
        return f"{values['child']}|{values['role']}|{values['name']}|{values['from_on']}"
    return str(values[f"{kind}_id"] if kind != "conference" else values["conference_id"])


def ssd_apply(
    extract: Extract, *, by: User | None, dry_run: bool = False, today: dt.date | None = None
) -> SsdResult:
    result = SsdResult(
        source=extract.name,
        warnings=list(extract.warnings),
        dry_run=dry_run,
        skipped_undated=extract.skipped_undated,
        other_authority_plans=list(extract.other_authority_plans),
    )
    if extract.problems:
        result.problems = list(extract.problems)
        return result
    _child_ids_as_stored(extract)
    grouped = _by_child(extract)
    child_digests = {
        child: hashlib.sha256(
            repr(
                [(k, [sorted(v.items()) for _, v in rows]) for k, rows in sorted(kinds.items())]
            ).encode()
        ).hexdigest()
        for child, kinds in grouped.items()
    }
    held_children = dict(SsdHolding.objects.filter(kind="child").values_list("source_id", "digest"))
    changed = sorted(c for c, d in child_digests.items() if held_children.get(c) != d)
    in_sight = set(held_children)
    if extract.persons is not None:
        in_sight &= extract.persons
    gone_children = sorted(in_sight - set(child_digests))
    result.children_compared = len(child_digests)
    for kind in KINDS:
        result.counts[kind] = Counts()
    # the children whose rows did not change were not translated again: unchanged
    result.counts["child"].unchanged += len(set(held_children) - in_sight)
    for child in set(child_digests) - set(changed):
        for kind, rows in grouped[child].items():
            result.counts[kind].unchanged += len(rows)
    try:
        with transaction.atomic():
            _apply(extract, grouped, changed, gone_children, child_digests, result, by, today)
            if result.problems:
                raise _RollBack
            if dry_run:
                raise _RollBack
    except _RollBack:
        pass
    if result.problems:
        result.counts = {}
        result.changes = []
    return result


def _batches(values: list[str]) -> Iterable[list[str]]:
    for start in range(0, len(values), BATCH):
        yield values[start : start + BATCH]


def _apply(
    extract: Extract,
    grouped: dict[str, dict[str, list]],
    changed: list[str],
    gone_children: list[str],
    child_digests: dict[str, str],
    result: SsdResult,
    by: User | None,
    today: dt.date | None,
) -> None:
    bundle = Bundle(renamed=extract.located)
    held_records: list[_Held] = []
    extras: dict[str, list[tuple[dict[str, Any] | None, dict[str, Any]]]] = defaultdict(list)
    for batch in _batches(changed):
        _merge_batch(batch, grouped, bundle, held_records, extras, result)
    previously = _previous_holdings(changed, gone_children)
    now_held = {(h.kind, h.source_id) for h in held_records}
    for (kind, source_id), (_, record_id, child_id, _) in sorted(previously.items()):
        if kind != "child" and (kind, source_id) not in now_held:
            result.counts[kind].withdrawn += 1
            result.changes.append(
                Change(
                    kind,
                    record_id,
                    "withdrawn",
                    f"child {child_id}; no longer in the extract, kept in Safeguard",
                )
            )
    for child in gone_children:
        result.counts["child"].withdrawn += 1
        result.changes.append(
            Change("child", child, "withdrawn", "no longer in the extract, kept in Safeguard")
        )
    if not changed and not gone_children:
        _run_record(result, by, extract.file_digests, extract.row_digests)
        return
    applied = bundle_apply(bundle=bundle, source_name=extract.name, by=by, today=today)
    if not applied.ok:
        result.problems = sorted(applied.problems, key=problem_order)
        return
    result.warnings.extend(w for w in applied.warnings if w not in result.warnings)
    _extras_write(extras)
    result.warnings.extend(_target_notes(extract, held_records))
    data_version_bump()
    _holdings_write(changed, previously, held_records, child_digests)
    result.changes.sort(key=lambda c: (c.action, c.kind, c.record_id))
    _run_record(result, by, extract.file_digests, extract.row_digests)


def _target_notes(extract: Extract, held_records: list[_Held]) -> list[str]:
    """A data-quality note for each initial conference whose target date in the extract is not
    the due date Safeguard worked out (the SSD's target is a cross-check, never imported)."""
    matched = {
        h.source_id: h.record_id
        for h in held_records
        if h.kind == "conference" and h.source_id in extract.targets
    }
    due: dict[str, dt.date | None] = {}
    for batch in _batches(sorted(set(matched.values()))):
        due.update(
            Conference.objects.filter(conference_id__in=batch).values_list(
                "conference_id", "due_on"
            )
        )
    notes = []
    for source_id, record_id in sorted(matched.items()):
        target, line = extract.targets[source_id]
        due_on = due.get(record_id)
        if due_on is not None and due_on != target:
            notes.append(
                f"ssd_initial_cp_conference.csv:{line}: icpc_icpc_target_date: conference "
                f"'{record_id}': the extract's target date {target.isoformat()} is not "
                f"Safeguard's due date {due_on.isoformat()} (a data-quality note; not imported)"
            )
    return notes


def _previous_holdings(
    changed: list[str], gone_children: list[str]
) -> dict[tuple[str, str], tuple[int, str, str, str]]:
    """The holdings of the children changed or gone: (kind, source id) -> (pk, record id, child
    id, digest)."""
    found: dict[tuple[str, str], tuple[int, str, str, str]] = {}
    for batch in _batches([*changed, *gone_children]):
        for pk, kind, source_id, record_id, child_id, digest in SsdHolding.objects.filter(
            Q(child_id__in=batch) | Q(kind="child", source_id__in=batch)
        ).values_list("pk", "kind", "source_id", "record_id", "child_id", "digest"):
            found[(kind, source_id)] = (pk, record_id, child_id, digest)
    return found


def _merge_batch(
    children: list[str],
    grouped: dict[str, dict[str, list]],
    bundle: Bundle,
    held_records: list[_Held],
    extras: dict[str, list[tuple[dict[str, Any] | None, dict[str, Any]]]],
    result: SsdResult,
) -> None:
    """Match and merge the extract's records of `children` with Safeguard's."""
    rows_of = {kind: [r for c in children for r in grouped[c].get(kind, [])] for kind in KINDS}
    plan_ids = [v["plan_id"] for _, v in rows_of["plan"]]
    conference_ids = [v["conference_id"] for _, v in rows_of["conference"]]
    stored_children = {
        k[0]: v
        for k, (_, v) in natural_records(
            CHILD_MAPPING, Child.objects.filter(child_id__in=children)
        ).items()
    }
    # by primary key, not through a join: each side of the OR below then uses its index
    child_pks = list(Child.objects.filter(child_id__in=children).values_list("pk", flat=True))
    held_codes = dict(
        ChildCensusDetail.objects.filter(child__child_id__in=children).values_list(
            "child__child_id", "disabilities"
        )
    )
    child_extras = {
        c: {"disability": d, "family_id": f, "disability_codes": held_codes.get(c, "")}
        for c, d, f in Child.objects.filter(child_id__in=children).values_list(
            "child_id", "disability", "family_id"
        )
    }
    stored_plans = {
        k[0]: v
        for k, (_, v) in natural_records(
            PLAN_MAPPING,
            Plan.objects.filter(Q(child_id__in=child_pks) | Q(plan_id__in=plan_ids)),
        ).items()
    }
    conferences = Conference.objects.filter(
        Q(child_id__in=child_pks) | Q(conference_id__in=conference_ids)
    ).exclude(status="cancelled")
    stored_conferences = {
        k[0]: v for k, (_, v) in natural_records(CONFERENCE_MAPPING, conferences).items()
    }
    conference_extras = {
        c: {"quorate": q, "status": s}
        for c, q, s in conferences.values_list("conference_id", "quorate", "status")
    }
    by_occasion = {
        (v["child"], v["kind"], v["held_on"]): v["conference_id"]
        for v in stored_conferences.values()
    }
    stored_allocations = {
        k: v
        for k, (_, v) in natural_records(
            ALLOCATION_MAPPING, Allocation.objects.filter(child__child_id__in=children)
        ).items()
    }
    allocation_extras = {
        (c, r, n, f): {"team": t, "staff_id": s}
        for c, r, n, f, t, s in Allocation.objects.filter(child__child_id__in=children).values_list(
            "child__child_id", "role", "name", "from_on", "team", "staff_id"
        )
    }

    def record(
        kind: str,
        row: Row | None,
        values: dict[str, Any],
        stored: dict[str, Any] | None,
        record_id: str,
        spec_fields: Iterable[str],
        spec_filename: str | None,
    ) -> dict[str, Any]:
        after = merged(kind, stored, values)
        counts = result.counts[kind]
        describe = _describe(kind, values)
        if stored is None:
            counts.added += 1
            result.changes.append(Change(kind, record_id, "added", describe))
        else:
            before = {f: stored.get(f) for f in after if f in stored}
            diff = [
                f"{f} {_show(before[f])} -> {_show(after[f])}"
                for f in before
                if before[f] != after[f] and f not in ("line",)
            ]
            if diff:
                counts.changed += 1
                result.changes.append(Change(kind, record_id, "changed", "; ".join(diff)))
            else:
                counts.unchanged += 1
        if spec_filename is not None and row is not None:
            # A column the SSD does not carry reads as a blank cell (ownership keeps the
            # stored value: `merged` took it over into `after` where there was one).
            blanks = BLANK_OF_FIELD[spec_filename]
            bundle.rows.setdefault(spec_filename, []).append(
                Row(row.line, {f: after[f] if f in after else blanks[f] for f in spec_fields})
            )
        held_records.append(
            _Held(
                kind,
                _source_id(kind, values),
                record_id,
                values.get("child_id") or values.get("child", ""),
                _jsonable(values),
            )
        )
        return after

    child_fields = [c.field for c in CHILDREN.columns]
    for row, values in rows_of["child"]:
        child_id = values["child_id"]
        stored = stored_children.get(child_id)
        if stored is not None:
            stored = {**stored, **child_extras.get(child_id, {})}
        after = record("child", row, values, stored, child_id, child_fields, CHILDREN.filename)
        extras["child"].append((stored, after))
    plan_fields = [c.field for c in PLANS.columns]
    for row, values in rows_of["plan"]:
        stored = stored_plans.get(values["plan_id"])
        record("plan", row, values, stored, values["plan_id"], plan_fields, PLANS.filename)
    conference_fields = [c.field for c in CONFERENCES.columns]
    for row, values in rows_of["conference"]:
        matched = values["conference_id"]
        if matched not in stored_conferences:
            matched = by_occasion.get((values["child"], values["kind"], values["held_on"]), matched)
        stored = stored_conferences.get(matched)
        if stored is not None:
            stored = {**stored, **conference_extras.get(matched, {})}
            stored["meeting"] = stored["meeting"] if stored.pop("has_meeting_id") else ""
        after = record(
            "conference", row, values, stored, matched, conference_fields, CONFERENCES.filename
        )
        after["conference_id"] = matched
        extras["conference"].append((stored, after))
    allocation_fields = [c.field for c in ALLOCATIONS.columns]
    for row, values in rows_of["allocation"]:
        key = (values["child"], values["role"], values["name"], values["from_on"])
        stored = stored_allocations.get(key)
        if stored is not None:
            stored = {**stored, **allocation_extras.get(key, {})}
        after = record(
            "allocation",
            row,
            values,
            stored,
            f"{values['child']}/{values['name']}/{values['from_on']}",
            allocation_fields,
            ALLOCATIONS.filename,
        )
        extras["allocation"].append((stored, after))
    enquiry_ids = [v["enquiry_id"] for _, v in rows_of["enquiry"]]
    stored_enquiries = {
        e: {"enquiry_id": e, "child": c, "strategy_discussion_on": s, "outcome": o, "end_on": n}
        for e, c, s, o, n in Enquiry.objects.filter(enquiry_id__in=enquiry_ids).values_list(
            "enquiry_id", "child__child_id", "strategy_discussion_on", "outcome", "end_on"
        )
    }
    for _, values in rows_of["enquiry"]:
        values.pop("line", None)
        stored = stored_enquiries.get(values["enquiry_id"])
        after = record("enquiry", None, values, stored, values["enquiry_id"], (), None)
        extras["enquiry"].append((stored, after))
    visit_ids = [v["visit_id"] for _, v in rows_of["visit"]]
    stored_visits = {
        v: {
            "visit_id": v,
            "child": c,
            "plan": p or "",
            "visited_on": d,
            "seen": s,
            "seen_alone": a,
            "bedroom_seen": b,
        }
        for v, c, p, d, s, a, b in Visit.objects.filter(visit_id__in=visit_ids).values_list(
            "visit_id",
            "child__child_id",
            "plan__plan_id",
            "visited_on",
            "seen",
            "seen_alone",
            "bedroom_seen",
        )
    }
    for _, values in rows_of["visit"]:
        stored = stored_visits.get(values["visit_id"])
        after = record("visit", None, values, stored, values["visit_id"], (), None)
        extras["visit"].append((stored, after))


def _describe(kind: str, values: dict[str, Any]) -> str:
    if kind == "child":
        born = values.get("date_of_birth") or values.get("expected_date_of_birth")
        return f"born {born}" if values.get("date_of_birth") else f"expected {born}"
    if kind == "plan":
        return f"child {values['child']}, from {values['start_on']}" + (
            f" to {values['end_on']}" if values.get("end_on") else ", open"
        )
    if kind == "conference":
        kind = values["kind"]
        kind = CONFERENCE_KINDS.phrase(kind) if kind in CONFERENCE_KINDS else kind
        return f"child {values['child']}, {kind}, {values['held_on']}"
    if kind == "allocation":
        return f"child {values['child']}, {values['name']}, {values.get('team', '')}"
    if kind == "enquiry":
        return f"child {values['child']}, strategy discussion {values['strategy_discussion_on']}"
    return f"child {values['child']}, {values['visited_on']}"


def _show(value: Any) -> str:
    if value is None or value == "":
        return "(blank)"
    return str(value)


def _extras_write(extras: dict[str, list[tuple[dict[str, Any] | None, dict[str, Any]]]]) -> None:
    """The values the exchange format has no column for yet, written once bundle_apply has
    written the records they belong to."""
    _fields_write(
        Child,
        "child_id",
        [(a["child_id"], a) for b, a in extras["child"] if _differ(b, a, _CHILD_EXTRAS)],
        _CHILD_EXTRAS,
    )
    _disability_codes_write(
        {
            a["child_id"]: a["disability_codes"]
            for b, a in extras["child"]
            if a.get("disability_codes") and _differ(b, a, ("disability_codes",))
        }
    )
    conference_rows = []
    for before, after in extras["conference"]:
        values = {"quorate": after.get("quorate"), "status": "held"}
        if before is None and values["quorate"] is None:
            continue
        if before is None or any(before.get(k) != v for k, v in values.items()):
            conference_rows.append((after["conference_id"], values))
    _fields_write(Conference, "conference_id", conference_rows, ("quorate", "status"))
    now_held = [
        after["child"]
        for before, after in extras["conference"]
        if before is not None and before.get("status") == "booked"
    ]
    if now_held:  # a booked conference the extract says was held: judge it now
        timeliness_refresh(
            child_pks=list(_pks(Child, "child_id", set(now_held)).values()),
            rules=installation_rule_set(),
        )
    allocations = [a for b, a in extras["allocation"] if _differ(b, a, _ALLOCATION_EXTRAS)]
    if allocations:
        keys = {}
        for batch in _batches(sorted({a["child"] for a in allocations})):
            for pk, *key in Allocation.objects.filter(child__child_id__in=batch).values_list(
                "pk", "child__child_id", "role", "name", "from_on"
            ):
                keys[tuple(key)] = pk
        Allocation.objects.bulk_update(
            [
                Allocation(
                    pk=keys[(a["child"], a["role"], a["name"], a["from_on"])],
                    team=a.get("team", ""),
                    staff_id=a.get("staff_id", ""),
                )
                for a in allocations
            ],
            ["team", "staff_id"],
            batch_size=BATCH,
        )
    child_pks = _pks(
        Child,
        "child_id",
        {a["child"] for _, a in extras["enquiry"]} | {a["child"] for _, a in extras["visit"]},
    )
    _records_write(
        Enquiry,
        "enquiry_id",
        [
            {
                "enquiry_id": a["enquiry_id"],
                "child_id": child_pks[a["child"]],
                "strategy_discussion_on": a["strategy_discussion_on"],
                "outcome": a["outcome"],
                "end_on": a["end_on"],
            }
            for b, a in extras["enquiry"]
            if b != a
        ],
    )
    plan_pks = _pks(Plan, "plan_id", {a["plan"] for _, a in extras["visit"] if a.get("plan")})
    _records_write(
        Visit,
        "visit_id",
        [
            {
                "visit_id": a["visit_id"],
                "child_id": child_pks[a["child"]],
                "plan_id": plan_pks.get(a["plan"]) if a.get("plan") else None,
                "visited_on": a["visited_on"],
                "seen": a["seen"],
                "seen_alone": a["seen_alone"],
                "bedroom_seen": a["bedroom_seen"],
            }
            for b, a in extras["visit"]
            if b != a
        ],
    )


_CHILD_EXTRAS = ("disability", "family_id")


def _disability_codes_write(codes: dict[str, str]) -> None:
    """The children's CIN census disability codes, kept beside the census's other details of a
    child, for the census export to write as the SSD gave them."""
    if not codes:
        return
    child_pks = _pks(Child, "child_id", set(codes))
    held = dict(
        ChildCensusDetail.objects.filter(child_id__in=list(child_pks.values())).values_list(
            "child_id", "pk"
        )
    )
    ChildCensusDetail.objects.bulk_update(
        [
            ChildCensusDetail(pk=held[pk], disabilities=codes[child])
            for child, pk in child_pks.items()
            if pk in held
        ],
        ["disabilities"],
        batch_size=BATCH,
    )
    ChildCensusDetail.objects.bulk_create(
        [
            ChildCensusDetail(child_id=pk, disabilities=codes[child])
            for child, pk in child_pks.items()
            if pk not in held
        ],
        batch_size=BATCH,
    )


BLANK_OF_FIELD = {
    spec.filename: {column.field: blank_value(column) for column in spec.columns} for spec in FILES
}
_ALLOCATION_EXTRAS = ("team", "staff_id")


def _differ(before: dict[str, Any] | None, after: dict[str, Any], names: Iterable[str]) -> bool:
    if before is None:
        return any(after.get(n) not in (None, "") for n in names)
    return any(before.get(n) != after.get(n) for n in names)


def _pks(model, id_field: str, ids: set[str]) -> dict[str, int]:
    found: dict[str, int] = {}
    for batch in _batches(sorted(ids)):
        found.update(model.objects.filter(**{f"{id_field}__in": batch}).values_list(id_field, "pk"))
    return found


def _fields_write(model, id_field: str, rows: list[tuple[str, dict[str, Any]]], names) -> None:
    if not rows:
        return
    pks = _pks(model, id_field, {r[0] for r in rows})
    objects = []
    for record_id, values in rows:
        obj = model(pk=pks[record_id])
        for name in names:
            setattr(obj, name, values.get(name))
        objects.append(obj)
    model.objects.bulk_update(objects, list(names), batch_size=BATCH)


def _records_write(model, id_field: str, rows: list[dict[str, Any]]) -> None:
    if not rows:
        return
    pks = _pks(model, id_field, {r[id_field] for r in rows})
    new = [model(**r) for r in rows if r[id_field] not in pks]
    model.objects.bulk_create(new, batch_size=BATCH)
    changed = []
    for r in rows:
        if r[id_field] in pks:
            obj = model(pk=pks[r[id_field]], **r)
            changed.append(obj)
    names = [n for n in rows[0] if n != id_field]
    if changed:
        versions = dict(
            model.objects.filter(pk__in=[o.pk for o in changed]).values_list("pk", "version")
        )
        for obj in changed:
            obj.version = versions[obj.pk] + 1
        model.objects.bulk_update(changed, [*names, "version"], batch_size=BATCH)


def _holdings_write(
    changed: list[str],
    previously: dict[tuple[str, str], tuple[int, str, str, str]],
    held_records: list[_Held],
    child_digests: dict[str, str],
) -> None:
    """Remember what this extract holds for the children it changed: their records (with the
    per-row digest) and the digest of each child's records as a whole. `previously` are the
    holdings of the children changed or gone: those the extract no longer holds go, and of the
    rest only those that differ are written again (a child whose forename changed rewrites its
    own holding, not its plans' and conferences')."""
    child_values = {h.source_id: h.values for h in held_records if h.kind == "child"}
    holdings = [
        *(
            SsdHolding(
                kind=h.kind,
                source_id=h.source_id[:200],
                record_id=h.record_id[:200],
                child_id=h.child_id,
                digest=_digest(h.values),
                values=h.values,
            )
            for h in held_records
            if h.kind != "child"
        ),
        *(
            SsdHolding(
                kind="child",
                source_id=c,
                record_id=c,
                child_id=c,
                digest=child_digests[c],
                values=child_values.get(c, {}),
            )
            for c in changed
        ),
    ]
    kept: set[int] = set()
    new = []
    for holding in holdings:
        before = previously.get((holding.kind, holding.source_id))
        # the digest is of the values (a child's, of all its records' values, its own among them)
        if before is not None and before[1:] == (
            holding.record_id,
            holding.child_id,
            holding.digest,
        ):
            kept.add(before[0])
        else:
            new.append(holding)
    gone = sorted(pk for pk, *_ in previously.values() if pk not in kept)
    for start in range(0, len(gone), BATCH):
        SsdHolding.objects.filter(pk__in=gone[start : start + BATCH]).delete()
    SsdHolding.objects.bulk_create(new, batch_size=BATCH)
    if connection.vendor == "postgresql" and len(new) + len(gone) >= STATISTICS_AFTER_ROWS:
        # as the exchange importer does after a large import: planned from no statistics (or a
        # table's before the first sync), reading a few children's holdings read all of them
        with connection.cursor() as cursor:
            cursor.execute(f"ANALYZE {connection.ops.quote_name(SsdHolding._meta.db_table)}")
