"""`bundle_import`: bring an exchange-format bundle into the database, whole or not at all."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, cast

from django.db import DatabaseError, IntegrityError, connection, transaction
from django.db.models.functions import Lower
from django.utils import timezone

from safeguard.accounts.models import User
from safeguard.audit.models import AuditAction
from safeguard.audit.services import audit_record
from safeguard.cases.models import Area, Child
from safeguard.conferences.models import Chair, Meeting
from safeguard.conferences.timeliness import (
    installation_rule_set,
    timeliness_of_new_child,
    timeliness_refresh,
)
from safeguard.data_version.services import data_version_bump
from safeguard.domain.timeliness import ConferenceFacts, ConferenceKind, PlanFacts, RuleSet
from safeguard.escalations.models import OrganisationType
from safeguard.storage import Versioned, rows_insert, rows_update

from .reader import Bundle, Problem, Row, latest_step_stages, problem_order, read_bundle
from .records import (
    CHILD_MAPPING,
    CONFERENCE_MAPPING,
    ESCALATION_MAPPING,
    MAPPINGS,
    PLAN_MAPPING,
    Mapping,
    natural_records,
    occurrences_numbered,
)
from .rule_book import bundle_rules_check
from .schema import CHILDREN, CONFERENCES, ESCALATIONS, PLANS

BATCH = 2000
Progress = Callable[[str, int], None]


@dataclass
class FileCounts:
    added: int = 0
    changed: int = 0
    unchanged: int = 0
    removed: int = 0


@dataclass
class ImportResult:
    """What an import did (or, with problems, why it did nothing)."""

    problems: list[Problem] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    files: dict[str, FileCounts] = field(default_factory=dict)
    replace: bool = False
    dry_run: bool = False
    rows: int = 0

    @property
    def ok(self) -> bool:
        return not self.problems

    @property
    def changed_anything(self) -> bool:
        return any(c.added or c.changed or c.removed for c in self.files.values())


class _RollBack(Exception):
    """Raised inside the transaction to undo a dry run or a late-found problem."""


def bundle_import(
    *,
    path: Path,
    by: User | None,
    replace: bool = False,
    dry_run: bool = False,
    progress: Progress | None = None,
) -> ImportResult:
    """Check the bundle at `path` whole; if it is clean, write it in one transaction.

    Records are matched by their source ids (invitations by meeting and organisation): new ones
    are added, differing ones changed, equal ones left alone. With `replace`, records that the
    bundle does not hold are removed, so the database equals the bundle. With `dry_run`, the
    counts are worked out and everything is rolled back."""
    return bundle_apply(
        bundle=read_bundle(path),
        source_name=Path(path).name,
        by=by,
        replace=replace,
        dry_run=dry_run,
        progress=progress,
    )


def bundle_apply(
    *,
    bundle: Bundle,
    source_name: str,
    by: User | None,
    replace: bool = False,
    dry_run: bool = False,
    progress: Progress | None = None,
    today: dt.date | None = None,
) -> ImportResult:
    """Write a bundle that has been read (from CSV files, a census file, ...), whole or not at all.

    Other readers build a `Bundle` of rows in the exchange format's natural values and call this,
    so every source goes through the same checks, the rule book (docs/record-rules.md),
    matching, timeliness refresh and audit. A rule book error refuses the bundle; a warning is
    reported and the bundle imported."""
    child_ids_as_stored(bundle)
    rules = installation_rule_set()
    errors, unusual = bundle_rules_check(bundle, today=today or timezone.localdate(), rules=rules)
    result = ImportResult(
        problems=sorted(
            [*bundle.problems, *(bundle.located(p) for p in errors)], key=problem_order
        ),
        warnings=[*bundle.warnings, *(str(bundle.located(p)) for p in unusual)],
        replace=replace,
        dry_run=dry_run,
        rows=bundle.row_count,
    )
    if result.problems:
        return result
    try:
        with transaction.atomic():
            _write(bundle, result, replace=replace, progress=progress)
            data_version_bump()  # bulk_create, bulk_update and queryset writes send no signals
            if result.problems:
                raise _RollBack
            audit_record(
                actor=by,
                action=AuditAction.IMPORT,
                record_type="bundle",
                record_id=source_name,
                summary=_summary_line(result),
                changes={
                    name: ([], [c.added, c.changed, c.unchanged, c.removed])
                    for name, c in result.files.items()
                },
            )
            if dry_run:
                raise _RollBack
    except _RollBack:
        pass
    except IntegrityError as error:
        result.problems.append(
            Problem("bundle", 0, "", f"the database refused the records: {_first_line(error)}")
        )
    except DatabaseError as error:
        result.problems.append(
            Problem("bundle", 0, "", f"the database failed during the import: {_first_line(error)}")
        )
    if result.problems:
        result.files = {}
    elif not dry_run:
        _refresh_statistics(result)
    return result


def child_ids_as_stored(bundle: Bundle) -> dict[str, str]:
    """Every child id of the bundle spelled as the child's id is stored: ids are matched
    whatever their capitals (docs/decisions/0020), so a bundle's "c001" is the stored C001 (and
    updates it) and no second child differing only in capitals is written. Returns the ids
    respelled, given -> stored."""
    given = {v for row in bundle.of(CHILDREN) if (v := row.values.get("child_id"))}
    given |= {v for rows in bundle.rows.values() for row in rows if (v := row.values.get("child"))}
    if not given:
        return {}
    folded = sorted({v.lower() for v in given})
    children = Child.objects.annotate(folded=Lower("child_id"))
    if len(folded) > BATCH and children.count() <= WHOLE_TABLE_UP_TO * len(folded):
        batches = [children]
    else:
        batches = [
            children.filter(folded__in=folded[start : start + BATCH])
            for start in range(0, len(folded), BATCH)
        ]
    stored = {
        child_id.lower(): child_id
        for batch in batches
        for child_id in batch.values_list("child_id", flat=True)
    }
    respelled = {v: stored[v.lower()] for v in given if stored.get(v.lower(), v) != v}
    if respelled:
        for rows in bundle.rows.values():
            for row in rows:
                for name in ("child_id", "child"):
                    value = row.values.get(name)
                    if value in respelled:
                        row.values[name] = respelled[value]
    return respelled


# PostgreSQL plans each query from sampled statistics of the tables. After a bulk load they
# describe the tables as they were (autovacuum refreshes them later, or never where it is off),
# and a child's page then read every monitoring check instead of the child's few.
STATISTICS_AFTER_ROWS = 10_000


def _refresh_statistics(result: ImportResult) -> None:
    """ANALYZE the tables that a large import wrote (about a second for an authority)."""
    if connection.vendor != "postgresql":
        return
    written = {
        mapping.model._meta.db_table: counts.added + counts.changed + counts.removed
        for mapping in MAPPINGS
        if (counts := result.files.get(mapping.spec.filename)) is not None
    }
    if sum(written.values()) < STATISTICS_AFTER_ROWS:
        return
    tables = [table for table, rows in written.items() if rows]
    if CONFERENCE_MAPPING.model._meta.db_table in tables:  # meetings are written with them
        tables.append(Meeting._meta.db_table)
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE " + ", ".join(map(connection.ops.quote_name, tables)))


def _first_line(error: Exception) -> str:
    text = str(error.args[0] if error.args else error).strip()
    line = text.splitlines()[0] if text else type(error).__name__
    return line if len(line) <= 200 else line[:197] + "..."


def _summary_line(result: ImportResult) -> str:
    parts = [
        f"{name}: {c.added} added, {c.changed} changed, {c.unchanged} unchanged"
        + (f", {c.removed} removed" if result.replace else "")
        for name, c in result.files.items()
    ]
    return "; ".join(parts)


def _lookup_pks(model, name_field: str, names: set[str]) -> dict[str, int]:
    names = {n for n in names if n}
    existing = dict(
        model.objects.filter(**{f"{name_field}__in": names}).values_list(name_field, "pk")
    )
    missing = sorted(names - set(existing))
    if missing:
        model.objects.bulk_create([model(**{name_field: n}) for n in missing], batch_size=BATCH)
        existing.update(
            model.objects.filter(**{f"{name_field}__in": missing}).values_list(name_field, "pk")
        )
    return existing


def _write(
    bundle: Bundle, result: ImportResult, *, replace: bool, progress: Progress | None
) -> None:
    natural_rows: dict[str, list[tuple[Row, dict[str, Any]]]] = {
        m.spec.filename: [(row, m.normalize(row.values)) for row in bundle.of(m.spec)]
        for m in MAPPINGS
    }
    for m in MAPPINGS:
        occurrences_numbered(m, [values for _, values in natural_rows[m.spec.filename]])
    # An escalation's stage is its latest step's (the reader warned where the two disagreed).
    latest = latest_step_stages(bundle)
    for _, values in natural_rows[ESCALATIONS.filename]:
        if values["escalation_id"] in latest:
            values["stage"] = latest[values["escalation_id"]][0]
    pks: dict[str, dict[str, int]] = {}
    pks["area"] = _lookup_pks(
        Area,
        "name",
        {v["area"] for _, v in natural_rows["children.csv"]}
        | {v["area"] for _, v in natural_rows["escalations.csv"]},
    )
    pks["organisation_type"] = _lookup_pks(
        OrganisationType,
        "name",
        {v["organisation_type"] for _, v in natural_rows["invitations.csv"]}
        | {v["organisation_type"] for _, v in natural_rows["escalations.csv"]},
    )
    pks["chair"] = pks["raised_by"] = _lookup_pks(
        Chair,
        "name",
        {v["chair"] for _, v in natural_rows["conferences.csv"]}
        | {v["chair"] for _, v in natural_rows["monitoring_checks.csv"]}
        | {v["raised_by"] for _, v in natural_rows["escalations.csv"]},
    )

    # Without --replace only the records that the bundle names are read, so an import's memory
    # follows the size of the bundle, not of the database (a region pooling its authorities).
    existing = {
        m.spec.filename: natural_records(m)
        if replace
        else _records_named(m, natural_rows[m.spec.filename])
        for m in MAPPINGS
    }
    touched_children: set[str] = set()

    if not replace:
        _check_against_kept_records(natural_rows, result)
        if result.problems:
            return

    rules = installation_rule_set()
    judged_children, judged = _timeliness_of_new_children(natural_rows, existing, rules)

    # With --replace, records the bundle does not hold go. Conferences go first, so that a new
    # conference cannot collide with an old one on (child, type, date); everything else goes
    # after the writes, when no kept record still refers to it.
    gone: dict[str, list[int]] = {}
    if replace:
        for mapping in MAPPINGS:
            keep = {mapping.key(v) for _, v in natural_rows[mapping.spec.filename]}
            leaving = [
                (pk, natural)
                for key, (pk, natural) in existing[mapping.spec.filename].items()
                if key not in keep
            ]
            if mapping in (PLAN_MAPPING, CONFERENCE_MAPPING):
                touched_children |= {natural["child"] for _, natural in leaving}
            gone[mapping.spec.filename] = [pk for pk, _ in leaving]
        _delete(CONFERENCE_MAPPING, gone[CONFERENCES.filename])

    for mapping in MAPPINGS:
        if mapping is CONFERENCE_MAPPING:
            pks["meeting"] = _write_meetings(natural_rows[CONFERENCES.filename])
        counts, changed_children = _write_records(
            mapping,
            natural_rows[mapping.spec.filename],
            existing[mapping.spec.filename],
            pks,
            judged.get(mapping.spec.filename, {}),
        )
        counts.removed = len(gone.get(mapping.spec.filename, ()))
        result.files[mapping.spec.filename] = counts
        if mapping in (PLAN_MAPPING, CONFERENCE_MAPPING):
            touched_children |= changed_children
        if mapping is CHILD_MAPPING:
            pks["child"] = _pks_named(mapping, natural_rows[mapping.spec.filename])
        elif mapping is PLAN_MAPPING:
            pks["plan"] = _pks_named(mapping, natural_rows[mapping.spec.filename])
        elif mapping is CONFERENCE_MAPPING:
            pks["conference"] = _pks_named(mapping, natural_rows[mapping.spec.filename])
        elif mapping is ESCALATION_MAPPING:
            pks["escalation"] = _pks_named(mapping, natural_rows[mapping.spec.filename])
        if progress:
            progress(mapping.spec.filename, len(natural_rows[mapping.spec.filename]))

    if replace:
        for mapping in reversed(MAPPINGS):
            if mapping is not CONFERENCE_MAPPING:
                _delete(mapping, gone[mapping.spec.filename])
        Meeting.objects.filter(conferences__isnull=True).delete()

    touched_children -= judged_children
    child_pks = [pks["child"][c] for c in touched_children if c in pks["child"]]
    timeliness_refresh(child_pks=child_pks, rules=rules)
    if progress:
        progress("timeliness", len(child_pks))


# Reading a whole table is cheaper than filtering it by thousands of names, and costs little
# memory when the table is not much bigger than the bundle (an authority's own database). At four
# times, the fourth authority of a pool read three others' records: 1.1 GiB for authorities of
# 25,000 children, against 0.7 GiB with 1.5 (docs/benchmarks.md).
WHOLE_TABLE_UP_TO = 1.5


def _in_batches(queryset, path: str, values: set) -> list:
    """The records of `queryset` whose `path` is one of `values`, as querysets to read in turn:
    filtered a batch at a time (databases cap parameters) when the table is large, else the whole
    table (the caller matches by key, so extra records are simply not used). Values that fit in
    one batch are always filtered: the table's size is not worth a query (a round trip on
    PostgreSQL) then."""
    ordered = sorted(v for v in values if v is not None)
    if not ordered:
        return []
    if len(ordered) > BATCH and queryset.count() <= WHOLE_TABLE_UP_TO * len(ordered):
        return [queryset]
    return [
        queryset.filter(**{f"{path}__in": ordered[start : start + BATCH]})
        for start in range(0, len(ordered), BATCH)
    ]


def _records_named(
    mapping: Mapping, rows: list[tuple[Row, dict[str, Any]]]
) -> dict[tuple, tuple[int, dict[str, Any]]]:
    """The recorded records whose keys' first field the bundle's rows name, in natural form."""
    first = mapping.key_fields[0]
    records: dict[tuple, tuple[int, dict[str, Any]]] = {}
    for batch in _in_batches(
        mapping.model._default_manager.all(), mapping.paths[first], {v[first] for _, v in rows}
    ):
        records.update(natural_records(mapping, batch))
    return records


def _pks_named(mapping: Mapping, rows: list[tuple[Row, dict[str, Any]]]) -> dict[str, int]:
    """Source id -> primary key, for the records of the bundle's rows (written by now)."""
    (id_field,) = mapping.key_fields
    pks: dict[str, int] = {}
    for batch in _in_batches(
        mapping.model._default_manager.all(), id_field, {v[id_field] for _, v in rows}
    ):
        pks.update(batch.values_list(id_field, "pk"))
    return pks


