"""Ofsted ILACS Annex A: List 5 and List 7 as .xlsx (export), and List 7 (import).

The column headings are Ofsted's, as in annex-a-columns.yml (a test compares them). Coded
values follow the Ofsted template's lettered lists ("a) Male", "a) WBRI"); on import a heading
is matched whatever its case and spacing, and a coded value with or without its letter. Text a
spreadsheet would run is written with a leading apostrophe, which import removes again."""

from __future__ import annotations

import datetime as dt
import io
import re
import zipfile
import zlib
from collections import defaultdict
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from defusedxml import DefusedXmlException
from django.conf import settings
from django.db import transaction
from django.db.models import Q
from lxml import etree
from openpyxl import Workbook, load_workbook

from safeguard.accounts.models import User
from safeguard.audit.models import AuditAction
from safeguard.audit.services import audit_record
from safeguard.cases.models import Allocation, AllocationRole, Child, Plan, PlanCategory, Visit
from safeguard.conferences.models import Conference, ConferenceStatus
from safeguard.domain.calendar import add_months
from safeguard.domain.date_text import parse_date
from safeguard.exchange.importer import FileCounts, ImportResult, bundle_apply
from safeguard.exchange.reader import Problem
from safeguard.spreadsheet_cells import neutralised_row, restored
from safeguard.zip_archives import duplicated_member, xml_member_with_dtd

from .models import PlanCensusDetail, Section47Enquiry
from .services import census_records_write
from .settling import settle
from .sourced import Sourced

ID_PREFIX = "AA"
MAX_ROWS = 200_000
COMMON = (
    "Child Unique ID",
    "Gender",
    "Ethnicity",
    "Date of Birth",
    "Age of Child (Years)",
    "Does the Child have a Disability",
)
LIST_5 = (
    *COMMON,
    "Strategy discussion initiating Section 47 Enquiry Start Date",
    "Was an Initial Child Protection Conference deemed unnecessary?",
    "Date of Initial Child Protection Conference",
    "Did the Initial Child Protection Conference Result in a Child Protection Plan",
    "Number of Section 47 Enquiries in the last 12 months",
    "Number of ICPCs in the last 12 months",
    "Allocated Team",
    "Allocated Worker",
    "LA",
)
LIST_7 = (
    *COMMON,
    "Child Protection Plan Start Date",
    "Initial Category of Abuse",
    "Latest Category of Abuse",
    "Date of the Last Statutory Visit",
    "Was the Child Seen Alone?",
    "Date of latest review conference",
    "Child Protection Plan End Date",
    "Subject to Emergency Protection Order or Protected Under Police Powers in Last Six Months "
    "(Y/N)",
    "Number of Previous Child Protection Plans",
    "Allocated Team",
    "Allocated Worker",
    "LA",
)
GENDERS = {"M": "a) Male", "F": "b) Female", "U": "c) Not stated/recorded"}
ETHNICITIES = [
    "WBRI",
    "WIRI",
    "WIRT",
    "WOTH",
    "WROM",
    "MWBC",
    "MWBA",
    "MWAS",
    "MOTH",
    "AIND",
    "APKN",
    "ABAN",
    "AOTH",
    "BCRB",
    "BAFR",
    "BOTH",
    "CHNE",
    "OOTH",
    "NOBT",
    "REFU",
]
LETTERED_ETHNICITY = {code: f"{chr(ord('a') + i)}) {code}" for i, code in enumerate(ETHNICITIES)}
CATEGORY_LABELS = dict(PlanCategory.choices)


class AnnexAError(Exception):
    """The workbook cannot be opened, or holds no List 7."""


def _key(text: Any) -> str:
    """A heading as compared: case and spacing ignored (non-breaking spaces too)."""
    return " ".join(str(text or "").replace("\xa0", " ").split()).lower()


def _unlettered(text: str) -> str:
    return re.sub(r"^[a-z]\)\s*", "", text.strip(), flags=re.I)


def _age(born_on: dt.date | None, as_of: dt.date) -> int | None:
    if born_on is None or born_on > as_of:
        return None
    return as_of.year - born_on.year - ((as_of.month, as_of.day) < (born_on.month, born_on.day))


def _yes_no(value: bool | None) -> str:
    return "" if value is None else ("Yes" if value else "No")


# ------------------------------------------------------------------------------------------
# export


def _children(pks: set[int]) -> dict[int, tuple]:
    return {
        pk: tuple(row)
        for pk, *row in Child.objects.filter(pk__in=pks).values_list(
            "pk", "child_id", "sex", "ethnicity", "date_of_birth", "area__name"
        )
    }


