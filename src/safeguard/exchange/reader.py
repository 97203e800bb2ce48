"""Reading an exchange-format bundle (a folder or a .zip) and checking it whole.

`read_bundle` never writes anything: it returns every row typed, or every problem found, each
naming the file, line, column and reason, so that a person can mend the extract in one pass."""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
import zipfile
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from safeguard.domain.date_text import parse_date
from safeguard.spreadsheet_cells import restored
from safeguard.zip_archives import duplicated_member

from .schema import (
    ALLOCATIONS,
    CHILDREN,
    CONFERENCES,
    ENQUIRIES,
    ESCALATION_STEPS,
    ESCALATIONS,
    FILES,
    INVITATIONS,
    MONITORING_CHECKS,
    PLANS,
    POPULATION,
    YES_NO_FALSE,
    YES_NO_TRUE,
    Cell,
    Column,
    FileSpec,
)

MAX_FILE_BYTES = 2 * 1024 * 1024 * 1024
MAX_CELL_CHARACTERS = 10_000
_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
_WHOLE_NUMBER = re.compile(r"^[0-9]{1,9}$")  # within a database integer
EARLIEST_YEAR, LATEST_YEAR = 1900, 2200


@dataclass(frozen=True, order=True)
class Problem:
    filename: str
    line: int
    column: str
    reason: str

    def __str__(self) -> str:
        if self.line == 0:
            return f"{self.filename}: {self.reason}"
        return f"{self.filename}:{self.line}: {self.column or '-'}: {self.reason}"


@dataclass
class Row:
    """One data row: its line in the file and its values keyed by the model's field names."""

    line: int
    values: dict[str, Any]


@dataclass
class Bundle:
    rows: dict[str, list[Row]] = field(default_factory=dict)
    problems: list[Problem] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    present: set[str] = field(default_factory=set)
    # files that could not be read row by row (encoding, missing column, malformed CSV): other
    # files' references to them are not checked, to spare a cascade of follow-on messages
    unreadable: set[str] = field(default_factory=set)
    # how a problem found in the rows is named in the source's own terms (a census file's name
    # and elements); the exchange format's own names when None
    renamed: Callable[[Problem], Problem] | None = None

    def located(self, problem: Problem) -> Problem:
        return self.renamed(problem) if self.renamed else problem

    @property
    def is_valid(self) -> bool:
        return not self.problems

    def of(self, spec: FileSpec) -> list[Row]:
        return self.rows.get(spec.filename, [])

    @property
    def row_count(self) -> int:
        return sum(len(rows) for rows in self.rows.values())


class BundleError(Exception):
    """The bundle could not be opened at all (not a folder or zip, unreadable)."""


class BundleRefused(BundleError):
    """The bundle was opened and is refused whole (a file held twice, a zip bomb); the message
    says why, in words a person can act on."""


def _refuse_duplicates(names: list[str], wanted: set[str]) -> None:
    """A bundle holding one file twice (in two folders of a zip, in two cases of a name) is
    refused: which copy would be read is not for the reader to choose."""
    twice = duplicated_member(
        names, key=lambda name: base if (base := Path(name).name.lower()) in wanted else name
    )
    if twice is not None:
        first, second = twice
        both = f" ({first} and {second})" if first != second else ""
        raise BundleRefused(
            f"{Path(second).name.lower()}: the bundle holds this file twice{both}; a bundle "
            "holds each file once"
        )


def _open_sources(path: Path) -> dict[str, bytes]:
    wanted = {spec.filename for spec in FILES}
    found: dict[str, bytes] = {}
    if path.is_dir():
        _refuse_duplicates([child.name for child in path.iterdir()], wanted)
        for child in path.iterdir():
            if child.name.lower() in wanted and child.is_file():
                if child.stat().st_size > MAX_FILE_BYTES:
                    raise BundleError(f"{child.name}: the file is larger than 2 GB")
                found[child.name.lower()] = child.read_bytes()
        return found
    if path.is_file() and zipfile.is_zipfile(path):
        try:
            with zipfile.ZipFile(path) as archive:
                _refuse_duplicates(
                    [info.filename for info in archive.infolist() if not info.is_dir()], wanted
                )
                for info in archive.infolist():
                    name = Path(info.filename).name.lower()
                    if name in wanted and not info.is_dir():
                        if info.file_size > MAX_FILE_BYTES:
                            raise BundleRefused(f"{name}: the file is larger than 2 GB")
                        found[name] = _read_member(archive, info, name)
        except (zipfile.BadZipFile, OSError) as error:
            raise BundleError(f"{path.name}: the zip file cannot be read ({error})") from error
        return found
    if not path.exists():
        raise BundleError(f"{path}: no such folder or file")
    raise BundleError(f"{path.name}: not a folder or a .zip file")