def _versions_of(mapping: Mapping, pks: list[int]) -> dict[int, int]:
    versions: dict[int, int] = {}
    for start in range(0, len(pks), BATCH):
        batch = mapping.model._default_manager.filter(pk__in=pks[start : start + BATCH])
        versions.update(batch.values_list("pk", "version"))
    return versions


def _delete(mapping: Mapping, pks: list[int]) -> None:
    for start in range(0, len(pks), BATCH):
        mapping.model._default_manager.filter(pk__in=pks[start : start + BATCH]).delete()


def _write_meetings(rows: list[tuple[Row, dict[str, Any]]]) -> dict[str, int]:
    wanted: dict[str, tuple[bool, Any]] = {}
    for _, values in rows:
        wanted[values["meeting"]] = (values["has_meeting_id"], values["held_on"])
    current = {
        ref: (pk, has_id, held_on)
        for batch in _in_batches(Meeting.objects.all(), "reference", set(wanted))
        for pk, ref, has_id, held_on in batch.values_list(
            "pk", "reference", "has_meeting_id", "held_on"
        )
    }
    rows_insert(
        Meeting,
        [
            {"reference": ref, "has_meeting_id": has_id, "held_on": held_on}
            for ref, (has_id, held_on) in wanted.items()
            if ref not in current
        ],
    )
    changed = []
    for ref, (has_id, held_on) in wanted.items():
        if ref in current and current[ref][1:] != (has_id, held_on):
            changed.append(Meeting(pk=current[ref][0], has_meeting_id=has_id, held_on=held_on))
    Meeting.objects.bulk_update(changed, ["has_meeting_id", "held_on"], batch_size=BATCH)
    return {
        reference: pk
        for batch in _in_batches(Meeting.objects.all(), "reference", set(wanted))
        for reference, pk in batch.values_list("reference", "pk")
    }


