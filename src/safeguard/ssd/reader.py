"""Reading a Standard Safeguarding Dataset (SSD) extract and translating it into the exchange
bundle's natural form (docs/ssd.md, the mapping of docs/ssd-mapping.md).

Plain Python like the exchange reader: `ssd_read` never writes. It returns the rows the exchange
importer applies (children, plans, conferences, allocations), what the exchange format has no
file for yet (enquiries, visits, quoracy, disability, family, a worker's team and staff id), and
every problem as `FILE:LINE: COLUMN: reason`, each located in the SSD's own files and columns."""

from __future__ import annotations

import csv
import datetime as dt
import functools
import gc
import hashlib
import io
import json
import re
import zipfile
from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from safeguard.domain.identifiers import identifier_problem
from safeguard.exchange.reader import MAX_FILE_BYTES, Bundle, Problem, Row, problem_order
from safeguard.exchange.schema import ALLOCATIONS, CHILDREN, CONFERENCES, PLANS, FileSpec
from safeguard.zip_archives import duplicated_member

PERSON = "ssd_person.csv"
PLANS_FILE = "ssd_cp_plans.csv"
ICPC = "ssd_initial_cp_conference.csv"
REVIEWS = "ssd_cp_reviews.csv"
S47 = "ssd_s47_enquiry.csv"
EPISODES = "ssd_cin_episodes.csv"
INVOLVEMENTS = "ssd_involvements.csv"
PROFESSIONALS = "ssd_professionals.csv"
DEPARTMENTS = "ssd_department.csv"
VISITS = "ssd_cp_visits.csv"
FAMILY = "ssd_family.csv"
DISABILITY = "ssd_disability.csv"

# The columns each file may hold: those Safeguard reads, and the others the scripts write
# (read past without a warning). Anything else is an unknown column, warned once.
COLUMNS: dict[str, tuple[tuple[str, ...], tuple[str, ...]]] = {
    PERSON: (
        (
            "pers_person_id",
            "pers_forename",
            "pers_surname",
            "pers_sex",
            "pers_ethnicity",
            "pers_dob",
            "pers_expected_dob",
        ),
        (
            "pers_legacy_id",
            "pers_upn",
            "pers_gender",
            "pers_single_unique_id",
            "pers_common_child_id",
            "pers_upn_unknown",
            "pers_send_flag",
            "pers_death_date",
            "pers_is_mother",
            "pers_nationality",
        ),
    ),
    PLANS_FILE: (
        (
            "cppl_cp_plan_id",
            "cppl_person_id",
            "cppl_cp_plan_start_date",
            "cppl_cp_plan_end_date",
            "cppl_cp_plan_initial_category",
            "cppl_cp_plan_latest_category",
            "cppl_cp_plan_ola",
            "cppl_icpc_id",
        ),
        ("cppl_referral_id",),
    ),
    ICPC: (
        (
            "icpc_icpc_id",
            "icpc_person_id",
            "icpc_icpc_meeting_id",
            "icpc_icpc_transfer_in",
            "icpc_icpc_date",
            "icpc_icpc_outcome_cp_flag",
            "icpc_icpc_outcome_json",
            "icpc_next_actions",
            "icpc_s47_enquiry_id",
            "icpc_referral_id",
            "icpc_icpc_target_date",
            "icpc_cp_plan_id",
        ),
        ("icpc_icpc_team", "icpc_icpc_worker_id"),
    ),
    REVIEWS: (
        (
            "cppr_cp_review_id",
            "cppr_person_id",
            "cppr_cp_review_date",
            "cppr_cp_review_meeting_id",
            "cppr_cp_review_outcome_continue_cp",
            "cppr_cp_review_quorate",
            "cppr_cp_review_participation",
            "cppr_cp_plan_id",
        ),
        ("cppr_cp_review_due", "cppr_cp_review_cp_plan_id"),
    ),
    S47: (
        (
            "s47e_s47_enquiry_id",
            "s47e_person_id",
            "s47e_s47_start_date",
            "s47e_s47_end_date",
            "s47e_s47_nfa",
            "s47e_s47_outcome_json",
        ),
        ("s47e_referral_id", "s47e_s47_completed_by_team", "s47e_s47_completed_by_worker_id"),
    ),
    EPISODES: (
        ("cine_referral_id", "cine_person_id", "cine_referral_date", "cine_referral_outcome_json"),
        (
            "cine_cin_primary_need_code",
            "cine_referral_source_code",
            "cine_referral_source_desc",
            "cine_referral_nfa",
            "cine_close_reason",
            "cine_close_date",
            "cine_referral_team",
            "cine_referral_worker_id",
        ),
    ),
    INVOLVEMENTS: (
        (
            "invo_involvements_id",
            "invo_person_id",
            "personid",
            "invo_professional_role_id",
            "invo_professional_id",
            "invo_professional_team",
            "invo_involvement_start_date",
            "invo_involvement_end_date",
        ),
        ("invo_worker_change_reason", "invo_referral_id"),
    ),
    PROFESSIONALS: (
        ("prof_professional_id", "prof_staff_id", "prof_professional_name"),
        (
            "prof_social_worker_registration_no",
            "prof_agency_worker_flag",
            "prof_professional_job_title",
            "prof_professional_caseload",
            "prof_professional_department",
            "prof_full_time_equivalency",
        ),
    ),
    DEPARTMENTS: (
        ("dept_team_id", "dept_team_name"),
        ("dept_team_parent_id", "dept_team_parent_name"),
    ),
    VISITS: (
        (
            "cppv_cp_visit_id",
            "cppv_person_id",
            "cppv_cp_plan_id",
            "cppv_cp_visit_date",
            "cppv_cp_visit_seen",
            "cppv_cp_visit_seen_alone",
            "cppv_cp_visit_bedroom",
        ),
        (),
    ),
    FAMILY: (("fami_family_id", "fami_person_id"), ("fami_table_id",)),
    DISABILITY: (("disa_person_id", "disa_disability_code"), ("disa_table_id",)),
}
FILES = tuple(COLUMNS)
CONFERENCE_FILES = (ICPC, REVIEWS, PLANS_FILE)

DEFAULT_WORKER_ROLES = ("CW", "ALLOCATED CASE WORKER")