# CSV compresses about ten to one; a member that inflates far beyond that is a zip bomb.
MAX_COMPRESSION_RATIO = 200
_CHUNK = 1024 * 1024


def _read_member(archive: zipfile.ZipFile, info: zipfile.ZipInfo, name: str) -> bytes:
    """A member's bytes, read in chunks and refused as soon as it inflates past what its
    compressed size allows (the sizes a zip declares can be forged)."""
    allowed = min(MAX_FILE_BYTES, max(info.compress_size * MAX_COMPRESSION_RATIO, 16 * _CHUNK))
    parts: list[bytes] = []
    read = 0
    with archive.open(info) as member:
        while chunk := member.read(_CHUNK):
            read += len(chunk)
            if read > allowed:
                raise BundleRefused(
                    f"{name}: the file inflates to more than {allowed:,} bytes from "
                    f"{info.compress_size:,} compressed; it is refused as a zip bomb"
                )
            parts.append(chunk)
    return b"".join(parts)


def _parse_cell(column: Column, text: str) -> Any:
    """The typed value of a non-blank cell; raises ValueError with a reason."""
    match column.cell:
        case Cell.TEXT:
            if len(text) > column.max_length:
                raise ValueError(f"longer than {column.max_length} characters")
            return text
        case Cell.DATE:
            try:
                return parse_date(text)
            except ValueError:
                raise ValueError(
                    f"'{_shown(text)}' is not a date (use YYYY-MM-DD or DD/MM/YYYY)"
                ) from None
        case Cell.YES_NO:
            lowered = text.lower()
            if lowered in YES_NO_TRUE:
                return True
            if lowered in YES_NO_FALSE:
                return False
            raise ValueError(f"'{_shown(text)}' is not yes or no")
        case Cell.CHOICE:
            for choice in column.choices:
                if text == choice or text.lower() == choice.lower():
                    return choice
            raise ValueError(
                f"'{_shown(text)}' is not a known code (expected one of {', '.join(column.choices)})"
            )
        case Cell.STAGE:
            if text in ("1", "2", "3"):
                return int(text)
            raise ValueError(f"'{_shown(text)}' is not a stage (expected 1, 2 or 3)")
        case Cell.EMAIL:
            if len(text) > column.max_length or not _EMAIL.match(text):
                raise ValueError(f"'{_shown(text)}' is not an email address")
            return text
        case Cell.YEAR:
            if _WHOLE_NUMBER.match(text) and EARLIEST_YEAR <= int(text) <= LATEST_YEAR:
                return int(text)
            raise ValueError(
                f"'{_shown(text)}' is not a year (expected {EARLIEST_YEAR} to {LATEST_YEAR})"
            )
        case Cell.WHOLE_NUMBER:
            if _WHOLE_NUMBER.match(text):
                return int(text)
            raise ValueError(f"'{_shown(text)}' is not a whole number")
        case Cell.ROLES:
            roles = [part.strip() for part in text.split(";") if part.strip()]
            unknown = [r for r in roles if r not in column.choices]
            if unknown:
                raise ValueError(
                    f"'{_shown(unknown[0])}' is not a role (expected {', '.join(column.choices)})"
                )
            return tuple(r for r in column.choices if r in roles)
    raise AssertionError(column.cell)


def _shown(text: str) -> str:
    return text if len(text) <= 40 else text[:37] + "..."


def blank_value(column: Column) -> Any:
    """What a blank cell of `column` reads as (not recorded)."""
    if column.cell in (Cell.DATE, Cell.YES_NO, Cell.STAGE, Cell.YEAR, Cell.WHOLE_NUMBER):
        return None
    if column.cell is Cell.ROLES:
        return ()
    return ""


