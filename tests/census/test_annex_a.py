"""Ofsted Annex A: Lists 5 and 7 exported with Ofsted's headings; List 7 imported."""

from __future__ import annotations

import datetime as dt
import re
import zipfile

import pytest
from openpyxl import Workbook, load_workbook

from safeguard import cli
from safeguard.cases.models import Child, Enquiry, Plan
from safeguard.census import annex_a
from safeguard.census.annex_a import (
    LIST_5,
    LIST_7,
    AnnexAError,
    annex_a_export,
    annex_a_import,
)
from safeguard.census.importer import census_import
from safeguard.census.models import PlanCensusDetail
from safeguard.conferences.models import Conference
from tests.census.standards import *  # noqa: F403
from tests.factories import make_area, make_child, make_plan

pytestmark = pytest.mark.django_db
AS_OF = dt.date(2024, 3, 31)


def _yml_lists(path) -> dict[str, list[str]]:
    """The `sort_order` headings of annex-a-columns.yml (a small, regular YAML file)."""
    lists: dict[str, list[str]] = {}
    section, current = None, None
    for raw in path.read_text(encoding="utf-8").splitlines():
        if raw and not raw.startswith(" "):
            section = raw.rstrip(":").strip()
            continue
        if section != "sort_order" or not raw.strip():
            continue
        text = raw.strip()
        if text.startswith("- "):
            lists[current].append(text[2:].strip().strip('"'))
        else:
            current = text.rstrip(":")
            lists[current] = []
    return lists


def test_the_headings_are_those_of_annex_a_columns_yml(annex_a_columns):
    lists = _yml_lists(annex_a_columns)
    assert list(LIST_5) == lists["List 5"]
    assert list(LIST_7) == lists["List 7"]


def _sheet_rows(path, name):
    workbook = load_workbook(path, read_only=True)
    rows = [list(r) for r in workbook[name].iter_rows(values_only=True)]
    workbook.close()
    return rows


def test_list_7_holds_the_children_on_a_plan_and_the_plans_ended_in_six_months(
    example_census, tmp_path
):
    census_import(path=example_census, by=None)
    out = tmp_path / "annex-a.xlsx"

    counts = annex_a_export(path=out, as_of=AS_OF, by=None)

    rows = _sheet_rows(out, "List 7")
    assert rows[0] == list(LIST_7)
    open_plans = Plan.objects.filter(end_on__isnull=True).count()
    ended = Plan.objects.filter(end_on__gte=dt.date(2023, 9, 30), end_on__lte=AS_OF).count()
    assert counts["List 7"] == len(rows) - 1 == open_plans + ended
    by_child = {row[0]: row for row in rows[1:]}
    assert by_child["CH000004"][6].date() == dt.date(2023, 9, 15)
    assert by_child["CH000004"][7] == "Emotional abuse"
    assert by_child["CH000004"][11].date() == dt.date(2023, 12, 18)  # latest review
    assert by_child["CH000004"][1] == "b) Female"


def test_list_5_holds_the_section_47_enquiries_and_initial_conferences_in_six_months(
    example_census, tmp_path
):
    census_import(path=example_census, by=None)
    out = tmp_path / "annex-a.xlsx"

    counts = annex_a_export(path=out, as_of=AS_OF, by=None)

    rows = _sheet_rows(out, "List 5")
    assert rows[0] == list(LIST_5)
    window = (dt.date(2023, 9, 30), AS_OF)
    expected = {
        (c.child.child_id, c.held_on)
        for c in Conference.objects.filter(kind="initial").select_related("child")
        if window[0] <= c.held_on <= window[1]
        or (c.strategy_discussion_on and window[0] <= c.strategy_discussion_on)
    }
    got = {(row[0], row[8].date()) for row in rows[1:] if row[8]}
    assert got == expected
    assert counts["List 5"] == len(rows) - 1
    edge = next(row for row in rows[1:] if row[0] == "EDGE06")
    assert edge[6].date() == dt.date(2024, 3, 11)
    assert edge[9] == "Yes"  # the conference made a plan


def test_list_7_exported_then_imported_into_an_empty_database_makes_the_same_plans(
    example_census, tmp_path, django_db_blocker
):
    census_import(path=example_census, by=None)
    out = tmp_path / "annex-a.xlsx"
    annex_a_export(path=out, as_of=AS_OF, by=None)
    plans = sorted(
        Plan.objects.filter(end_on__isnull=True).values_list(
            "child__child_id", "start_on", "initial_category"
        )
    )
    Conference.objects.all().delete()
    Plan.objects.all().delete()
    Enquiry.objects.all().delete()
    Child.objects.all().delete()

    result = annex_a_import(path=out, by=None)

    assert result.ok, result.problems
    assert (
        sorted(
            Plan.objects.filter(end_on__isnull=True).values_list(
                "child__child_id", "start_on", "initial_category"
            )
        )
        == plans
    )
    assert PlanCensusDetail.objects.count() == Plan.objects.count()