ETHNICITIES: dict[str, str] = {
    "WBRI": "White British",
    "WIRI": "White Irish",
    "WOTH": "Any other White background",
    "WIRT": "Traveller of Irish heritage",
    "WROM": "Gypsy/Roma",
    "MWBC": "White and Black Caribbean",
    "MWBA": "White and Black African",
    "MWAS": "White and Asian",
    "MOTH": "Any other Mixed background",
    "AIND": "Indian",
    "APKN": "Pakistani",
    "ABAN": "Bangladeshi",
    "CHNE": "Chinese",
    "AOTH": "Any other Asian background",
    "BCRB": "Caribbean",
    "BAFR": "African",
    "BOTH": "Any other Black background",
    "OOTH": "Any other ethnic group",
    "REFU": "Refused",
    "NOBT": "Information not yet obtained",
}
_ETHNICITY_BY_NAME = {name.lower(): code for code, name in ETHNICITIES.items()}
_CATEGORIES = {"NEG": "NEG", "PHY": "PHY", "SAB": "SAB", "SEX": "SAB", "EMO": "EMO", "MUL": "MUL"}
DISABILITY_CODES = frozenset(
    ("NONE", "MOB", "HAND", "PC", "INC", "COMM", "LD", "HEAR", "VIS", "BEH", "CON", "AUT", "DDA")
)
_TRUE = frozenset(("y", "yes", "true", "1"))
_FALSE = frozenset(("n", "no", "false", "0"))
_DATE = re.compile(
    r"^(?:(?P<y>\d{4})-(?P<m>\d{2})-(?P<d>\d{2})|(?P<d2>\d{2})/(?P<m2>\d{2})/(?P<y2>\d{4}))"
    r"(?:[ T]\d{1,2}:\d{2}(?::\d{2}(?:\.\d+)?)?(?:Z|[+-]\d{2}(?::?\d{2})?)?)?$"
)
_PARTICIPATION = re.compile(r"PN[0-7]", re.IGNORECASE)
_CATEGORY_PREFIX = re.compile(r"^[a-z]\)\s*", re.IGNORECASE)


class SsdError(Exception):
    """The extract could not be opened at all (not a folder or zip, unreadable)."""


@dataclass
class Source:
    """Where a translated record came from: an SSD file, its line, and its columns by the
    exchange field they fill."""

    filename: str
    line: int
    columns: dict[str, str]


@dataclass
class Extract:
    """An SSD extract read and translated; `bundle` holds the exchange rows, each row's `line`
    a key into `sources`."""

    name: str
    bundle: Bundle = field(default_factory=Bundle)
    sources: dict[tuple[str, int], Source] = field(default_factory=dict)
    # disability, its census codes, family_id
    children: dict[str, dict[str, Any]] = field(default_factory=dict)
    conferences: dict[str, dict[str, Any]] = field(default_factory=dict)  # quorate
    allocations: dict[tuple, dict[str, Any]] = field(default_factory=dict)  # team, staff_id
    enquiries: list[dict[str, Any]] = field(default_factory=list)
    visits: list[dict[str, Any]] = field(default_factory=list)
    skipped_undated: int = 0
    other_authority_plans: list[str] = field(default_factory=list)
    file_digests: dict[str, str] = field(default_factory=dict)
    present: set[str] = field(default_factory=set)
    # each row's digest and the person it is about, for the next sync to find what changed
    row_digests: dict[str, Any] = field(default_factory=dict)
    # the persons translated, when only those whose rows changed were; None: every person
    persons: set[str] | None = None
    # each initial conference's target date in the extract, and its line (a cross-check only)
    targets: dict[str, tuple[dt.date, int]] = field(default_factory=dict)

    @property
    def problems(self) -> list[Problem]:
        return self.bundle.problems

    @property
    def warnings(self) -> list[str]:
        return self.bundle.warnings

    def located(self, problem: Problem) -> Problem:
        """A problem the rule book found in a translated row, named in the SSD's terms."""
        source = self.sources.get((problem.filename, problem.line))
        if source is None:
            return problem
        column = source.columns.get(_field_of(problem.filename, problem.column), problem.column)
        return Problem(source.filename, source.line, column, problem.reason)


def _field_of(filename: str, column: str) -> str:
    spec = {s.filename: s for s in (CHILDREN, PLANS, CONFERENCES, ALLOCATIONS)}.get(filename)
    if spec is None:
        return column
    return next((c.field for c in spec.columns if c.name == column), column)