def _read_rows(spec: FileSpec, data: bytes, bundle: Bundle) -> None:
    filename = spec.filename
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        line = data[: error.start].count(b"\n") + 1
        bundle.problems.append(
            Problem(filename, line, "", "the file is not UTF-8 text (save it as CSV UTF-8)")
        )
        bundle.unreadable.add(filename)
        return
    if "\x00" in text:
        bundle.problems.append(Problem(filename, 0, "", "the file holds binary data, not CSV"))
        bundle.unreadable.add(filename)
        return
    csv.field_size_limit(MAX_CELL_CHARACTERS * 10)
    reader = csv.reader(io.StringIO(text, newline=""), strict=True)
    rows: list[Row] = []
    try:
        header = next(reader, None)
        if header is None:
            bundle.problems.append(Problem(filename, 1, "", "the file is empty (no header row)"))
            bundle.unreadable.add(filename)
            return
        names = [name.strip().lower() for name in header]
        known = set(spec.column_names)
        for name in names:
            if name and name not in known:
                bundle.warnings.append(f"{filename}:1: {name}: unknown column ignored")
        seen: set[str] = set()
        for name in names:
            if name in known and name in seen:
                bundle.problems.append(Problem(filename, 1, name, "the column appears twice"))
            seen.add(name)
        missing = [c.name for c in spec.columns if c.required and c.name not in names]
        for name in missing:
            bundle.problems.append(Problem(filename, 1, name, "a required column is missing"))
        if missing:
            bundle.unreadable.add(filename)
            return
        position = {name: index for index, name in enumerate(names) if name in known}
        line = reader.line_num + 1
        for cells in reader:
            start, line = line, reader.line_num + 1
            if not any(cell.strip() for cell in cells):
                continue
            if len(cells) > len(names) and any(c.strip() for c in cells[len(names) :]):
                bundle.problems.append(
                    Problem(
                        filename,
                        start,
                        "",
                        f"the row has {len(cells)} cells but the header has {len(names)}",
                    )
                )
                continue
            values: dict[str, Any] = {}
            for column in spec.columns:
                index = position.get(column.name)
                raw = cells[index].strip() if index is not None and index < len(cells) else ""
                raw = restored(raw)  # the apostrophe export puts before '=…, in any column
                if len(raw) > MAX_CELL_CHARACTERS:
                    bundle.problems.append(
                        Problem(
                            filename,
                            start,
                            column.name,
                            f"the cell is too long ({len(raw):,} characters; at most "
                            f"{MAX_CELL_CHARACTERS:,})",
                        )
                    )
                    values[column.field] = None
                    continue
                if raw == "":
                    if column.required:
                        bundle.problems.append(
                            Problem(filename, start, column.name, "a value is required")
                        )
                    values[column.field] = blank_value(column)
                    continue
                try:
                    values[column.field] = _parse_cell(column, raw)
                except ValueError as error:
                    bundle.problems.append(Problem(filename, start, column.name, str(error)))
                    values[column.field] = None
            rows.append(Row(start, values))
    except csv.Error as error:
        bundle.problems.append(Problem(filename, reader.line_num, "", f"malformed CSV: {error}"))
        bundle.unreadable.add(filename)
    bundle.rows[filename] = rows


def read_bundle(path: Path) -> Bundle:
    """Read and check a whole bundle. Raises BundleError only when it cannot be opened."""
    sources = _open_sources(Path(path))
    bundle = Bundle()
    if CHILDREN.filename not in sources:
        bundle.problems.append(
            Problem(CHILDREN.filename, 0, "", "the file is required but missing from the bundle")
        )
    for spec in FILES:
        if spec.filename in sources:
            bundle.present.add(spec.filename)
            _read_rows(spec, sources[spec.filename], bundle)
    check_references(bundle)
    bundle.problems.sort(key=problem_order)
    return bundle


_FILE_ORDER = {spec.filename: index for index, spec in enumerate(FILES)}


def problem_order(problem: Problem) -> tuple:
    """Problems by file (in the format's order), line, column and reason."""
    return (_FILE_ORDER.get(problem.filename, 99), problem.line, problem.column, problem.reason)


def _duplicates(bundle: Bundle, spec: FileSpec, field_name: str) -> set[str]:
    column = next(c.name for c in spec.columns if c.field == field_name)
    first: dict[str, int] = {}
    for row in bundle.of(spec):
        key = row.values[field_name]  # a row holds a value for every column of its file
        if key in first:
            bundle.problems.append(
                Problem(
                    spec.filename,
                    row.line,
                    column,
                    f"duplicate id '{_shown(key)}' (first on line {first[key]})",
                )
            )
        else:
            first[key] = row.line
    return set(first)


class _Known:
    """The ids a file defines; everything counts as known when that file could not be read."""

    def __init__(self, bundle: Bundle, spec: FileSpec, ids: set[str]) -> None:
        self.everything = spec.filename in bundle.unreadable
        self.ids = ids

    def __contains__(self, value: object) -> bool:
        return self.everything or value in self.ids