def _timeliness_of_new_children(
    natural_rows: dict[str, list[tuple[Row, dict[str, Any]]]],
    existing: dict[str, dict[tuple, tuple[int, dict[str, Any]]]],
    rules: RuleSet,
) -> tuple[set[str], dict[str, dict[tuple, dict[str, Any]]]]:
    """The verdicts and plan diaries of the children the database does not hold yet, judged
    before their records are written (`timeliness_of_new_child`), so that they are inserted
    with them rather than rewritten after. A child any of whose plans or conferences is already
    held (under another child) is left to the refresh, as the rest are."""
    held_children = {key[0] for key in existing[CHILDREN.filename]}
    plans: dict[str, list[PlanFacts]] = defaultdict(list)
    conferences: dict[str, list[ConferenceFacts]] = defaultdict(list)
    left: set[str] = set()
    for _, plan in natural_rows[PLANS.filename]:
        if (plan["plan_id"],) in existing[PLANS.filename]:
            left.add(plan["child"])
        plans[plan["child"]].append(PlanFacts(plan["plan_id"], plan["start_on"], plan["end_on"]))
    for _, conference in natural_rows[CONFERENCES.filename]:
        if (conference["conference_id"],) in existing[CONFERENCES.filename]:
            left.add(conference["child"])
        if conference["status"] != "held":
            continue  # booked and cancelled conferences are not judged (stored blank)
        conferences[conference["child"]].append(
            ConferenceFacts(
                conference["conference_id"],
                ConferenceKind(conference["kind"]),
                conference["held_on"],
                conference["strategy_discussion_on"],
                conference["transfer_notification_on"],
            )
        )
    judged_children: set[str] = set()
    judged: dict[str, dict[tuple, dict[str, Any]]] = {
        PLANS.filename: {},
        CONFERENCES.filename: {},
    }
    for _, child in natural_rows[CHILDREN.filename]:
        child_id = child["child_id"]
        if child_id in held_children or child_id in left:
            continue
        if child_id not in conferences and child_id not in plans:
            judged_children.add(child_id)  # nothing to judge
            continue
        outcome = timeliness_of_new_child(conferences[child_id], plans[child_id], rules)
        if outcome is None:
            continue
        verdicts, schedules = outcome
        judged_children.add(child_id)
        judged[CONFERENCES.filename].update(((key,), v) for key, v in verdicts.items())
        judged[PLANS.filename].update(((key,), v) for key, v in schedules.items())
    return judged_children, judged