def _common(child: tuple, as_of: dt.date) -> list[Any]:
    child_id, sex, ethnicity, born_on, _ = child
    return [
        child_id,
        GENDERS.get(sex, ""),
        LETTERED_ETHNICITY.get(ethnicity, ethnicity),
        born_on,
        _age(born_on, as_of),
        "",
    ]


def _social_workers(pks: set[int], as_of: dt.date) -> dict[int, tuple[str, str]]:
    """Each child's allocated social worker on `as_of` (the latest start among the allocations
    in force), as (team, worker); docs/ssd.md."""
    found: dict[int, tuple[dt.date, int, str, str]] = {}
    for child_pk, pk, from_on, team, name in (
        Allocation.objects.filter(
            child_id__in=pks, role=AllocationRole.SOCIAL_WORKER, from_on__lte=as_of
        )
        .filter(Q(to_on__isnull=True) | Q(to_on__gte=as_of))
        .values_list("child_id", "pk", "from_on", "team", "name")
    ):
        if child_pk not in found or (from_on, pk) > found[child_pk][:2]:
            found[child_pk] = (from_on, pk, team, name)
    return {child_pk: (team, name) for child_pk, (_, _, team, name) in found.items()}


def _last_visits(pks: set[int], as_of: dt.date) -> dict[int, list[tuple[dt.date, bool | None]]]:
    """Each child's statutory visits up to `as_of`, latest first: (date, seen alone)."""
    visits: dict[int, list[tuple[dt.date, bool | None]]] = defaultdict(list)
    for child_pk, visited_on, seen_alone in (
        Visit.objects.filter(child_id__in=pks, visited_on__lte=as_of)
        .order_by("-visited_on", "-visit_id")
        .values_list("child_id", "visited_on", "seen_alone")
    ):
        visits[child_pk].append((visited_on, seen_alone))
    return visits


def list_5_rows(as_of: dt.date) -> list[list[Any]]:
    """Section 47 enquiries and initial conferences in the six months to `as_of`."""
    start_on = add_months(as_of, -6)
    year_start = add_months(as_of, -12)
    plan_starts = set(Plan.objects.values_list("child_id", "start_on"))
    # (child pk, s47 start or None) -> [conference date, not required]
    items: dict[tuple[int, dt.date | None], list] = {}
    s47_dates: dict[int, set[dt.date]] = defaultdict(set)
    for child_pk, started_on, conference_on, not_required in Section47Enquiry.objects.filter(
        started_on__lte=as_of, started_on__gte=year_start
    ).values_list("child_id", "started_on", "initial_conference_on", "icpc_not_required"):
        s47_dates[child_pk].add(started_on)
        if started_on >= start_on or (conference_on and start_on <= conference_on <= as_of):
            items[(child_pk, started_on)] = [conference_on, not_required]
    icpc_dates: dict[int, set[dt.date]] = defaultdict(set)
    for child_pk, held_on, strategy_on in Conference.objects.filter(
        kind="initial", held_on__lte=as_of, held_on__gte=year_start, status=ConferenceStatus.HELD
    ).values_list("child_id", "held_on", "strategy_discussion_on"):
        icpc_dates[child_pk].add(held_on)
        if strategy_on:
            s47_dates[child_pk].add(strategy_on)
        in_window = held_on >= start_on or (strategy_on and strategy_on >= start_on)
        if not in_window:
            continue
        item = items.get((child_pk, strategy_on))
        if item is None:
            items[(child_pk, strategy_on)] = [held_on, False]
        elif item[0] is None:
            item[0] = held_on
    children = _children({pk for pk, _ in items})
    workers = _social_workers(set(children), as_of)
    rows = []
    for (child_pk, enquiry_on), (conference_on, not_required) in sorted(
        items.items(), key=lambda kv: (children[kv[0][0]][0], kv[0][1] or dt.date.min)
    ):
        child = children[child_pk]
        rows.append(
            [
                *_common(child, as_of),
                enquiry_on,
                _yes_no(not_required),
                conference_on,
                _yes_no((child_pk, conference_on) in plan_starts) if conference_on else "",
                len(s47_dates[child_pk]),
                len(icpc_dates[child_pk]),
                workers.get(child_pk, ("", ""))[0] or child[4] or "",
                workers.get(child_pk, ("", ""))[1],
                settings.AUTHORITY_NAME,
            ]
        )
    return rows