def child_ids_matched_whatever_capitals(bundle: Bundle) -> None:
    """Child ids are matched whatever their capitals (docs/decisions/0020): a child whose id
    differs only in capitals from an earlier row's is refused as a duplicate, and every other
    file's reference to a child takes the spelling of children.csv ("c001" refers to C001)."""
    spelled: dict[str, tuple[str, int]] = {}
    for row in bundle.of(CHILDREN):
        value = row.values.get("child_id")
        if not value:
            continue
        first = spelled.setdefault(value.lower(), (value, row.line))
        if first[0] != value:
            bundle.problems.append(
                Problem(
                    CHILDREN.filename,
                    row.line,
                    "child_id",
                    f"duplicate id '{_shown(value)}': the same id as '{_shown(first[0])}' on "
                    f"line {first[1]}, as ids are matched whatever their capitals",
                )
            )
    for filename, rows in bundle.rows.items():
        if filename == CHILDREN.filename:
            continue
        for row in rows:
            value = row.values.get("child")
            spelling = spelled.get(value.lower()) if value else None
            if spelling is not None and spelling[0] != value:
                row.values["child"] = spelling[0]


def check_references(bundle: Bundle) -> None:
    """Checks across rows and files. Values whose own cell failed (None) are passed over, so
    each fault is reported once, by the check that owns it."""
    problems = bundle.problems
    child_ids_matched_whatever_capitals(bundle)
    children = _Known(bundle, CHILDREN, _duplicates(bundle, CHILDREN, "child_id"))
    plan_ids = _Known(bundle, PLANS, _duplicates(bundle, PLANS, "plan_id"))
    conference_ids = _Known(bundle, CONFERENCES, _duplicates(bundle, CONFERENCES, "conference_id"))
    escalation_ids = _Known(bundle, ESCALATIONS, _duplicates(bundle, ESCALATIONS, "escalation_id"))
    _duplicates(bundle, MONITORING_CHECKS, "check_id")
    _duplicates(bundle, ENQUIRIES, "enquiry_id")

    def unknown_child(spec: FileSpec, row: Row) -> None:
        value = row.values.get("child")
        if value and value not in children:
            problems.append(
                Problem(spec.filename, row.line, "child_id", f"unknown child '{value}'")
            )

    # A plan's own dates (ending before it starts, overlapping another plan of the child) are
    # the rule book's (safeguard.exchange.rule_book, R111 and R112), applied by bundle_apply.
    for row in bundle.of(PLANS):
        unknown_child(PLANS, row)

    meeting_dates: dict[str, tuple[dt.date, int]] = {}
    seen_conference: dict[tuple, int] = {}
    solo_ids: set[str] = set()
    for row in bundle.of(CONFERENCES):
        values = row.values
        unknown_child(CONFERENCES, row)
        if not values["meeting"] and values["conference_id"]:
            solo_ids.add(values["conference_id"])
        if values["held_on"] is None or values["kind"] is None:
            continue
        key = (values["child"], values["kind"], values["held_on"])
        if values["status"] == "cancelled":
            pass  # a cancelled booking may share its date with the meeting held instead
        elif key in seen_conference:
            problems.append(
                Problem(
                    CONFERENCES.filename,
                    row.line,
                    "date",
                    f"duplicate conference: the same child, type and date as line "
                    f"{seen_conference[key]}",
                )
            )
        else:
            seen_conference[key] = row.line
        if values["meeting"]:
            held = meeting_dates.setdefault(values["meeting"], (values["held_on"], row.line))
            if held[0] != values["held_on"]:
                problems.append(
                    Problem(
                        CONFERENCES.filename,
                        row.line,
                        "date",
                        f"meeting '{values['meeting']}' was held on {held[0].isoformat()} "
                        f"(line {held[1]}); the rows of one meeting share its date",
                    )
                )
    for clash in sorted(solo_ids & set(meeting_dates)):
        problems.append(
            Problem(
                CONFERENCES.filename,
                meeting_dates[clash][1],
                "meeting_id",
                f"'{clash}' is both a meeting_id and the conference_id of a conference without "
                "one, so invitations.csv could not tell them apart",
            )
        )
    meetings = _Known(bundle, CONFERENCES, set(meeting_dates) | solo_ids)

    seen_invitation: dict[tuple, int] = {}
    for row in bundle.of(INVITATIONS):
        values = row.values
        if values["meeting"] and values["meeting"] not in meetings:
            problems.append(
                Problem(
                    INVITATIONS.filename,
                    row.line,
                    "meeting_id",
                    f"unknown meeting '{values['meeting']}' (not a meeting_id or conference_id "
                    "of conferences.csv)",
                )
            )
        key = (values["meeting"], values["organisation_type"], values["organisation_name"])
        if key in seen_invitation:
            problems.append(
                Problem(
                    INVITATIONS.filename,
                    row.line,
                    "organisation_name",
                    f"duplicate invitation: the same meeting and organisation as line "
                    f"{seen_invitation[key]}",
                )
            )
        else:
            seen_invitation[key] = row.line

    for row in bundle.of(ESCALATIONS):
        values = row.values
        if values["conference"] and values["conference"] not in conference_ids:
            problems.append(
                Problem(
                    ESCALATIONS.filename,
                    row.line,
                    "conference_id",
                    f"unknown conference '{values['conference']}'",
                )
            )
        unknown_child(ESCALATIONS, row)
        raised, resolved = values["raised_on"], values["resolved_on"]
        if raised and resolved and resolved < raised:
            problems.append(
                Problem(
                    ESCALATIONS.filename,
                    row.line,
                    "resolved_date",
                    "the escalation is resolved before it was raised",
                )
            )

    seen_allocation: dict[tuple, int] = {}
    for row in bundle.of(ALLOCATIONS):
        values = row.values
        unknown_child(ALLOCATIONS, row)
        start, end = values["from_on"], values["to_on"]
        if start and end and end < start:
            problems.append(
                Problem(
                    ALLOCATIONS.filename, row.line, "to", "the allocation ends before it starts"
                )
            )
        allocation_key = (values["child"], values["role"], values["name"], start)
        if allocation_key in seen_allocation:
            problems.append(
                Problem(
                    ALLOCATIONS.filename,
                    row.line,
                    "from",
                    f"duplicate allocation: the same child, role, name and start as line "
                    f"{seen_allocation[allocation_key]}",
                )
            )
        else:
            seen_allocation[allocation_key] = row.line

    for row in bundle.of(MONITORING_CHECKS):
        if row.values["plan"] and row.values["plan"] not in plan_ids:
            problems.append(
                Problem(
                    MONITORING_CHECKS.filename,
                    row.line,
                    "plan_id",
                    f"unknown plan '{row.values['plan']}'",
                )
            )

    for row in bundle.of(ENQUIRIES):
        unknown_child(ENQUIRIES, row)
        start, end = row.values["strategy_discussion_on"], row.values["end_on"]
        if start and end and end < start:
            problems.append(
                Problem(
                    ENQUIRIES.filename,
                    row.line,
                    "end_date",
                    "the enquiry ends before its strategy discussion",
                )
            )

    # Two identical steps (two notes alike on one day) are two records, not a duplicate.
    for row in bundle.of(ESCALATION_STEPS):
        values = row.values
        if values["escalation"] and values["escalation"] not in escalation_ids:
            problems.append(
                Problem(
                    ESCALATION_STEPS.filename,
                    row.line,
                    "escalation_id",
                    f"unknown escalation '{values['escalation']}'",
                )
            )
    _stages_against_steps(bundle)

    seen_year: dict[int, int] = {}
    for row in bundle.of(POPULATION):
        year = row.values["year"]
        if year is None:
            continue
        if year in seen_year:
            problems.append(
                Problem(
                    POPULATION.filename,
                    row.line,
                    "year",
                    f"duplicate year {year} (first on line {seen_year[year]})",
                )
            )
        else:
            seen_year[year] = row.line


