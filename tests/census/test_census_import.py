"""Importing DfE CIN census files: the example imports, the faulty sample is refused whole."""

from __future__ import annotations

import datetime as dt
import re
from collections import Counter
from pathlib import Path
from xml.etree import ElementTree as StdlibXml

import pytest

from safeguard.cases.models import Child, Plan
from safeguard.census.importer import census_import
from safeguard.census.models import CinEpisode, PlanCensusDetail, Section47Enquiry
from safeguard.census.reader import CollectionYear, census_read
from safeguard.conferences.models import Conference
from tests.census.standards import *  # noqa: F403

pytestmark = pytest.mark.django_db


def _file_figures(path: Path) -> dict:
    """What the census file says, counted straight from it with the standard library."""
    root = StdlibXml.parse(path).getroot()  # noqa: S314 - the DfE example, a trusted fixture
    initials, reviews, plans = set(), set(), []
    for child in root.iter("Child"):
        child_id = child.findtext("ChildIdentifiers/LAchildID")
        for details in child.iter("CINdetails"):
            if details.findtext("DateOfInitialCPC"):
                initials.add((child_id, details.findtext("DateOfInitialCPC")))
            for s47 in details.iter("Section47"):
                if s47.findtext("DateOfInitialCPC"):
                    initials.add((child_id, s47.findtext("DateOfInitialCPC")))
            for plan in details.iter("ChildProtectionPlans"):
                plans.append((child_id, plan.findtext("CPPstartDate"), plan.findtext("CPPendDate")))
                reviews.update((child_id, r.text) for r in plan.iter("CPPreviewDate"))
    return {
        "children": len(root.findall("Children/Child")),
        "initials": initials,
        "reviews": reviews,
        "plans": plans,
        "section47": len(root.findall(".//Section47")),
    }


def test_the_example_file_imports_every_child_protection_item_it_holds(example_census):
    outcome = census_import(path=example_census, by=None)

    assert outcome.ok, outcome.problems
    figures = _file_figures(example_census)
    assert Child.objects.count() == figures["children"] == 35
    assert Plan.objects.count() == len(figures["plans"])
    assert Conference.objects.filter(kind="initial").count() == len(figures["initials"])
    assert Conference.objects.filter(kind="review").count() == len(figures["reviews"])
    assert Section47Enquiry.objects.count() == figures["section47"]
    assert CinEpisode.objects.count() == 35
    assert PlanCensusDetail.objects.filter(previous_plans=0).count() == 35


def test_a_section_47_conference_takes_the_enquiry_start_as_its_strategy_discussion(
    example_census,
):
    census_import(path=example_census, by=None)

    conference = Conference.objects.get(child__child_id="CH000004", kind="initial")
    assert conference.held_on == dt.date(2023, 9, 15)
    assert conference.strategy_discussion_on == dt.date(2023, 8, 24)
    assert conference.outcome == "plan"
    assert conference.conference_id == "CIN-CH000004-ICPC-2023-09-15"


def test_an_initial_conference_recorded_on_the_episode_has_no_strategy_discussion(
    example_census,
):
    census_import(path=example_census, by=None)

    conference = Conference.objects.get(child__child_id="CH000053", kind="initial")
    assert conference.held_on == dt.date(2023, 12, 12)
    assert conference.strategy_discussion_on is None
    assert not Section47Enquiry.objects.filter(child__child_id="CH000053").exists()


def test_importing_the_same_file_again_changes_nothing(example_census):
    census_import(path=example_census, by=None)
    ids_before = sorted(Conference.objects.values_list("pk", "conference_id", "version"))

    again = census_import(path=example_census, by=None)

    assert again.ok
    assert all(c.added == c.changed == 0 for c in again.result.files.values())
    assert sorted(Conference.objects.values_list("pk", "conference_id", "version")) == ids_before


def test_what_the_census_does_not_carry_is_kept_on_records_already_held(example_census):
    census_import(path=example_census, by=None)
    Child.objects.filter(child_id="CH000004").update(given_name="Ada", family_name="Lovelace")

    census_import(path=example_census, by=None)

    child = Child.objects.get(child_id="CH000004")
    assert (child.given_name, child.family_name) == ("Ada", "Lovelace")