def list_7_rows(as_of: dt.date) -> list[list[Any]]:
    """Children on a plan at `as_of`, and plans that ended in the six months before it."""
    start_on = add_months(as_of, -6)
    plans = list(
        Plan.objects.filter(start_on__lte=as_of)
        .exclude(end_on__lt=start_on)
        .values_list("pk", "child_id", "start_on", "end_on", "initial_category", "latest_category")
    )
    previous = dict(PlanCensusDetail.objects.values_list("plan_id", "previous_plans"))
    starts: dict[int, list[dt.date]] = defaultdict(list)
    for child_pk, day in Plan.objects.values_list("child_id", "start_on"):
        starts[child_pk].append(day)
    reviews: dict[int, list[dt.date]] = defaultdict(list)
    for child_pk, held_on in Conference.objects.filter(
        kind="review", held_on__lte=as_of, status=ConferenceStatus.HELD
    ).values_list("child_id", "held_on"):
        reviews[child_pk].append(held_on)
    children = _children({row[1] for row in plans})
    workers = _social_workers(set(children), as_of)
    visits = _last_visits(set(children), as_of)
    rows = []
    for pk, child_pk, plan_start, plan_end, initial, latest in sorted(
        plans, key=lambda p: (children[p[1]][0], p[2])
    ):
        if plan_end is not None and plan_end > as_of:
            plan_end = None  # open at the date of the list
        latest_review = max(
            (
                day
                for day in reviews[child_pk]
                if plan_start < day and (plan_end is None or day <= plan_end)
            ),
            default=None,
        )
        count = previous.get(pk)
        if count is None:
            count = sum(1 for day in starts[child_pk] if day < plan_start)
        child = children[child_pk]
        visit = next(
            (
                v
                for v in visits[child_pk]
                if plan_start <= v[0] and (plan_end is None or v[0] <= plan_end)
            ),
            None,
        )
        team, worker = workers.get(child_pk, ("", ""))
        rows.append(
            [
                *_common(child, as_of),
                plan_start,
                CATEGORY_LABELS.get(initial, ""),
                CATEGORY_LABELS.get(latest, ""),
                visit[0] if visit else None,
                _yes_no(visit[1]) if visit else "",
                latest_review,
                plan_end,
                "",
                count,
                team or child[4] or "",
                worker,
                settings.AUTHORITY_NAME,
            ]
        )
    return rows


def annex_a_export(*, path: Path, as_of: dt.date, by: User | None) -> dict[str, int]:
    """Write Lists 5 and 7 for the six months to `as_of`; returns the rows per list."""
    path = Path(path)
    with transaction.atomic():
        sheets = {"List 5": (LIST_5, list_5_rows(as_of)), "List 7": (LIST_7, list_7_rows(as_of))}
        audit_record(
            actor=by,
            action=AuditAction.EXPORT,
            record_type="annex_a",
            record_id=path.name[:100],
            summary=", ".join(f"{name}: {len(rows)} rows" for name, (_, rows) in sheets.items()),
        )
    workbook = Workbook()
    workbook.remove(workbook.active)
    for name, (headings, rows) in sheets.items():
        sheet = workbook.create_sheet(name)
        sheet.append(list(headings))
        for row in rows:
            sheet.append(neutralised_row(row))
        for cells in sheet.iter_rows(min_row=2):
            for cell in cells:
                if isinstance(cell.value, dt.date):
                    cell.number_format = "DD/MM/YYYY"
    buffer = io.BytesIO()
    workbook.save(buffer)
    path.parent.mkdir(parents=True, exist_ok=True)
    partial = path.with_name(path.name + ".partial")
    partial.write_bytes(buffer.getvalue())
    partial.replace(path)
    return {name: len(rows) for name, (_, rows) in sheets.items()}


# ------------------------------------------------------------------------------------------
# import


def _date_cell(value: Any) -> dt.date | None:
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    return parse_date(str(value).strip())


def _sex(value: Any) -> str:
    text = _unlettered(str(value or "")).lower()
    if not text:
        return ""
    if text in ("male", "m"):
        return "M"
    if text in ("female", "f"):
        return "F"
    if text in ("not stated/recorded", "not stated", "not recorded", "neither", "unknown", "u"):
        return "U"
    raise ValueError(f"'{value}' is not a gender of the Annex A list")


def _ethnicity(value: Any) -> str:
    text = _unlettered(str(value or "")).upper()
    if not text:
        return ""
    if text not in ETHNICITIES:
        raise ValueError(f"'{value}' is not a census ethnicity code")
    return text