def _judged_fields(values: dict[str, Any], pks: dict[str, dict[str, int]]) -> dict[str, Any]:
    """Timeliness fields judged for a new record, its plan (named by id) made a key in place:
    each record's are used once."""
    if "plan_key" in values:
        plan_key = values.pop("plan_key")
        values["plan_id"] = pks["plan"][plan_key] if plan_key else None
    return values


def _model_kwargs(
    mapping: Mapping,
    natural: dict[str, Any],
    pks: dict[str, dict[str, int]],
    references: tuple[str, ...],
) -> dict:
    values = mapping.to_model(natural)
    for name in references:
        reference = values.pop(name)
        values[f"{name}_id"] = pks[name][reference] if reference else None
    return values


def _write_records(
    mapping: Mapping,
    rows: list[tuple[Row, dict[str, Any]]],
    existing: dict[tuple, tuple[int, dict[str, Any]]],
    pks: dict[str, dict[str, int]],
    judged: dict[tuple, dict[str, Any]],
) -> tuple[FileCounts, set[str]]:
    """Add, change or leave each record of `rows`; a new record also takes the timeliness
    fields judged for it (`judged`, by record key)."""
    counts = FileCounts()
    new, changed, rewritten = [], [], []
    update_fields: list[str] = []
    children: set[str] = set()
    references = tuple(mapping.references())
    for _, natural in rows:
        key = mapping.key(natural)
        current = existing.get(key)
        if current is None:
            values = _model_kwargs(mapping, natural, pks, references)
            fields = judged.pop(key, None)  # let go as it is used: a large import's peak memory
            if fields is not None:
                values.update(_judged_fields(fields, pks))
            new.append(values)
            counts.added += 1
            children.add(natural.get("child", ""))
        elif current[1] != natural:
            values = _model_kwargs(mapping, natural, pks, references)
            update_fields = [f for f in values if f not in mapping.key_fields]
            instance = mapping.model(pk=current[0], **values)
            if any(current[1][f] != natural[f] for f in mapping.unique_fields):
                rewritten.append(instance)
            else:
                changed.append(instance)
            counts.changed += 1
            children.add(natural.get("child", ""))
            children.add(current[1].get("child", ""))
        else:
            counts.unchanged += 1
    if rewritten:
        # A record whose other unique fields change (two conferences swapping dates, say) could
        # collide with another mid-update; it is deleted and inserted again under the same
        # primary key. Foreign keys are checked at commit, so nothing pointing at it breaks.
        ids = [obj.pk for obj in rewritten]
        versions = _versions_of(mapping, ids)
        for start in range(0, len(ids), BATCH):
            batch = mapping.model._default_manager.filter(pk__in=ids[start : start + BATCH])
            batch._raw_delete(mapping.model._default_manager.db)
        for obj in rewritten:
            cast(Versioned, obj).version = versions[obj.pk] + 1
    # New records go in through rows_insert: bulk_create's SQL compiling was most of an import.
    rows_insert(mapping.model, new)
    mapping.model._default_manager.bulk_create(rewritten, batch_size=BATCH)
    if changed:
        versions = _versions_of(mapping, [obj.pk for obj in changed])
        rows_update(
            mapping.model,
            [*update_fields, "version"],
            [
                (obj.pk, *(getattr(obj, f) for f in update_fields), versions[obj.pk] + 1)
                for obj in changed
            ],
        )
    children.discard("")
    return counts, children