def latest_step_stages(bundle: Bundle) -> dict[str, tuple[int, int]]:
    """escalation_id -> (stage, line) of its latest step that sets a stage: the latest date,
    and of one date the later line."""
    latest: dict[str, tuple[dt.date, int, int]] = {}
    for row in bundle.of(ESCALATION_STEPS):
        values = row.values
        if values["escalation"] and values["on"] and values["stage"] is not None:
            candidate = (values["on"], row.line, values["stage"])
            if values["escalation"] not in latest or candidate > latest[values["escalation"]]:
                latest[values["escalation"]] = candidate
    return {key: (stage, line) for key, (_, line, stage) in latest.items()}


def _stages_against_steps(bundle: Bundle) -> None:
    """An escalation's stage is its latest step's stage. Where escalations.csv says otherwise,
    the step history stands: a warning names both, and the import records the step's stage."""
    latest = latest_step_stages(bundle)
    for row in bundle.of(ESCALATIONS):
        values = row.values
        step = latest.get(values["escalation_id"])
        if step is None or values["stage"] is None or values["stage"] == step[0]:
            continue
        bundle.warnings.append(
            f"{ESCALATIONS.filename}:{row.line}: stage: escalation '{values['escalation_id']}' "
            f"is at stage {values['stage']} but its latest step "
            f"({ESCALATION_STEPS.filename} line {step[1]}) is stage {step[0]}; the step "
            f"history stands and stage {step[0]} is recorded"
        )