def test_list_7_headings_are_matched_whatever_their_case_and_spacing(tmp_path):
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "list  7"
    sheet.append(
        [
            "child unique id",
            "  GENDER ",
            "child protection plan start date",
            "INITIAL CATEGORY OF ABUSE",
            "Number of previous child protection plans",
        ]
    )
    sheet.append(["A1", "a) Male", dt.datetime(2024, 1, 8), "Neglect", 2])
    path = tmp_path / "list7.xlsx"
    workbook.save(path)

    result = annex_a_import(path=path, by=None)

    assert result.ok, result.problems
    plan = Plan.objects.get()
    assert (plan.child.child_id, plan.child.sex, plan.start_on, plan.initial_category) == (
        "A1",
        "M",
        dt.date(2024, 1, 8),
        "NEG",
    )
    assert plan.plan_id == "AA-A1-CPP-2024-01-08"
    assert plan.census_detail.previous_plans == 2


def test_the_ofsted_sample_list_7_imports_once_its_impossible_row_is_refused(
    annex_a_sample, tmp_path
):
    # Ofsted's sample has one plan starting 11 months before its child was born: the rule
    # book refuses it (R110, docs/record-rules.md), naming the sheet, row and column
    result = annex_a_import(path=annex_a_sample, by=None)
    assert [str(p) for p in result.problems] == [
        "Annex_A-sample.xlsx [List 7]:8: plan start date: R110 the plan starts more than 10 "
        "months before the child's date of birth (2019-06-25; born 2020-05-29)"
    ]
    assert not Plan.objects.exists()

    workbook = load_workbook(annex_a_sample)
    workbook["List 7"].delete_rows(8)
    mended = tmp_path / "mended.xlsx"
    workbook.save(mended)
    result = annex_a_import(path=mended, by=None)

    assert result.ok, result.problems
    assert result.files["plans"].added == Plan.objects.count() > 0
    assert Conference.objects.filter(kind="review").exists()


def test_a_faulty_list_7_row_is_named_and_nothing_is_written(tmp_path):
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "List 7"
    sheet.append(
        ["Child Unique ID", "Child Protection Plan Start Date", "Latest Category of Abuse"]
    )
    sheet.append(["A1", "2024-01-08", "Neglect"])
    sheet.append(["A2", "not a date", "Bullying"])
    path = tmp_path / "list7.xlsx"
    workbook.save(path)

    result = annex_a_import(path=path, by=None)

    assert not result.ok
    named = {(p.line, p.column) for p in result.problems}
    assert named == {(3, "Child Protection Plan Start Date"), (3, "Latest Category of Abuse")}
    assert all(re.search(r"\[List 7\]", p.filename) for p in result.problems)
    assert not Child.objects.exists()


def test_text_cells_are_neutralised_and_list_7_reads_them_back(tmp_path):
    child = make_child(child_id="-C7", area=make_area("\tNorth"))
    make_plan(child=child, start_on=dt.date(2024, 1, 8))
    make_plan(child=make_child(child_id="C8", area=make_area("\rSouth")), start_on=AS_OF)
    out = tmp_path / "annex-a.xlsx"

    annex_a_export(path=out, as_of=AS_OF, by=None)

    rows = {row[0]: row for row in _sheet_rows(out, "List 7")[1:]}
    assert set(rows) == {"'-C7", "C8"}
    assert rows["'-C7"][LIST_7.index("Allocated Team")] == "'\tNorth"
    assert rows["C8"][LIST_7.index("Allocated Team")] == "'\rSouth"
    Plan.objects.all().delete()
    Enquiry.objects.all().delete()
    Child.objects.all().delete()
    assert annex_a_import(path=out, by=None).ok
    assert set(Child.objects.values_list("child_id", flat=True)) == {"-C7", "C8"}


def _list_7_workbook(path):
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "List 7"
    sheet.append(["Child Unique ID", "Child Protection Plan Start Date"])
    sheet.append(["A1", "2024-01-08"])
    workbook.save(path)
    return path