_CATEGORY_BY_KEY = {
    **{_key(code): code for code in CATEGORY_LABELS},
    **{_key(label): code for code, label in CATEGORY_LABELS.items()},
    "multiple": "MUL",
    "multiple/not recommended": "MUL",
}


def _category(value: Any) -> str:
    text = _unlettered(str(value or ""))
    if not text:
        return ""
    code = _CATEGORY_BY_KEY.get(_key(text))
    if code is None:
        raise ValueError(f"'{value}' is not a category of abuse")
    return code


def _find_list_7(workbook) -> Any:
    for sheet in workbook.worksheets:
        if _key(sheet.title) == "list 7":
            return sheet
    wanted = _key("Child Protection Plan Start Date")
    for sheet in workbook.worksheets:
        first = next(sheet.iter_rows(max_row=1, values_only=True), ())
        if wanted in {_key(v) for v in first}:
            return sheet
    return None


_UNREADABLE_ZIP = (zipfile.BadZipFile, zlib.error, EOFError, OSError, RuntimeError,
                   NotImplementedError, ValueError)  # fmt: skip
_DTD_REFUSED = (
    "declares a DTD (<!DOCTYPE …>); workbooks from Excel have none, and such files are refused "
    "for safety"
)


def _refuse_unsafe_workbook(path: Path) -> None:
    """Refuse (AnnexAError) a workbook whose parts hold a DTD, which could define entities,
    or that holds one part twice. A file that is no zip at all is left to openpyxl to name."""
    try:
        with zipfile.ZipFile(path) as archive:
            twice = duplicated_member(archive.namelist(), key=str.lower)  # part names: any case
            member = None if twice else xml_member_with_dtd(archive)
    except _UNREADABLE_ZIP:
        return
    if twice is not None:
        raise AnnexAError(f"{path.name}: the workbook holds {twice[1]} twice; it is refused")
    if member is not None:
        raise AnnexAError(f"{path.name}: {member} {_DTD_REFUSED}")


def _refused_by_defusedxml(error: BaseException | None) -> bool:
    """Whether defusedxml's refusal is the error or what caused it (openpyxl wraps it)."""
    while error is not None:
        if isinstance(error, DefusedXmlException):
            return True
        error = error.__cause__ or error.__context__
    return False


def _sheet_rows(sheet: Any, path: Path) -> Iterator[tuple[Any, ...]]:
    """The sheet's rows as values; what openpyxl (through defusedxml) refuses while reading
    them becomes a sentence."""
    try:
        yield from sheet.iter_rows(values_only=True)
    except (SyntaxError, etree.XMLSyntaxError, *_UNREADABLE_ZIP) as error:
        if _refused_by_defusedxml(error):
            raise AnnexAError(f"{path.name}: the sheet {sheet.title} {_DTD_REFUSED}") from None
        raise AnnexAError(
            f"{path.name}: the sheet {sheet.title} cannot be read ({error})"
        ) from None