def test_a_plan_already_held_under_another_id_is_matched_by_child_and_start(example_census):
    from tests.factories import make_child, make_plan

    child = make_child(child_id="CH000004")
    make_plan(child=child, plan_id="P-LOCAL-1", start_on=dt.date(2023, 9, 15))

    outcome = census_import(path=example_census, by=None)

    assert outcome.ok, outcome.problems
    assert list(Plan.objects.filter(child=child).values_list("plan_id", flat=True)) == ["P-LOCAL-1"]


def test_the_faulty_sample_is_refused_with_each_of_its_faults_named(faulty_census):
    outcome = census_import(path=faulty_census, by=None)

    assert not outcome.ok
    shown = [str(p) for p in outcome.problems]
    named = {(p.line, p.column) for p in outcome.problems}
    assert (19, "ChildIdentifiers") in named  # text inside ChildIdentifiers
    assert (25, "Sex") in named  # Sex given as 1
    assert (46, "AssessmentFactors") in named  # unknown assessment factor RB
    assert (58, "ICPCnotRequired") in named  # yes/no given as false
    assert any("'PersonBirthDate'" in s for s in shown if ":19:" in s)
    assert any("'1'" in s for s in shown if ":25:" in s)
    assert any("'RB'" in s for s in shown if ":46:" in s)
    assert any("'false'" in s for s in shown if ":58:" in s)


def test_a_blank_child_id_is_named_with_its_line(example_census, tmp_path):
    blank = tmp_path / "blank-id.xml"
    blank.write_text(
        example_census.read_text().replace(
            "<LAchildID>CH000004</LAchildID>", "<LAchildID>  </LAchildID>", 1
        )
    )

    outcome = census_import(path=blank, by=None)

    assert not outcome.ok
    assert [(p.line, p.column) for p in outcome.problems] == [(18, "LAchildID")]
    assert Child.objects.count() == 0


@pytest.mark.parametrize("written", ["20230-06-01", "-0001-06-01"])
def test_a_date_the_schema_allows_but_no_record_can_hold_is_named_with_its_line(
    example_census, tmp_path, written
):
    """xs:date allows five-digit and negative years; the import names them, not a crash."""
    text = example_census.read_text()
    first = re.search(r"<CINreferralDate>([^<]+)</CINreferralDate>", text)
    line = text[: first.start()].count("\n") + 1
    odd = tmp_path / "odd-date.xml"
    odd.write_text(text[: first.start(1)] + written + text[first.end(1) :])

    outcome = census_import(path=odd, by=None)

    assert not outcome.ok
    assert [(p.line, p.column) for p in outcome.problems] == [(line, "CINreferralDate")]
    assert written in outcome.problems[0].reason
    assert Child.objects.count() == 0


def test_stray_text_after_each_child_of_a_long_file_is_named_whole(tmp_path):
    # Long enough to be parsed in many chunks: a child's tail text may be read after the child.
    from bench.census_file import write_census_file

    path = tmp_path / "stray.xml"
    write_census_file(path, children=3000, seed=3)
    path.write_text(path.read_text().replace("</Child>\n", "</Child>\n    stray words\n"))

    census = census_read(path)

    assert census.children == 3000
    assert [p.reason for p in census.problems] == ["stray text 'stray words'"] * 3000
    assert {p.column for p in census.problems} == {"Children"}


def test_a_refused_file_leaves_the_database_as_it_was(example_census, faulty_census):
    census_import(path=example_census, by=None)
    before = (
        list(Child.objects.values_list("child_id", "version").order_by("child_id")),
        Plan.objects.count(),
        Conference.objects.count(),
        Section47Enquiry.objects.count(),
    )

    outcome = census_import(path=faulty_census, by=None)

    assert not outcome.ok
    after = (
        list(Child.objects.values_list("child_id", "version").order_by("child_id")),
        Plan.objects.count(),
        Conference.objects.count(),
        Section47Enquiry.objects.count(),
    )
    assert after == before


def test_a_dry_run_counts_and_writes_nothing(example_census):
    outcome = census_import(path=example_census, by=None, dry_run=True)

    assert outcome.ok
    assert outcome.result.files["children"].added == 35
    assert Child.objects.count() == 0
    assert Section47Enquiry.objects.count() == 0


