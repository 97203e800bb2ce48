"""Exporting a collection year as a census file, and what the report shows after an import."""

from __future__ import annotations

import datetime as dt
from collections import Counter

import pytest
from lxml import etree

from safeguard.census.exporter import census_export
from safeguard.census.importer import census_import
from safeguard.census.reader import CollectionYear
from safeguard.domain.figures import CountBy
from safeguard.domain.periods import Period
from safeguard.reporting.selectors import report_inputs
from tests.census.standards import *  # noqa: F403

pytestmark = pytest.mark.django_db
YEAR = CollectionYear(2023)


def _safe_parse(path):
    parser = etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False)
    return etree.parse(str(path), parser)


def _canonical(path) -> dict:
    """The child protection items of a census file, in a form two files can be compared by."""
    root = _safe_parse(path).getroot()
    children = {}
    for child in root.iter("Child"):
        ids = child.find("ChildIdentifiers")
        episodes = []
        for details in child.iter("CINdetails"):
            episodes.append(
                (
                    *(
                        details.findtext(tag)
                        for tag in (
                            "CINreferralDate",
                            "ReferralSource",
                            "PrimaryNeedCode",
                            "CINclosureDate",
                            "ReasonForClosure",
                            "DateOfInitialCPC",
                            "ReferralNFA",
                        )
                    ),
                    tuple(
                        tuple(
                            s.findtext(t)
                            for t in (
                                "S47ActualStartDate",
                                "InitialCPCtarget",
                                "DateOfInitialCPC",
                                "ICPCnotRequired",
                            )
                        )
                        for s in details.iter("Section47")
                    ),
                    tuple(
                        (
                            *(
                                p.findtext(t)
                                for t in (
                                    "CPPstartDate",
                                    "CPPendDate",
                                    "InitialCategoryOfAbuse",
                                    "LatestCategoryOfAbuse",
                                    "NumberOfPreviousCPP",
                                )
                            ),
                            tuple(r.text for r in p.iter("CPPreviewDate")),
                        )
                        for p in details.iter("ChildProtectionPlans")
                    ),
                )
            )
        children[ids.findtext("LAchildID")] = (
            ids.findtext("PersonBirthDate"),
            ids.findtext("ExpectedPersonBirthDate"),
            ids.findtext("Sex"),
            child.findtext("ChildCharacteristics/Ethnicity"),
            tuple(episodes),
        )
    header = root.find("Header/CollectionDetails")
    return {
        "header": tuple(header.findtext(t) for t in ("Collection", "Year", "ReferenceDate")),
        "children": children,
    }


def test_an_exported_year_validates_against_the_2026_schema(example_census, schema_2026, tmp_path):
    census_import(path=example_census, by=None)
    out = tmp_path / "census.xml"

    result = census_export(path=out, year=YEAR, by=None)

    schema = etree.XMLSchema(_safe_parse(schema_2026))
    assert schema.validate(_safe_parse(out)), schema.error_log
    assert result.children == 35
    assert result.warnings == []


def test_importing_the_example_and_exporting_its_year_gives_an_equivalent_file(
    example_census, tmp_path
):
    census_import(path=example_census, by=None)
    out = tmp_path / "census.xml"

    census_export(path=out, year=YEAR, by=None)

    assert _canonical(out) == _canonical(example_census)


def test_an_export_with_a_local_authority_code_carries_it_in_the_header(example_census, tmp_path):
    census_import(path=example_census, by=None)
    out = tmp_path / "census.xml"

    census_export(path=out, year=YEAR, by=None, lea="999")

    assert _safe_parse(out).getroot().findtext("Header/Source/LEA") == "999"


def test_records_from_the_exchange_format_export_with_their_strategy_discussions(tmp_path):
    from safeguard.census.models import Section47Enquiry
    from tests.factories import make_child, make_plan

    child = make_child(child_id="X1", date_of_birth=dt.date(2015, 1, 1))
    make_plan(
        child=child,
        plan_id="P1",
        start_on=dt.date(2023, 6, 5),
        initial_category="NEG",
        latest_category="NEG",
    )
    from safeguard.conferences.models import Conference, Meeting

    meeting = Meeting.objects.create(reference="M1", held_on=dt.date(2023, 6, 5))
    Conference.objects.create(
        conference_id="C1",
        child=child,
        meeting=meeting,
        kind="initial",
        held_on=dt.date(2023, 6, 5),
        strategy_discussion_on=dt.date(2023, 5, 15),
    )
    out = tmp_path / "census.xml"

    result = census_export(path=out, year=YEAR, by=None)

    root = _safe_parse(out).getroot()
    assert root.findtext(".//Section47/S47ActualStartDate") == "2023-05-15"
    assert root.findtext(".//Section47/DateOfInitialCPC") == "2023-06-05"
    assert root.findtext(".//CINreferralDate") == "2023-05-15"
    assert any("no CIN referral" in w for w in result.warnings)
    assert not Section47Enquiry.objects.exists()


def _file_conferences_per_month(path) -> Counter:
    root = _safe_parse(path).getroot()
    dates = set()
    for child in root.iter("Child"):
        child_id = child.findtext("ChildIdentifiers/LAchildID")
        for element in child.iter("DateOfInitialCPC"):
            dates.add((child_id, "initial", element.text))
        for element in child.iter("CPPreviewDate"):
            dates.add((child_id, "review", element.text))
    return Counter((int(d[:4]), int(d[5:7])) for _, _, d in dates)


def test_the_report_after_the_example_shows_what_the_file_implies(example_census):
    census_import(path=example_census, by=None)
    period = Period(dt.date(2023, 10, 1), dt.date(2024, 3, 31))

    inputs = report_inputs(period=period, count_by=CountBy.CHILD, generated_on=dt.date(2024, 4, 2))

    root = _safe_parse(example_census).getroot()
    open_at_31_march = sum(
        1
        for plan in root.iter("ChildProtectionPlans")
        if plan.findtext("CPPendDate") is None or plan.findtext("CPPendDate") > "2024-03-31"
    )
    assert open_at_31_march == 16
    assert inputs.on_plan_at[dt.date(2024, 3, 31)] == open_at_31_march
    expected = _file_conferences_per_month(example_census)
    months = {
        month: count
        for month, count in inputs.conferences_per_month.items()
        if dt.date(2023, 10, 1) <= dt.date(*month, 1) <= dt.date(2024, 3, 1)
    }
    assert months == {
        month: count
        for month, count in expected.items()
        if dt.date(2023, 10, 1) <= dt.date(*month, 1) <= dt.date(2024, 3, 1)
    }
    assert sum(months.values()) > 0