def annex_a_import(*, path: Path, by: User | None, dry_run: bool = False) -> ImportResult:
    """Import children, plans and their latest reviews from List 7; nothing if any row is at
    fault. Records are matched as for the census: a plan by its child and start date."""
    path = Path(path)
    _refuse_unsafe_workbook(path)
    try:
        workbook = load_workbook(path, read_only=True, data_only=True)
    except Exception as error:  # openpyxl raises many kinds for a file that is not a workbook
        if _refused_by_defusedxml(error):
            raise AnnexAError(f"{path.name}: a part of the workbook {_DTD_REFUSED}") from None
        raise AnnexAError(f"{path.name}: not an .xlsx workbook ({error})") from None
    sheet = _find_list_7(workbook)
    if sheet is None:
        raise AnnexAError(f"{path.name}: no List 7 sheet (children on a plan)")
    name = f"{path.name} [{sheet.title}]"
    problems: list[Problem] = []
    sourced = Sourced()
    previous_plans: dict[tuple[str, dt.date], int | None] = {}
    rows = _sheet_rows(sheet, path)
    header = next(rows, ())
    position = {_key(text): index for index, text in enumerate(header) if _key(text)}
    columns = {heading: position.get(_key(heading)) for heading in LIST_7}
    for required in ("Child Unique ID", "Child Protection Plan Start Date"):
        if columns[required] is None:
            problems.append(Problem(name, 1, required, "a required column is missing"))
    if problems:
        workbook.close()
        return ImportResult(problems=problems)
    reviews: dict[tuple[str, dt.date], int] = {}
    for line, cells in enumerate(rows, start=2):
        if line > MAX_ROWS:
            problems.append(Problem(name, line, "", f"more than {MAX_ROWS} rows"))
            break
        if not any(c not in (None, "") for c in cells):
            continue

        def cell(heading: str, cells=cells) -> Any:
            index = columns[heading]
            value = cells[index] if index is not None and index < len(cells) else None
            return restored(value) if isinstance(value, str) else value  # '-C7 was -C7

        raw_id = cell("Child Unique ID")
        child_id = (
            str(int(raw_id))
            if isinstance(raw_id, float) and raw_id.is_integer()
            else (str(raw_id).strip() if raw_id is not None else "")
        )
        values: dict[str, Any] = {}
        for heading, parse, field_name in (
            ("Gender", _sex, "sex"),
            ("Ethnicity", _ethnicity, "ethnicity"),
            ("Date of Birth", _date_cell, "date_of_birth"),
            ("Child Protection Plan Start Date", _date_cell, "start_on"),
            ("Child Protection Plan End Date", _date_cell, "end_on"),
            ("Initial Category of Abuse", _category, "initial_category"),
            ("Latest Category of Abuse", _category, "latest_category"),
            ("Date of latest review conference", _date_cell, "review_on"),
        ):
            try:
                values[field_name] = parse(cell(heading))
            except ValueError as error:
                reason = str(error) or f"'{cell(heading)}' is not a date"
                problems.append(Problem(name, line, heading, reason))
        count = cell("Number of Previous Child Protection Plans")
        try:
            previous = None if count in (None, "") else int(count)
            if previous is not None and previous < 0:
                raise ValueError
        except (TypeError, ValueError):
            problems.append(
                Problem(name, line, "Number of Previous Child Protection Plans", "not a number")
            )
            previous = None
        if not child_id:
            problems.append(Problem(name, line, "Child Unique ID", "a value is required"))
            continue
        if len(child_id) > 64:
            problems.append(Problem(name, line, "Child Unique ID", "longer than 64 characters"))
            continue
        if values.get("start_on") is None:
            if "start_on" in values:
                problems.append(
                    Problem(name, line, "Child Protection Plan Start Date", "a value is required")
                )
            continue
        said_child: dict[str, Any] = {
            field_name: values[field_name]
            for field_name in ("sex", "ethnicity", "date_of_birth")
            if field_name in values and columns[_HEADING_OF[field_name]] is not None
        }
        if child_id in sourced.children:
            sourced.children[child_id][1].update(said_child)
        else:
            sourced.children[child_id] = (line, said_child)
        key = (child_id, values["start_on"])
        if key in previous_plans:
            problems.append(
                Problem(name, line, "Child Protection Plan Start Date", "the plan appears twice")
            )
            continue
        previous_plans[key] = previous
        plan = {"child": child_id, "start_on": values["start_on"]}
        for field_name in ("end_on", "initial_category", "latest_category"):
            if field_name in values and columns[_HEADING_OF[field_name]] is not None:
                plan[field_name] = values[field_name]
        sourced.plans.append((line, plan))
        review_on = values.get("review_on")
        if review_on and (child_id, review_on) not in reviews:
            reviews[(child_id, review_on)] = line
            sourced.conferences.append(
                (line, {"child": child_id, "kind": "review", "held_on": review_on})
            )
    workbook.close()
    if problems:
        return ImportResult(problems=problems)
    result = ImportResult(dry_run=dry_run)
    with transaction.atomic():
        bundle = settle(sourced, prefix=ID_PREFIX, source_name=name)
        result = bundle_apply(bundle=bundle, source_name=path.name, by=by)
        result.dry_run = dry_run
        if result.ok:
            labels = {"children.csv": "children", "cp_plans.csv": "plans"}
            labels["conferences.csv"] = "review conferences"
            result.files = {labels[n]: c for n, c in result.files.items() if n in labels}
            extras, _ = census_records_write(
                episodes={},
                enquiries={},
                previous_plans={k: v for k, v in previous_plans.items() if v is not None},
            )
            counts = extras["plan census details"]
            result.files["previous plan counts"] = FileCounts(
                counts.added, counts.changed, counts.unchanged
            )
        if dry_run or not result.ok:
            transaction.set_rollback(True)
    return result


_HEADING_OF = {
    "sex": "Gender",
    "ethnicity": "Ethnicity",
    "date_of_birth": "Date of Birth",
    "end_on": "Child Protection Plan End Date",
    "initial_category": "Initial Category of Abuse",
    "latest_category": "Latest Category of Abuse",
}
