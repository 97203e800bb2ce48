"""The census round trip loses nothing (issue 21, item 6): every module of a census file comes
back from `cin-census import` then `export`; section 47s become the records' enquiries and the
disability codes the child's disability (issue 19, item 1). cin-validator's verdict on both files
is compared in tests/census/test_cin_validator_agreement.py."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from lxml import etree

from bench.census_file import write_census_file
from safeguard.cases.models import Child, Enquiry
from safeguard.census.commands import gap_line
from safeguard.census.exporter import census_export
from safeguard.census.importer import census_import
from safeguard.census.models import Assessment, ChildCensusDetail, CinPlanPeriod
from safeguard.census.reader import CollectionYear
from safeguard.conferences.models import Conference, Meeting
from tests.census.census_modules import census_modules
from tests.census.standards import *  # noqa: F403
from tests.factories import make_child, make_plan

pytestmark = pytest.mark.django_db
YEAR = CollectionYear(2023)


def _root(path: Path) -> etree._Element:
    parser = etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False)
    return etree.parse(str(path), parser).getroot()


def _census(path: Path, children: str) -> Path:
    path.write_text(
        "<?xml version='1.0' encoding='UTF-8'?>\n<Message><Header><CollectionDetails>"
        "<Collection>CIN</Collection><Year>2024</Year><ReferenceDate>2024-03-31</ReferenceDate>"
        f"</CollectionDetails></Header><Children>{children}</Children></Message>\n",
        encoding="utf-8",
    )
    return path


def _child(child_id: str, *, disabilities: str = "", section47: str = "") -> str:
    listed = (
        "<Disabilities>"
        + "".join(f"<Disability>{code}</Disability>" for code in disabilities.split())
        + "</Disabilities>"
        if disabilities
        else ""
    )
    return (
        f"<Child><ChildIdentifiers><LAchildID>{child_id}</LAchildID>"
        "<PersonBirthDate>2015-01-01</PersonBirthDate><Sex>F</Sex></ChildIdentifiers>"
        f"<ChildCharacteristics><Ethnicity>WBRI</Ethnicity>{listed}</ChildCharacteristics>"
        "<CINdetails><CINreferralDate>2023-05-01</CINreferralDate>"
        "<ReferralSource>1A</ReferralSource><PrimaryNeedCode>N1</PrimaryNeedCode>"
        "<Assessments><AssessmentActualStartDate>2023-05-02</AssessmentActualStartDate>"
        "</Assessments>"
        f"{section47}<ReferralNFA>0</ReferralNFA></CINdetails></Child>"
    )


def test_importing_the_example_and_exporting_its_year_gives_back_every_module(
    example_census, tmp_path
):
    census_import(path=example_census, by=None)
    out = tmp_path / "census.xml"

    census_export(path=out, year=YEAR, by=None)

    # Assessments and their factors, disabilities, episodes, section 47s, plans and reviews.
    assert census_modules(out) == census_modules(example_census)


def test_the_census_keeps_assessments_cin_plan_dates_upns_and_disabilities(tmp_path):
    path = tmp_path / "census.xml"
    write_census_file(path, children=60, seed=7)
    root = _root(path)

    outcome = census_import(path=path, by=None)

    assert outcome.ok, outcome.problems[:5]
    assert Assessment.objects.count() == len(root.findall(".//Assessments"))
    assert CinPlanPeriod.objects.count() == len(root.findall(".//CINPlanDates"))
    assert ChildCensusDetail.objects.exclude(upn="").count() == len(root.findall(".//UPN"))
    held_codes = sum(
        len(d.split()) for d in ChildCensusDetail.objects.values_list("disabilities", flat=True)
    )
    assert held_codes == len(root.findall(".//Disability"))
    out = tmp_path / "export.xml"
    census_export(path=out, year=YEAR, by=None)
    exported, original = census_modules(out), census_modules(path)
    for child_id, modules in exported.items():
        for (where, fields), count in modules.items():
            if where.startswith(("ChildIdentifiers", "ChildCharacteristics", "CINdetails/Assess")):
                assert original[child_id][(where, fields)] == count, (child_id, where)


def test_reimporting_the_same_file_changes_nothing(example_census):
    census_import(path=example_census, by=None)

    again = census_import(path=example_census, by=None)

    assert again.ok
    assert all(not c.added and not c.changed for c in again.result.files.values()), (
        again.result.files
    )


def test_a_child_with_a_disability_code_other_than_none_is_recorded_as_disabled(tmp_path):
    path = _census(
        tmp_path / "census.xml",
        _child("D1", disabilities="NONE AUT") + _child("D2", disabilities="NONE") + _child("D3"),
    )

    assert census_import(path=path, by=None).ok

    held = dict(Child.objects.values_list("child_id", "disability"))
    assert held == {"D1": True, "D2": False, "D3": None}


def test_a_child_with_no_disability_code_keeps_the_disability_recorded(tmp_path):
    make_child(child_id="D3", disability=True)
    path = _census(tmp_path / "census.xml", _child("D3"))

    assert census_import(path=path, by=None).ok

    assert Child.objects.get(child_id="D3").disability is True


def test_each_section_47_is_recorded_as_an_enquiry_from_its_strategy_discussion(tmp_path):
    conference = (
        "<Section47><S47ActualStartDate>2023-06-01</S47ActualStartDate>"
        "<InitialCPCtarget>2023-06-22</InitialCPCtarget>"
        "<DateOfInitialCPC>2023-06-20</DateOfInitialCPC>"
        "<ICPCnotRequired>0</ICPCnotRequired></Section47>"
    )
    no_conference = (
        "<Section47><S47ActualStartDate>2023-07-03</S47ActualStartDate>"
        "<ICPCnotRequired>1</ICPCnotRequired></Section47>"
    )
    path = _census(
        tmp_path / "census.xml",
        _child("E1", section47=conference) + _child("E2", section47=no_conference),
    )

    assert census_import(path=path, by=None).ok

    enquiries = {
        (e.enquiry_id, e.child.child_id, e.strategy_discussion_on, e.outcome)
        for e in Enquiry.objects.select_related("child")
    }
    assert enquiries == {
        ("CIN-E1-S47-2023-06-01", "E1", dt.date(2023, 6, 1), "conference"),
        ("CIN-E2-S47-2023-07-03", "E2", dt.date(2023, 7, 3), "no_further_action"),
    }


def test_an_enquiry_already_recorded_keeps_its_id_when_the_census_names_it(tmp_path):
    child = make_child(child_id="E1")
    Enquiry.objects.create(
        enquiry_id="ENQ-7", child=child, strategy_discussion_on=dt.date(2023, 7, 3)
    )
    section47 = (
        "<Section47><S47ActualStartDate>2023-07-03</S47ActualStartDate>"
        "<ICPCnotRequired>1</ICPCnotRequired></Section47>"
    )
    path = _census(tmp_path / "census.xml", _child("E1", section47=section47))

    assert census_import(path=path, by=None).ok

    assert list(Enquiry.objects.values_list("enquiry_id", "outcome")) == [
        ("ENQ-7", "no_further_action")
    ]


def test_an_enquiry_id_held_by_another_enquiry_refuses_the_file_and_writes_nothing(tmp_path):
    other = make_child(child_id="OTHER")
    Enquiry.objects.create(
        enquiry_id="CIN-E1-S47-2023-07-03", child=other, strategy_discussion_on=dt.date(2023, 1, 2)
    )
    section47 = (
        "<Section47><S47ActualStartDate>2023-07-03</S47ActualStartDate>"
        "<ICPCnotRequired>1</ICPCnotRequired></Section47>"
    )
    path = _census(tmp_path / "census.xml", _child("E1", section47=section47))

    outcome = census_import(path=path, by=None)

    assert not outcome.ok
    (problem,) = outcome.problems
    assert (problem.column, problem.line > 0) == ("S47ActualStartDate", True)
    assert "CIN-E1-S47-2023-07-03" in problem.reason
    assert not Child.objects.filter(child_id="E1").exists()


def _held_initial(child: Child, held_on: dt.date, **fields) -> Conference:
    meeting = Meeting.objects.create(reference=f"M-{child.child_id}-{held_on}", held_on=held_on)
    return Conference.objects.create(
        conference_id=f"C-{child.child_id}-{held_on}",
        child=child,
        meeting=meeting,
        kind="initial",
        held_on=held_on,
        **fields,
    )


def test_an_enquiry_recorded_in_safeguard_is_exported_as_a_section_47(tmp_path):
    child = make_child(child_id="X1", disability=True)
    Enquiry.objects.create(
        enquiry_id="ENQ-1", child=child, strategy_discussion_on=dt.date(2023, 5, 15),
        outcome="conference",
    )  # fmt: skip
    _held_initial(child, dt.date(2023, 6, 5))
    no_action = make_child(child_id="X2", disability=False)
    Enquiry.objects.create(
        enquiry_id="ENQ-2", child=no_action, strategy_discussion_on=dt.date(2023, 8, 1),
        outcome="no_further_action",
    )  # fmt: skip
    out = tmp_path / "census.xml"

    census_export(path=out, year=YEAR, by=None)

    children = {c.findtext("ChildIdentifiers/LAchildID"): c for c in _root(out).iter("Child")}
    first = children["X1"].find("CINdetails/Section47")
    assert [first.findtext(t) for t in ("S47ActualStartDate", "DateOfInitialCPC")] == [
        "2023-05-15",
        "2023-06-05",
    ]
    assert first.findtext("ICPCnotRequired") == "0"
    assert children["X2"].findtext("CINdetails/Section47/ICPCnotRequired") == "1"
    # A disability recorded as yes or no without the census's codes: Other (DDA), or NONE.
    assert children["X1"].findtext("ChildCharacteristics/Disabilities/Disability") == "DDA"
    assert children["X2"].findtext("ChildCharacteristics/Disabilities/Disability") == "NONE"


def test_booked_and_cancelled_conferences_are_not_in_the_return(tmp_path):
    child = make_child(child_id="B1")
    make_plan(child=child, start_on=dt.date(2023, 6, 5), initial_category="NEG",
              latest_category="NEG")  # fmt: skip
    _held_initial(child, dt.date(2023, 6, 5))
    for held_on, status in ((dt.date(2023, 9, 4), "booked"), (dt.date(2023, 9, 11), "cancelled")):
        meeting = Meeting.objects.create(reference=f"R-{held_on}", held_on=held_on)
        Conference.objects.create(
            conference_id=f"R-{held_on}", child=child, meeting=meeting, kind="review",
            held_on=held_on, status=status,
        )  # fmt: skip
    out = tmp_path / "census.xml"

    census_export(path=out, year=YEAR, by=None)

    assert _root(out).findall(".//CPPreviewDate") == []


def test_an_export_names_the_children_whose_referral_lacks_a_primary_need(tmp_path):
    child = make_child(child_id="N1")
    make_plan(child=child, start_on=dt.date(2023, 6, 5), initial_category="NEG",
              latest_category="NEG")  # fmt: skip
    _held_initial(child, dt.date(2023, 6, 5))

    result = census_export(path=tmp_path / "census.xml", year=YEAR, by=None)

    (gap,) = [g for g in result.gaps if g.rule == "8610"]
    assert gap.child_ids == ("N1",)
    assert gap_line(gap) == (
        "DfE rule 8610 will refuse the return for 1 child (Primary Need code is missing for a "
        "referral which led to further action.): N1"
    )


def test_the_export_command_names_what_the_return_lacks_before_saying_it_wrote(tmp_path, capsys):
    from safeguard.cli import main

    child = make_child(child_id="N1")
    make_plan(child=child, start_on=dt.date(2023, 6, 5), initial_category="NEG",
              latest_category="NEG")  # fmt: skip
    _held_initial(child, dt.date(2023, 6, 5))
    out = tmp_path / "census.xml"

    status = main(["cin-census", "export", "--year", "2023/24", str(out)])

    captured = capsys.readouterr()
    assert status == 0 and out.exists()
    assert "warning: DfE rule 8610 will refuse the return for 1 child" in captured.err
    assert captured.err.rstrip().endswith("): N1") or "): N1\n" in captured.err
    assert captured.out.startswith(f"Wrote {out}")


def test_what_the_return_lacks_is_said_before_the_file_takes_its_place(tmp_path):
    child = make_child(child_id="N1")
    make_plan(child=child, start_on=dt.date(2023, 6, 5), initial_category="NEG",
              latest_category="NEG")  # fmt: skip
    _held_initial(child, dt.date(2023, 6, 5))
    out = tmp_path / "census.xml"
    said = []

    census_export(
        path=out,
        year=YEAR,
        by=None,
        gaps_found=lambda gaps: said.append(([g.rule for g in gaps], out.exists())),
    )

    assert said == [(["8610"], False)]
    assert out.exists()