def _rewritten(source, target, member, prolog, encoding="utf-8"):
    """`source` with `prolog` put before `member`'s root element, written in `encoding`."""
    with zipfile.ZipFile(source) as old, zipfile.ZipFile(target, "w") as new:
        for info in old.infolist():
            data = old.read(info)
            if info.filename == member:
                declaration = f'<?xml version="1.0" encoding="{encoding.upper()}"?>'
                data = (declaration + prolog + data.decode()).encode(encoding)
            new.writestr(info, data)
    return target


_ENTITY_DTD = '<!DOCTYPE worksheet [<!ENTITY x SYSTEM "file:///etc/passwd">]>'
_LAUGHS = '<!DOCTYPE w [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;">]>'


@pytest.mark.parametrize(
    "member,dtd,padding,encoding",
    [
        ("xl/worksheets/sheet1.xml", _ENTITY_DTD, "", "utf-8"),
        ("xl/worksheets/sheet1.xml", _LAUGHS, "<!--" + "x" * 70_000 + "-->", "utf-8"),
        ("xl/workbook.xml", _ENTITY_DTD, "", "utf-16"),
        ("[Content_Types].xml", "<!DOCTYPE Types>", "", "utf-8"),
    ],
    ids=["external-entity-in-a-sheet", "laughs-after-a-long-comment", "utf16-workbook", "bare"],
)
def test_a_workbook_with_a_dtd_is_refused_with_a_sentence(tmp_path, member, dtd, padding, encoding):
    source = _list_7_workbook(tmp_path / "clean.xlsx")
    path = _rewritten(source, tmp_path / "list7.xlsx", member, padding + dtd, encoding)

    with pytest.raises(AnnexAError) as refused:
        annex_a_import(path=path, by=None)

    assert str(refused.value) == (
        f"list7.xlsx: {member} declares a DTD (<!DOCTYPE …>); workbooks from Excel have none, "
        "and such files are refused for safety"
    )
    assert not Child.objects.exists()


def test_a_workbook_holding_a_part_twice_is_refused_naming_it(tmp_path):
    source = _list_7_workbook(tmp_path / "clean.xlsx")
    path = tmp_path / "list7.xlsx"
    with zipfile.ZipFile(source) as old, zipfile.ZipFile(path, "w") as new:
        for info in old.infolist():
            new.writestr(info, old.read(info))
        with pytest.warns(UserWarning, match="Duplicate name"):
            new.writestr("xl/worksheets/sheet1.xml", old.read("xl/worksheets/sheet1.xml"))

    with pytest.raises(AnnexAError, match="list7.xlsx: the workbook holds "
                       "xl/worksheets/sheet1.xml twice"):  # fmt: skip
        annex_a_import(path=path, by=None)


def test_entities_in_a_sheet_that_openpyxl_meets_while_reading_become_a_sentence(
    tmp_path, monkeypatch
):
    """defusedxml (installed, so openpyxl reads sheets through it) refuses the entity should a
    DTD ever pass the check made before opening the workbook."""
    monkeypatch.setattr(annex_a, "xml_member_with_dtd", lambda archive: None)
    source = _list_7_workbook(tmp_path / "clean.xlsx")
    dtd = '<!DOCTYPE worksheet [<!ENTITY x "boom">]>'
    path = _rewritten(source, tmp_path / "list7.xlsx", "xl/worksheets/sheet1.xml", dtd)

    with pytest.raises(AnnexAError) as refused:
        annex_a_import(path=path, by=None)

    assert str(refused.value).startswith("list7.xlsx: a part of the workbook declares a DTD")
    assert not Child.objects.exists()


def test_a_sheet_broken_after_its_first_rows_gives_a_sentence_not_a_trace(tmp_path):
    source = _list_7_workbook(tmp_path / "clean.xlsx")
    path = tmp_path / "list7.xlsx"
    with zipfile.ZipFile(source) as old, zipfile.ZipFile(path, "w") as new:
        for info in old.infolist():
            data = old.read(info)
            if info.filename == "xl/worksheets/sheet1.xml":
                data = data.replace(b"</sheetData>", b"</sheetDat>")
            new.writestr(info, data)

    with pytest.raises(AnnexAError, match=r"^list7.xlsx: the sheet List 7 cannot be read \("):
        annex_a_import(path=path, by=None)


def test_the_command_refuses_a_workbook_with_a_dtd_in_one_line(tmp_path, capsys):
    source = _list_7_workbook(tmp_path / "clean.xlsx")
    path = _rewritten(source, tmp_path / "list7.xlsx", "xl/workbook.xml", _ENTITY_DTD)

    assert cli.main(["annex-a", "import", str(path)]) == 1

    error = capsys.readouterr().err
    assert error == f"safeguard: list7.xlsx: xl/workbook.xml {annex_a._DTD_REFUSED}\n"
    assert not Child.objects.exists()