def test_a_file_declaring_entities_is_refused_before_any_is_expanded(tmp_path):
    bomb = tmp_path / "bomb.xml"
    bomb.write_text(
        '<?xml version="1.0"?>\n<!DOCTYPE Message [\n <!ENTITY a "aaaaaaaaaa">\n'
        ' <!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">\n <!ENTITY c "&b;&b;&b;&b;&b;&b;&b;&b;">\n'
        "]>\n<Message><Children><Child><ChildIdentifiers><LAchildID>&c;</LAchildID>"
        "</ChildIdentifiers></Child></Children></Message>\n"
    )

    census = census_read(bomb)

    assert census.problems
    assert "DOCTYPE" in census.problems[0].reason
    assert census.children == 0


def test_a_file_that_is_not_well_formed_is_refused_with_its_line(tmp_path):
    broken = tmp_path / "broken.xml"
    broken.write_text("<Message>\n<Children>\n<Child>\n</Children>\n</Message>\n")

    census = census_read(broken)

    assert len(census.problems) == 1
    assert census.problems[0].line in (4, 5)
    assert "well-formed" in census.problems[0].reason


def _as_2024_schema(text: str) -> str:
    """The example rewritten as a 2024-schema file: GenderCurrent, yes/no as true/false."""
    sexes = {"M": "1", "F": "2", "U": "9"}
    text = re.sub(
        r"<Sex>([MFU])</Sex>", lambda m: f"<GenderCurrent>{sexes[m[1]]}</GenderCurrent>", text
    )
    text = re.sub(
        r"<ICPCnotRequired>0</ICPCnotRequired>", "<ICPCnotRequired>false</ICPCnotRequired>", text
    )
    return re.sub(r"<ReferralNFA>0</ReferralNFA>", "<ReferralNFA>false</ReferralNFA>", text)


def test_a_file_for_the_2024_schema_is_accepted_with_no_previous_plans_as_zero(
    example_census, tmp_path
):
    older = tmp_path / "census-2024.xml"
    older.write_text(_as_2024_schema(example_census.read_text()))

    outcome = census_import(path=older, by=None)

    assert outcome.ok, outcome.problems[:5]
    assert outcome.census.version.name == "CIN_2024"
    assert Counter(Child.objects.values_list("sex", flat=True)) == Counter(
        re.findall(r"<Sex>([MFU])</Sex>", example_census.read_text())
    )
    assert PlanCensusDetail.objects.filter(previous_plans=0).count() == 35


def test_a_child_twice_in_a_file_is_named_with_both_lines(example_census, tmp_path):
    text = example_census.read_text().replace(
        "<LAchildID>CH000005</LAchildID>", "<LAchildID>CH000004</LAchildID>"
    )
    doubled = tmp_path / "doubled.xml"
    doubled.write_text(text)

    census = census_read(doubled)

    assert [p.column for p in census.problems] == ["LAchildID"]
    assert "appears twice" in census.problems[0].reason


@pytest.mark.parametrize(
    ("text", "start_on", "end_on"),
    [("2023/24", dt.date(2023, 4, 1), dt.date(2024, 3, 31)), ("2023-2024", None, None)],
)
def test_a_collection_year_runs_from_1_april_to_31_march(text, start_on, end_on):
    year = CollectionYear.parse(text)
    assert year.start_on == dt.date(2023, 4, 1)
    assert year.end_on == dt.date(2024, 3, 31)
    assert year.name == "2023/24"


def test_a_collection_year_must_be_two_consecutive_years():
    with pytest.raises(ValueError, match="collection year"):
        CollectionYear.parse("2023/25")


def test_an_impossible_record_in_a_census_file_is_refused_by_the_rule_book(
    example_census, tmp_path
):
    text = example_census.read_text()
    first = re.search(r"<PersonBirthDate>([^<]+)</PersonBirthDate>", text)
    future = tmp_path / "born-tomorrow.xml"
    tomorrow = (dt.date.today() + dt.timedelta(days=400)).isoformat()
    future.write_text(text[: first.start(1)] + tomorrow + text[first.end(1) :])

    outcome = census_import(path=future, by=None)

    assert not outcome.ok
    refused = [p for p in outcome.problems if "R104" in p.reason]
    assert len(refused) == 1
    assert refused[0].filename == future.name and refused[0].line > 0
    assert refused[0].column == "date of birth"
    assert Child.objects.count() == 0