def file_digest(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def open_sources(path: Path) -> dict[str, bytes]:
    """The extract's files by lower-case name, from a folder or a .zip."""
    wanted = set(FILES)
    found: dict[str, bytes] = {}
    if path.is_dir():
        names = [p.name for p in path.iterdir() if p.is_file()]
        _refuse_twice(names, wanted)
        for child in path.iterdir():
            if child.is_file() and child.name.lower() in wanted:
                if child.stat().st_size > MAX_FILE_BYTES:
                    raise SsdError(f"{child.name}: the file is larger than 2 GB")
                found[child.name.lower()] = child.read_bytes()
        return found
    if path.is_file() and zipfile.is_zipfile(path):
        try:
            with zipfile.ZipFile(path) as archive:
                infos = [i for i in archive.infolist() if not i.is_dir()]
                _refuse_twice([i.filename for i in infos], wanted)
                for info in infos:
                    name = Path(info.filename).name.lower()
                    if name in wanted:
                        if info.file_size > MAX_FILE_BYTES:
                            raise SsdError(f"{name}: the file is larger than 2 GB")
                        found[name] = archive.read(info)
        except (zipfile.BadZipFile, OSError) as error:
            raise SsdError(f"{path.name}: the zip file cannot be read ({error})") from error
        return found
    if not path.exists():
        raise SsdError(f"{path}: no such folder or file")
    raise SsdError(f"{path.name}: not a folder or a .zip file")


def _refuse_twice(names: list[str], wanted: set[str]) -> None:
    twice = duplicated_member(
        names, key=lambda n: base if (base := Path(n).name.lower()) in wanted else n
    )
    if twice is not None:
        raise SsdError(
            f"{Path(twice[1]).name.lower()}: the extract holds this file twice ({twice[0]} and "
            f"{twice[1]}); an extract holds each file once"
        )


def _cell(cells: list[str], index: int) -> str:
    cell = cells[index].strip() if index < len(cells) else ""
    return "" if cell.upper() == "NULL" else cell


class _Table:
    """A file's rows, each kept as its cells; a row's values by column name are made when first
    asked for. A sync after a small change reads every row's digest and person, but translates
    only the few persons whose rows changed: making every row's values was most of its reading."""

    def __init__(
        self,
        filename: str,
        lines: list[int],
        cells: list[list[str]],
        positions: list[tuple[int, str]],
        digests: list[str] | None = None,
    ) -> None:
        self.filename = filename
        self.lines = lines
        self.cells = cells
        self.positions = positions  # (index in the row, column name) of the columns read
        self.columns = {name for _, name in positions}
        self.digests = digests or []  # one per row: its cells' digest
        self._rows: list[tuple[int, dict[str, str]]] | None = None

    @property
    def rows(self) -> list[tuple[int, dict[str, str]]]:
        if self._rows is None:
            positions = self.positions
            self._rows = [
                (line, {name: _cell(cells, index) for index, name in positions})
                for line, cells in zip(self.lines, self.cells, strict=True)
            ]
        return self._rows

    def column(self, name: str) -> list[str]:
        """Each row's value in column `name`, as `rows` holds it ("" where the file lacks it)."""
        index = None
        for i, n in self.positions:
            if n == name:
                index = i  # a column named twice: the last, as in `rows`
        if index is None:
            return [""] * len(self.cells)
        if all(index < len(cells) for cells in self.cells):  # a short row has blanks after its end
            stripped = [cells[index].strip() for cells in self.cells]
            return ["" if cell.upper() == "NULL" else cell for cell in stripped]
        return [_cell(cells, index) for cells in self.cells]

    def subset(self, keep: list[int]) -> _Table:
        """The table with only the rows at `keep`."""
        return _Table(
            self.filename,
            [self.lines[i] for i in keep],
            [self.cells[i] for i in keep],
            self.positions,
        )


class _Reading:
    """The state of one read: problems, warnings, and the typed cells."""

    def __init__(self, extract: Extract) -> None:
        self.extract = extract
        self._dates: dict[str, dt.date | None] = {}
        self._identifiers: dict[str, str | None] = {}

    def problem(self, filename: str, line: int, column: str, reason: str) -> None:
        self.extract.bundle.problems.append(Problem(filename, line, column, reason))

    def warn(self, text: str) -> None:
        self.extract.bundle.warnings.append(text)

    def date(self, table: str, line: int, column: str, text: str) -> dt.date | None:
        if not text:
            return None
        if text in self._dates:  # an extract repeats its dates many times over
            day = self._dates[text]
            if day is not None:
                return day
        day = self._parse_date(text)
        self._dates[text] = day
        if day is None:
            self.problem(
                table,
                line,
                column,
                f"'{_shown(text)}' is not a date (use YYYY-MM-DD or DD/MM/YYYY, a time may follow)",
            )
        return day

    @staticmethod
    def _parse_date(text: str) -> dt.date | None:
        match = _DATE.match(text)
        if match:
            year = match["y"] or match["y2"]
            month = match["m"] or match["m2"]
            day = match["d"] or match["d2"]
            try:
                return dt.date(int(year), int(month), int(day))
            except ValueError:
                pass
        return None

    def flag(self, table: str, line: int, column: str, text: str) -> bool | None:
        lowered = text.lower()
        if not lowered:
            return None
        if lowered in _TRUE:
            return True
        if lowered in _FALSE:
            return False
        self.warn(f"{table}:{line}: {column}: '{_shown(text)}' is not Y or N; read as blank")
        return None

    def identifier(self, table: str, line: int, column: str, text: str) -> bool:
        if text in self._identifiers:
            reason = self._identifiers[text]
        else:
            reason = self._identifiers[text] = identifier_problem(text, noun="id")
        if reason is None:
            return True
        self.problem(table, line, column, f"'{_shown(text)}': {reason[0].lower()}{reason[1:]}")
        return False


def _shown(text: str) -> str:
    return text if len(text) <= 40 else text[:37] + "..."


def _read_table(filename: str, data: bytes, reading: _Reading) -> _Table | None:
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        line = data[: error.start].count(b"\n") + 1
        reading.problem(filename, line, "", "the file is not UTF-8 text (save it as CSV UTF-8)")
        return None
    if "\x00" in text:
        reading.problem(filename, 0, "", "the file holds binary data, not CSV")
        return None
    csv.field_size_limit(1_000_000)
    reader = csv.reader(io.StringIO(text, newline=""), strict=True)
    read, known = COLUMNS[filename]
    try:
        header = next(reader, None)
        if header is None:
            reading.problem(filename, 1, "", "the file is empty (no header row)")
            return None
        names = [name.strip().lower() for name in header]
        for name in names:
            if name and name not in read and name not in known:
                reading.warn(f"{filename}:1: {name}: unknown column ignored")
        positions = [(i, n) for i, n in enumerate(names) if n in read]
        lines: list[int] = []
        rows: list[list[str]] = []
        digests: list[str] = []
        blake2b = hashlib.blake2b
        line = reader.line_num + 1
        for cells in reader:
            start, line = line, reader.line_num + 1
            if not "".join(cells).strip():
                continue  # a row of blank cells
            lines.append(start)
            rows.append(cells)
            digests.append(blake2b("\x1f".join(cells).encode(), digest_size=8).hexdigest())
    except csv.Error as error:
        reading.problem(filename, reader.line_num, "", f"malformed CSV: {error}")
        return None
    return _Table(filename, lines, rows, positions, digests)


@functools.lru_cache(maxsize=4096)
def json_flag(text: str, *keys: str) -> bool | None:
    """A Y/N flag out of an outcome JSON, whatever its spacing or key spelling; None if absent.
    (Cached: an extract's outcome columns hold a few texts many times over.)"""
    if not text:
        return None
    try:
        parsed = json.loads(text)
    except ValueError:
        parsed = None
    if isinstance(parsed, dict):
        upper = {str(k).strip().upper(): v for k, v in parsed.items()}
        for key in keys:
            value = str(upper.get(key) or "").strip().lower()
            if value in _TRUE:
                return True
            if value in _FALSE:
                return False
        return None
    for key in keys:
        match = re.search(
            rf"(?<![A-Za-z0-9_]){key}(?![A-Za-z0-9_])\W*?[:=]\s*\W?\s*(\w+)", text, re.IGNORECASE
        )
        if match:
            value = match[1].lower()
            if value in _TRUE:
                return True
            if value in _FALSE:
                return False
    return None


def category_code(text: str) -> str | None:
    """NEG, PHY, SAB, EMO or MUL from a description or a code; None when not one of them."""
    stripped = _CATEGORY_PREFIX.sub("", text.strip())
    return _CATEGORIES.get(stripped[:3].upper())


def ethnicity_code(text: str) -> str | None:
    upper = text.strip().upper()
    if upper == "CNHE":
        return "CHNE"
    if upper in ETHNICITIES:
        return upper
    return _ETHNICITY_BY_NAME.get(text.strip().lower())


def disability_codes(codes: list[str]) -> str:
    """The CIN census <Disability> codes of a child's rows, space-separated in the file's order:
    NONE only when no other code is held (the census refuses NONE beside a disability, 8790);
    blank when no row holds a census code (an unknown code still reads as a disability, and the
    census export writes DDA, "other", for it)."""
    named = [code for code in codes if code != "NONE"]
    return " ".join(named or codes)


def _id_order(value: str) -> tuple:
    return (0, int(value), "") if value.isdigit() else (1, 0, value)


def ssd_read(
    path: Path, *, worker_roles: Iterable[str] = DEFAULT_WORKER_ROLES, name: str | None = None
) -> Extract:
    """Read and translate the extract at `path` (a folder or a .zip of the SSD's CSV files)."""
    return ssd_translate(
        open_sources(Path(path)), name=name or Path(path).name, worker_roles=worker_roles
    )


# Each file's column naming the person a row is about (reviews and visits may name only a plan).
PERSON_COLUMNS: dict[str, tuple[str, ...]] = {
    PERSON: ("pers_person_id",),
    PLANS_FILE: ("cppl_person_id",),
    ICPC: ("icpc_person_id",),
    REVIEWS: ("cppr_person_id",),
    S47: ("s47e_person_id",),
    EPISODES: ("cine_person_id",),
    INVOLVEMENTS: ("invo_person_id", "personid"),
    VISITS: ("cppv_person_id",),
    DISABILITY: ("disa_person_id",),
}
_BY_PLAN = {REVIEWS: "cppr_cp_plan_id", VISITS: "cppv_cp_plan_id"}


def _row_persons(tables: dict[str, _Table]) -> dict[str, list[str]]:
    """file -> the person each row is about ("" for none), for the files whose rows are each
    about one person (a review or visit naming only its plan: the plan's person)."""
    plans = tables.get(PLANS_FILE)
    plan_person = (
        dict(zip(plans.column("cppl_cp_plan_id"), plans.column("cppl_person_id"), strict=True))
        if plans is not None
        else {}
    )
    found: dict[str, list[str]] = {}
    for filename, table in tables.items():
        columns = PERSON_COLUMNS.get(filename)
        if columns is None:
            continue
        persons = table.column(columns[0])
        for column in columns[1:]:  # the first column that names someone
            persons = [p or q for p, q in zip(persons, table.column(column), strict=True)]
        if filename in _BY_PLAN:
            by_plan = table.column(_BY_PLAN[filename])
            persons = [p or plan_person.get(q, "") for p, q in zip(persons, by_plan, strict=True)]
        found[filename] = persons
    return found


def _changed_persons(
    tables: dict[str, _Table],
    rows: dict[str, dict[str, str]],
    previous: dict[str, dict[str, str]],
    previous_files: set[str],
) -> set[str] | None:
    """The persons some row of whose changed since the previous extract (its rows' digests and
    persons, `previous`); None when a change reaches beyond the persons it names (the
    professionals, teams or families, a file come or gone): then every person is read again."""
    if set(tables) != previous_files:
        return None
    for filename in tables:
        if filename not in PERSON_COLUMNS and tables[filename].digests != previous.get(filename):
            return None
    persons: set[str] = set()
    for filename, now in rows.items():
        before = previous.get(filename)
        if not isinstance(before, dict):
            return None
        persons.update(now[d] for d in now.keys() - before.keys())
        persons.update(before[d] for d in before.keys() - now.keys())
    return persons


def _restricted(
    tables: dict[str, _Table], row_persons: dict[str, list[str]], persons: set[str]
) -> dict[str, _Table]:
    """The tables with only the rows about `persons` (the tables about nobody kept whole; the
    person table whole too, for the check that a person exists)."""
    kept: dict[str, _Table] = {}
    for filename, table in tables.items():
        if filename not in row_persons or filename == PERSON:
            kept[filename] = table
            continue
        about = row_persons[filename]
        kept[filename] = table.subset([i for i, p in enumerate(about) if p in persons])
    return kept


def ssd_translate(
    sources: dict[str, bytes],
    *,
    name: str,
    worker_roles: Iterable[str] = DEFAULT_WORKER_ROLES,
    previous: dict[str, Any] | None = None,
    team_areas: dict[str, str] | None = None,
    file_digests: dict[str, str] | None = None,
) -> Extract:
    """Translate the extract's files. With `previous` (what `Extract.row_digests` held for the
    last extract applied), only the persons whose rows changed are translated, and
    `Extract.persons` names them; otherwise every person is, and it is None. `file_digests`:
    the files' digests (`file_digest`) where the caller has them already."""
    # Python's cycle collector, run again and again while a large extract's rows pile up, went
    # through all of them each time: half of reading the rows. They hold no reference cycles
    # (plain lists, dicts and strings), so nothing is left for it to free.
    collecting = gc.isenabled()
    gc.disable()
    try:
        return _translated(sources, name, worker_roles, previous, team_areas, file_digests)
    finally:
        if collecting:
            gc.enable()


def _translated(
    sources: dict[str, bytes],
    name: str,
    worker_roles: Iterable[str],
    previous: dict[str, Any] | None,
    team_areas: dict[str, str] | None,
    file_digests: dict[str, str] | None,
) -> Extract:
    extract = Extract(name=name)
    extract.file_digests = file_digests or {
        n: file_digest(data) for n, data in sorted(sources.items())
    }
    extract.present = set(sources)
    reading = _Reading(extract)
    if PERSON not in sources:
        reading.problem(PERSON, 0, "", "the extract has no ssd_person.csv; it is required")
    if not any(n in sources for n in CONFERENCE_FILES):
        reading.problem(
            PLANS_FILE,
            0,
            "",
            "the extract has none of ssd_cp_plans.csv, ssd_initial_cp_conference.csv and "
            "ssd_cp_reviews.csv; at least one is required",
        )
    tables: dict[str, _Table] = {}
    for filename in FILES:
        if filename in sources:
            table = _read_table(filename, sources[filename], reading)
            if table is not None:
                tables[filename] = table
    if extract.problems:
        extract.problems.sort(key=problem_order)
        return extract
    row_persons = _row_persons(tables)
    rows = {
        f: dict(zip(tables[f].digests, persons, strict=True)) for f, persons in row_persons.items()
    }
    extract.row_digests = {
        "files": sorted(tables),
        "rows": rows,
        "whole": {f: t.digests for f, t in tables.items() if f not in PERSON_COLUMNS},
    }
    if previous:
        before = {**previous.get("rows", {}), **previous.get("whole", {})}
        extract.persons = _changed_persons(tables, rows, before, set(previous.get("files", ())))
        if extract.persons is not None:
            tables = _restricted(tables, row_persons, extract.persons)
    translation = _Translation(extract, reading, tables, {r.upper() for r in worker_roles})
    translation.team_areas = {k.strip().lower(): v.strip() for k, v in (team_areas or {}).items()}
    translation.run()
    extract.problems.sort(key=problem_order)
    return extract


def _unique(
    table: _Table | None, id_column: str, reading: _Reading
) -> list[tuple[int, dict[str, str]]]:
    """The rows of a table, identical duplicates read once, conflicting ones refused."""
    if table is None:
        return []
    first: dict[str, tuple[int, dict[str, str]]] = {}
    rows = []
    for line, values in table.rows:
        key = values.get(id_column, "")
        if not key:
            rows.append((line, values))
            continue
        if key in first:
            if first[key][1] != values:
                reading.problem(
                    table.filename,
                    line,
                    id_column,
                    f"id '{_shown(key)}' is held twice with different values (first at line "
                    f"{first[key][0]})",
                )
            continue
        first[key] = (line, values)
        rows.append((line, values))
    return rows


class _Translation:
    def __init__(
        self, extract: Extract, reading: _Reading, tables: dict[str, _Table], roles: set[str]
    ) -> None:
        self.extract = extract
        self.reading = reading
        self.tables = tables
        self.roles = roles
        # the authority's optional team -> area table (team name or id, lower case)
        self.team_areas: dict[str, str] = {}
        self.line_of: dict[str, int] = defaultdict(int)

    def add_row(self, spec: FileSpec, values: dict[str, Any], source: Source) -> None:
        self.line_of[spec.filename] += 1
        key = self.line_of[spec.filename]
        self.extract.bundle.rows.setdefault(spec.filename, []).append(Row(key, values))
        self.extract.sources[(spec.filename, key)] = source

    def rows(self, filename: str, id_column: str) -> list[tuple[int, dict[str, str]]]:
        return _unique(self.tables.get(filename), id_column, self.reading)

    def run(self) -> None:
        r = self.reading
        people = {
            v["pers_person_id"]: (line, v)
            for line, v in self.rows(PERSON, "pers_person_id")
            if v.get("pers_person_id")
        }
        named: dict[str, list[tuple[str, int, str]]] = defaultdict(list)

        def person(table: str, line: int, column: str, value: str) -> str | None:
            if not value:
                r.problem(table, line, column, "a person id is required")
                return None
            if value not in people:
                r.problem(table, line, column, f"person '{_shown(value)}' is not in {PERSON}")
                return None
            named[value].append((table, line, column))
            return value

        # Plans
        plans: dict[str, dict[str, Any]] = {}
        plan_rows = []
        for line, v in self.rows(PLANS_FILE, "cppl_cp_plan_id"):
            plan_id = v.get("cppl_cp_plan_id", "")
            if not plan_id:
                r.problem(PLANS_FILE, line, "cppl_cp_plan_id", "a plan id is required")
                continue
            if r.flag(PLANS_FILE, line, "cppl_cp_plan_ola", v.get("cppl_cp_plan_ola", "")):
                self.extract.other_authority_plans.append(plan_id)
                continue
            if not r.identifier(PLANS_FILE, line, "cppl_cp_plan_id", plan_id):
                continue
            child = person(PLANS_FILE, line, "cppl_person_id", v.get("cppl_person_id", ""))
            start = r.date(
                PLANS_FILE, line, "cppl_cp_plan_start_date", v.get("cppl_cp_plan_start_date", "")
            )
            end = r.date(
                PLANS_FILE, line, "cppl_cp_plan_end_date", v.get("cppl_cp_plan_end_date", "")
            )
            if start is None and v.get("cppl_cp_plan_start_date", "") == "":
                r.problem(PLANS_FILE, line, "cppl_cp_plan_start_date", "a start date is required")
            categories = {}
            for column, fieldname in (
                ("cppl_cp_plan_initial_category", "initial_category"),
                ("cppl_cp_plan_latest_category", "latest_category"),
            ):
                text = v.get(column, "")
                code = category_code(text) if text else None
                if text and code is None:
                    r.warn(
                        f"{PLANS_FILE}:{line}: {column}: '{_shown(text)}' is not a category of "
                        "abuse; read as blank"
                    )
                categories[fieldname] = code or ""
            if child is None or start is None:
                continue
            values = {
                "plan_id": plan_id,
                "child": child,
                "start_on": start,
                "end_on": end,
                "end_reason": "",
                **categories,
            }
            plans[plan_id] = values
            plan_rows.append((line, values, v.get("cppl_icpc_id", "")))
        for line, values, _ in plan_rows:
            self.add_row(
                PLANS,
                values,
                Source(
                    PLANS_FILE,
                    line,
                    {
                        "plan_id": "cppl_cp_plan_id",
                        "child": "cppl_person_id",
                        "start_on": "cppl_cp_plan_start_date",
                        "end_on": "cppl_cp_plan_end_date",
                        "initial_category": "cppl_cp_plan_initial_category",
                        "latest_category": "cppl_cp_plan_latest_category",
                    },
                ),
            )

        # Enquiries (strategy discussions)
        enquiries: dict[str, dict[str, Any]] = {}
        for line, v in self.rows(S47, "s47e_s47_enquiry_id"):
            enquiry_id = v.get("s47e_s47_enquiry_id", "")
            if not enquiry_id:
                r.problem(S47, line, "s47e_s47_enquiry_id", "an enquiry id is required")
                continue
            if not r.identifier(S47, line, "s47e_s47_enquiry_id", enquiry_id):
                continue
            child = person(S47, line, "s47e_person_id", v.get("s47e_person_id", ""))
            start_text = v.get("s47e_s47_start_date", "")
            start = r.date(S47, line, "s47e_s47_start_date", start_text)
            end = r.date(S47, line, "s47e_s47_end_date", v.get("s47e_s47_end_date", ""))
            if not start_text:
                r.problem(S47, line, "s47e_s47_start_date", "a start date is required")
            if start and end and end < start:
                r.problem(
                    S47,
                    line,
                    "s47e_s47_end_date",
                    f"the enquiry ends ({end.isoformat()}) before it starts ({start.isoformat()})",
                )
            if child is None or start is None:
                continue
            outcome_text = v.get("s47e_s47_outcome_json", "")
            conference = json_flag(outcome_text, "CP_CONFERENCE_FLAG")
            nfa = bool(r.flag(S47, line, "s47e_s47_nfa", v.get("s47e_s47_nfa", "")))
            nfa = nfa or bool(json_flag(outcome_text, "NFA_FLAG"))
            lowered = outcome_text.lower()
            if conference is None and outcome_text and not outcome_text.lstrip().startswith("{"):
                conference = "conference" in lowered  # Mosaic: a list of next steps
            nfa = nfa or "no further action" in lowered
            outcome = ""
            if conference and not nfa:
                outcome = "conference"
            elif nfa and not conference:
                outcome = "no_further_action"
            enquiries[enquiry_id] = {
                "enquiry_id": enquiry_id,
                "child": child,
                "strategy_discussion_on": start,
                "outcome": outcome,
                "end_on": end,
            }
        self.extract.enquiries = list(enquiries.values())

        referrals: dict[str, tuple[str, dt.date | None, bool | None]] = {}
        for line, v in self.rows(EPISODES, "cine_referral_id"):
            referral = v.get("cine_referral_id", "")
            if referral:
                referrals[referral] = (
                    v.get("cine_person_id", ""),
                    r.date(EPISODES, line, "cine_referral_date", v.get("cine_referral_date", "")),
                    json_flag(v.get("cine_referral_outcome_json", ""), "CP_TRANSFER_IN_FLAG"),
                )

        # Conferences: initial and transfer-in
        meetings: dict[str, tuple[dt.date, str, int]] = {}
        conference_ids: dict[str, tuple[str, int]] = {}
        unlinked: list[str] = []

        def meeting_check(table: str, line: int, column: str, meeting: str, day: dt.date) -> bool:
            if not meeting:
                return True
            if not r.identifier(table, line, column, meeting):
                return False
            earlier = meetings.setdefault(meeting, (day, table, line))
            if earlier[0] != day:
                r.problem(
                    table,
                    line,
                    column,
                    f"meeting '{_shown(meeting)}' is dated {earlier[0].isoformat()} at "
                    f"{earlier[1]}:{earlier[2]}; the rows of one meeting share its date",
                )
                return False
            return True

        def conference_add(conference_id: str, table: str, line: int, column: str) -> bool:
            if not r.identifier(table, line, column, conference_id):
                return False
            if conference_id in conference_ids:
                first = conference_ids[conference_id]
                r.problem(
                    table,
                    line,
                    column,
                    f"conference '{conference_id}' is held twice (first at {first[0]}:{first[1]})",
                )
                return False
            conference_ids[conference_id] = (table, line)
            return True

        for line, v in self.rows(ICPC, "icpc_icpc_id"):
            raw_id = v.get("icpc_icpc_id", "")
            if not raw_id:
                r.problem(ICPC, line, "icpc_icpc_id", "a conference id is required")
                continue
            date_text = v.get("icpc_icpc_date", "")
            child = person(ICPC, line, "icpc_person_id", v.get("icpc_person_id", ""))
            if not date_text:
                self.extract.skipped_undated += 1
                continue
            held_on = r.date(ICPC, line, "icpc_icpc_date", date_text)
            conference_id = f"icpc-{raw_id}"
            if not conference_add(conference_id, ICPC, line, "icpc_icpc_id"):
                continue
            if child is None or held_on is None:
                continue
            meeting = v.get("icpc_icpc_meeting_id", "")
            if not meeting_check(ICPC, line, "icpc_icpc_meeting_id", meeting, held_on):
                continue
            transfer = r.flag(
                ICPC, line, "icpc_icpc_transfer_in", v.get("icpc_icpc_transfer_in", "")
            )
            kind = "transfer_in" if transfer else "initial"
            flag = r.flag(
                ICPC, line, "icpc_icpc_outcome_cp_flag", v.get("icpc_icpc_outcome_cp_flag", "")
            )
            if flag is None:
                flag = json_flag(v.get("icpc_icpc_outcome_json", ""), "CP_FLAG", "OUTCOME_CP_FLAG")
            if flag is None and v.get("icpc_cp_plan_id", ""):
                flag = True
            outcome = "" if flag is None else ("plan" if flag else "no_plan")
            strategy = None
            if kind == "initial":
                enquiry = enquiries.get(v.get("icpc_s47_enquiry_id", ""))
                if (
                    enquiry
                    and enquiry["child"] == child
                    and enquiry["strategy_discussion_on"] <= held_on
                ):
                    strategy = enquiry["strategy_discussion_on"]
                else:
                    unlinked.append(conference_id)
            notified = None
            if kind == "transfer_in":
                linked = referrals.get(v.get("icpc_referral_id", ""))
                if linked and linked[2] and linked[1] and linked[1] <= held_on:
                    notified = linked[1]
            values = _conference(conference_id, child, meeting, kind, held_on, outcome)
            values["strategy_discussion_on"] = strategy
            values["transfer_notification_on"] = notified
            target = r.date(ICPC, line, "icpc_icpc_target_date", v.get("icpc_icpc_target_date", ""))
            if target is not None:
                self.extract.targets[conference_id] = (target, line)
            self.add_row(
                CONFERENCES,
                values,
                Source(
                    ICPC,
                    line,
                    {
                        "conference_id": "icpc_icpc_id",
                        "child": "icpc_person_id",
                        "meeting": "icpc_icpc_meeting_id",
                        "kind": "icpc_icpc_transfer_in",
                        "held_on": "icpc_icpc_date",
                        "strategy_discussion_on": "icpc_s47_enquiry_id",
                        "transfer_notification_on": "icpc_referral_id",
                        "outcome": "icpc_icpc_outcome_cp_flag",
                    },
                ),
            )

        # Conferences: reviews
        reviews = self.tables.get(REVIEWS)
        has_person = reviews is not None and "cppr_person_id" in reviews.columns
        quorate_values: Counter[bool | None] = Counter()
        for line, v in self.rows(REVIEWS, "cppr_cp_review_id"):
            date_text = v.get("cppr_cp_review_date", "")
            if has_person:
                child = person(REVIEWS, line, "cppr_person_id", v.get("cppr_person_id", ""))
            else:
                plan = plans.get(v.get("cppr_cp_plan_id", ""))
                if plan is None:
                    r.problem(
                        REVIEWS,
                        line,
                        "cppr_cp_plan_id",
                        f"plan '{_shown(v.get('cppr_cp_plan_id', ''))}' is not in {PLANS_FILE} "
                        "(the file has no cppr_person_id, so the plan names the child)",
                    )
                    continue
                child = plan["child"]
            if not date_text:
                self.extract.skipped_undated += 1
                continue
            held_on = r.date(REVIEWS, line, "cppr_cp_review_date", date_text)
            if child is None or held_on is None:
                continue
            raw_id = v.get("cppr_cp_review_id", "")
            conference_id = (
                f"cppr-{raw_id}" if raw_id else f"cppr-{child}-{held_on.strftime('%Y%m%d')}"
            )
            if not conference_add(conference_id, REVIEWS, line, "cppr_cp_review_id"):
                continue
            meeting = v.get("cppr_cp_review_meeting_id", "")
            if not meeting_check(REVIEWS, line, "cppr_cp_review_meeting_id", meeting, held_on):
                continue
            flag = r.flag(
                REVIEWS,
                line,
                "cppr_cp_review_outcome_continue_cp",
                v.get("cppr_cp_review_outcome_continue_cp", ""),
            )
            outcome = "" if flag is None else ("plan" if flag else "no_plan")
            values = _conference(conference_id, child, meeting, "review", held_on, outcome)
            found = _PARTICIPATION.search(v.get("cppr_cp_review_participation", ""))
            values["participation_code"] = found[0].upper() if found else ""
            quorate = r.flag(
                REVIEWS, line, "cppr_cp_review_quorate", v.get("cppr_cp_review_quorate", "")
            )
            quorate_values[quorate] += 1
            self.extract.conferences[conference_id] = {"quorate": quorate}
            self.add_row(
                CONFERENCES,
                values,
                Source(
                    REVIEWS,
                    line,
                    {
                        "conference_id": "cppr_cp_review_id",
                        "child": "cppr_person_id" if has_person else "cppr_cp_plan_id",
                        "meeting": "cppr_cp_review_meeting_id",
                        "held_on": "cppr_cp_review_date",
                        "outcome": "cppr_cp_review_outcome_continue_cp",
                        "participation_code": "cppr_cp_review_participation",
                    },
                ),
            )
        if len(quorate_values) == 1 and sum(quorate_values.values()) > 1:
            (only,) = quorate_values
            if only is not None:
                r.warn(
                    f"{REVIEWS}: every review has cppr_cp_review_quorate "
                    f"{'Y' if only else 'N'}; check that the extract records the chair's answer"
                )
        if not any(
            v.get("meeting") for v in (row.values for row in self.extract.bundle.of(CONFERENCES))
        ) and self.extract.bundle.of(CONFERENCES):
            r.warn("the extract holds no meeting ids: each conference row is a meeting by itself")
        if unlinked:
            shown = ", ".join(unlinked[:10]) + (" ..." if len(unlinked) > 10 else "")
            r.warn(
                f"{ICPC}: {len(unlinked)} initial conference(s) with no linked strategy "
                f"discussion (not determinable): {shown}"
            )

        # Children: every person a plan, conference or enquiry names
        children = sorted(named, key=lambda c: min(named[c]))
        for child_id in children:
            line, v = people[child_id]
            if not r.identifier(PERSON, line, "pers_person_id", child_id):
                continue
            sex_text = v.get("pers_sex", "")
            sex = {"M": "M", "F": "F"}.get(sex_text[:1].upper(), "U") if sex_text else ""
            ethnicity_text = v.get("pers_ethnicity", "")
            ethnicity = ethnicity_code(ethnicity_text) if ethnicity_text else ""
            if ethnicity is None:
                r.warn(
                    f"{PERSON}:{line}: pers_ethnicity: '{_shown(ethnicity_text)}' is not a DfE "
                    "ethnicity; read as blank"
                )
                ethnicity = ""
            born = r.date(PERSON, line, "pers_dob", v.get("pers_dob", ""))
            expected = r.date(PERSON, line, "pers_expected_dob", v.get("pers_expected_dob", ""))
            if born is not None:
                expected = None
            if born is None and expected is None:
                r.warn(
                    f"{PERSON}:{line}: person '{child_id}' has neither a date of birth nor an "
                    "expected one"
                )
            values = {
                "child_id": child_id,
                "given_name": v.get("pers_forename", "")[:100],
                "family_name": v.get("pers_surname", "")[:100],
                "date_of_birth": born,
                "expected_date_of_birth": expected,
                "sex": sex,
                "ethnicity": ethnicity,
                "area": "",
            }
            self.add_row(
                CHILDREN,
                values,
                Source(
                    PERSON,
                    line,
                    {
                        "child_id": "pers_person_id",
                        "date_of_birth": "pers_dob",
                        "expected_date_of_birth": "pers_expected_dob",
                        "ethnicity": "pers_ethnicity",
                        "sex": "pers_sex",
                    },
                ),
            )
        child_set = set(children)
        self._allocations(child_set)
        self._family_and_disability(child_set)
        self._visits(child_set, plans)

    def _allocations(self, child_set: set[str]) -> None:
        r = self.reading
        teams = {
            v["dept_team_id"]: v.get("dept_team_name", "") or v["dept_team_id"]
            for _, v in self.rows(DEPARTMENTS, "dept_team_id")
            if v.get("dept_team_id")
        }
        by_id: dict[str, dict[str, str]] = {}
        by_staff: dict[str, dict[str, str]] = {}
        for _, v in self.rows(PROFESSIONALS, "prof_professional_id"):
            if v.get("prof_professional_id"):
                by_id[v["prof_professional_id"]] = v
            if v.get("prof_staff_id"):
                by_staff.setdefault(v["prof_staff_id"], v)
        current: dict[str, tuple] = {}
        for line, v in self.rows(INVOLVEMENTS, "invo_involvements_id"):
            role = v.get("invo_professional_role_id", "").upper()
            if role not in self.roles:
                continue
            child = v.get("invo_person_id", "") or v.get("personid", "")
            if child not in child_set:
                continue
            start = r.date(
                INVOLVEMENTS,
                line,
                "invo_involvement_start_date",
                v.get("invo_involvement_start_date", ""),
            )
            end = r.date(
                INVOLVEMENTS,
                line,
                "invo_involvement_end_date",
                v.get("invo_involvement_end_date", ""),
            )
            if start is None:
                if not v.get("invo_involvement_start_date", ""):
                    r.warn(
                        f"{INVOLVEMENTS}:{line}: invo_involvement_start_date: the allocation "
                        "has no start date; not imported"
                    )
                continue
            if end is not None and end < start:
                r.problem(
                    INVOLVEMENTS,
                    line,
                    "invo_involvement_end_date",
                    f"the involvement ends ({end.isoformat()}) before it starts "
                    f"({start.isoformat()})",
                )
                continue
            worker = v.get("invo_professional_id", "")
            professional = by_id.get(worker) or by_staff.get(worker) or {}
            staff_id = professional.get("prof_staff_id", "") or worker
            name = professional.get("prof_professional_name", "") or staff_id
            if not name:
                continue
            team_value = v.get("invo_professional_team", "")
            team = teams.get(team_value, team_value)
            values = {
                "child": child,
                "role": "social_worker",
                "name": name[:150],
                "email": "",
                "from_on": start,
                "to_on": end,
            }
            key = (child, "social_worker", values["name"], start)
            if key in self.extract.allocations:
                continue
            self.extract.allocations[key] = {"team": team[:150], "staff_id": staff_id[:64]}
            self.add_row(
                ALLOCATIONS,
                values,
                Source(
                    INVOLVEMENTS,
                    line,
                    {
                        "child": "invo_person_id",
                        "name": "invo_professional_id",
                        "from_on": "invo_involvement_start_date",
                        "to_on": "invo_involvement_end_date",
                    },
                ),
            )
            rank = (end is None, start, _id_order(v.get("invo_involvements_id", "")))
            if child not in current or rank > current[child][0]:
                area = self.team_areas.get(team.lower()) or self.team_areas.get(
                    team_value.lower(), team
                )
                current[child] = (rank, area)
        for row in self.extract.bundle.of(CHILDREN):
            found = current.get(row.values["child_id"])
            if found:
                row.values["area"] = found[1][:100]

    def _family_and_disability(self, child_set: set[str]) -> None:
        persons_in: dict[str, set[str]] = defaultdict(set)
        rows_of: dict[str, Counter[str]] = defaultdict(Counter)
        for _, v in self.rows(FAMILY, "fami_table_id"):
            family, who = v.get("fami_family_id", ""), v.get("fami_person_id", "")
            if family and who:
                persons_in[family].add(who)
                rows_of[who][family] += 1
        codes: dict[str, set[str]] = defaultdict(set)
        census_codes: dict[str, list[str]] = defaultdict(list)  # in the file's order
        for line, v in self.rows(DISABILITY, "disa_table_id"):
            who = v.get("disa_person_id", "")
            code = v.get("disa_disability_code", "").strip().upper()
            if not who or not code:
                continue
            if code not in DISABILITY_CODES:
                self.reading.warn(
                    f"{DISABILITY}:{line}: disa_disability_code: '{_shown(code)}' is not a CIN "
                    "census disability code; read as a disability"
                )
            elif code not in census_codes[who]:
                census_codes[who].append(code)
            codes[who].add(code)
        for child in child_set:
            families = rows_of.get(child)
            family = ""
            if families:
                family = max(
                    families,
                    key=lambda f: (len(persons_in[f]), families[f], _id_order(f)),
                )
            held = codes.get(child)
            disability = None if not held else bool(held - {"NONE"})
            self.extract.children[child] = {
                "disability": disability,
                "family_id": family[:64],
                "disability_codes": disability_codes(census_codes.get(child, [])),
            }

    def _visits(self, child_set: set[str], plans: dict[str, dict[str, Any]]) -> None:
        r = self.reading
        plans_of: dict[str, list[dict[str, Any]]] = defaultdict(list)
        for plan in plans.values():
            plans_of[plan["child"]].append(plan)
        for line, v in self.rows(VISITS, "cppv_cp_visit_id"):
            visit_id = v.get("cppv_cp_visit_id", "")
            if not visit_id:
                r.problem(VISITS, line, "cppv_cp_visit_id", "a visit id is required")
                continue
            if not r.identifier(VISITS, line, "cppv_cp_visit_id", visit_id):
                continue
            day = r.date(VISITS, line, "cppv_cp_visit_date", v.get("cppv_cp_visit_date", ""))
            if day is None:
                if not v.get("cppv_cp_visit_date", ""):
                    r.problem(VISITS, line, "cppv_cp_visit_date", "a visit date is required")
                continue
            plan_id = v.get("cppv_cp_plan_id", "")
            child = v.get("cppv_person_id", "")
            if not child and plan_id in plans:
                child = plans[plan_id]["child"]
            if child not in child_set:
                r.problem(
                    VISITS,
                    line,
                    "cppv_person_id",
                    f"person '{_shown(child)}' has no plan, conference or enquiry in the extract",
                )
                continue
            if not plan_id or plan_id not in plans:
                plan_id = next(
                    (
                        p["plan_id"]
                        for p in plans_of[child]
                        if p["start_on"] <= day and (p["end_on"] is None or day < p["end_on"])
                    ),
                    "",
                )
            self.extract.visits.append(
                {
                    "visit_id": visit_id,
                    "child": child,
                    "plan": plan_id,
                    "visited_on": day,
                    "seen": r.flag(
                        VISITS, line, "cppv_cp_visit_seen", v.get("cppv_cp_visit_seen", "")
                    ),
                    "seen_alone": r.flag(
                        VISITS,
                        line,
                        "cppv_cp_visit_seen_alone",
                        v.get("cppv_cp_visit_seen_alone", ""),
                    ),
                    "bedroom_seen": r.flag(
                        VISITS, line, "cppv_cp_visit_bedroom", v.get("cppv_cp_visit_bedroom", "")
                    ),
                }
            )


def _conference(
    conference_id: str, child: str, meeting: str, kind: str, held_on: dt.date, outcome: str
) -> dict[str, Any]:
    """A conference row in natural form: what the SSD carries, the rest blank."""
    return {
        "conference_id": conference_id,
        "child": child,
        "meeting": meeting,
        "kind": kind,
        "held_on": held_on,
        "strategy_discussion_on": None,
        "transfer_notification_on": None,
        "chair": "",
        "outcome": outcome,
        "child_attended": None,
        "advocate_involved": None,
        "views_shared_via": "",
        "preparation_session": None,
        "participation_code": "",
        "out_of_timescale_reason": "",
    }