def _check_against_kept_records(
    natural_rows: dict[str, list[tuple[Row, dict[str, Any]]]], result: ImportResult
) -> None:
    """Without --replace, records missing from the bundle stay: the bundle must fit beside them."""
    plan_rows = natural_rows[PLANS.filename]
    in_bundle = {PLAN_MAPPING.key(v) for _, v in plan_rows}
    kept_plans: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for key, (_, natural) in _records_of_children(PLAN_MAPPING, plan_rows).items():
        if key not in in_bundle:
            kept_plans[natural["child"]].append(natural)
    for row, values in plan_rows:
        for kept in kept_plans.get(values["child"], ()):
            if _overlap(values, kept):
                result.problems.append(
                    Problem(
                        PLANS.filename,
                        row.line,
                        "start_date",
                        f"plan '{values['plan_id']}' overlaps plan '{kept['plan_id']}' of the "
                        "same child, which is already recorded (import with --replace to "
                        "remove records that the bundle does not hold)",
                    )
                )
    conference_rows = natural_rows[CONFERENCES.filename]
    in_bundle = {CONFERENCE_MAPPING.key(v) for _, v in conference_rows}
    kept_conferences = {
        (n["child"], n["kind"], n["held_on"]): n["conference_id"]
        for key, (_, n) in _records_of_children(CONFERENCE_MAPPING, conference_rows).items()
        if key not in in_bundle and n["status"] != "cancelled"
    }
    for row, values in conference_rows:
        if values["status"] == "cancelled":
            continue  # a cancelled booking may share its date with the meeting held instead
        other = kept_conferences.get((values["child"], values["kind"], values["held_on"]))
        if other:
            result.problems.append(
                Problem(
                    CONFERENCES.filename,
                    row.line,
                    "date",
                    f"duplicate conference: '{other}', already recorded, has the same child, "
                    "type and date",
                )
            )


def _records_of_children(
    mapping: Mapping, rows: list[tuple[Row, dict[str, Any]]]
) -> dict[tuple, tuple[int, dict[str, Any]]]:
    """The recorded plans or conferences of the children that the bundle's rows name."""
    records: dict[tuple, tuple[int, dict[str, Any]]] = {}
    for batch in _in_batches(
        mapping.model._default_manager.all(), "child__child_id", {v["child"] for _, v in rows}
    ):
        records.update(natural_records(mapping, batch))
    return records


def _overlap(a: dict[str, Any], b: dict[str, Any]) -> bool:
    a_end, b_end = a["end_on"], b["end_on"]
    return (a_end is None or a_end > b["start_on"]) and (b_end is None or b_end > a["start_on"])
