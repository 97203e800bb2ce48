"""The report's figures counted from records in the database, as report-figures.md defines them.

Each test builds a small authority by hand (through the exchange-format import, as an authority's
data arrives) and asserts the figures of the JSON contract."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import transaction

from safeguard.domain.figures import CountBy
from safeguard.domain.periods import Period
from safeguard.domain.report_json import report_to_json
from safeguard.exchange.importer import bundle_import
from safeguard.reporting.selectors import report_build
from tests.bundles import child, conference, plan, write_bundle

pytestmark = pytest.mark.django_db

HALF_YEAR = Period(dt.date(2022, 4, 1), dt.date(2022, 9, 30))


def figures(count_by: CountBy = CountBy.CHILD, include_informal: bool = False, period=HALF_YEAR):
    report = report_build(
        period=period,
        count_by=count_by,
        include_informal=include_informal,
        generated_on=dt.date(2022, 10, 3),
    )
    return report_to_json(report)


def load(tmp_path, **files):
    result = bundle_import(path=write_bundle(tmp_path, **files), by=None)
    assert result.ok, [str(p) for p in result.problems]


def test_a_child_is_on_a_plan_at_the_end_of_a_day_before_the_plan_ends(tmp_path):
    load(
        tmp_path,
        children=[child("A"), child("B"), child("C"), child("D")],
        cp_plans=[
            plan("P1", "A", "2022-09-30"),  # starts on the day: counted
            plan("P2", "B", "2022-01-01", "2022-09-30"),  # ends on the day: not counted
            plan("P3", "C", "2021-09-01", "2022-10-01"),  # ends the day after: counted
            plan("P4", "D", "2020-09-30", "2021-10-01"),  # on a plan a year earlier only
        ],
    )

    population = figures()["cp_population"]

    assert population["at_period_end"] == 2
    assert population["year_earlier"] == 2  # C and D on 30 September 2021
    series = population["month_end_series"]
    assert len(series) == 36
    assert series[0] == {"date": "2019-10-31", "count": 0}
    assert series[-1] == {"date": "2022-09-30", "count": 2}


def test_unborn_initial_conferences_count_children_without_a_birth_date_or_not_yet_born(
    tmp_path,
):
    load(
        tmp_path,
        children=[
            child("U1", date_of_birth=""),
            child("U2", date_of_birth="2022-03-01"),
            child("U3", date_of_birth="2022-03-01"),
            child("B1", date_of_birth="2010-01-01"),
            child("U4", date_of_birth=""),
        ],
        conferences=[
            conference("K1", "U1", "initial", "2022-09-30", meeting_id="M1"),
            conference("K2", "U2", "initial", "2022-02-10", meeting_id="M2"),  # before birth
            conference("K3", "U3", "initial", "2022-03-01", meeting_id="M3"),  # on the birthday
            conference("K4", "B1", "initial", "2022-02-10", meeting_id="M2"),
            conference("K5", "U4", "initial", "2021-09-30", meeting_id="M5"),  # previous year
        ],
    )

    by_child = figures()["unborn_initial_conferences"]
    by_meeting = figures(CountBy.MEETING)["unborn_initial_conferences"]

    assert (by_child["year_to_period_end"], by_child["previous_year"]) == (2, 1)
    assert (by_meeting["year_to_period_end"], by_meeting["previous_year"]) == (2, 1)


def test_conferences_are_counted_per_child_or_per_meeting_by_month(tmp_path):
    load(
        tmp_path,
        children=[child("A"), child("B"), child("C")],
        conferences=[
            conference("K1", "A", "initial", "2015-01-05", meeting_id="M1"),
            conference("K2", "B", "initial", "2015-01-05", meeting_id="M1"),
            conference("K3", "C", "initial", "2015-01-20"),
            conference("K4", "A", "review", "2022-09-01", meeting_id="M4"),
            conference("K5", "A", "review", "2022-10-01", meeting_id="M5"),  # after the period
        ],
    )

    by_child = figures()
    by_meeting = figures(CountBy.MEETING)

    assert list(by_child["conferences_by_month"]) == [str(y) for y in range(2015, 2023)]
    assert by_child["conferences_by_month"]["2015"][:2] == [3, 0]
    assert by_meeting["conferences_by_month"]["2015"][:2] == [2, 0]
    assert by_meeting["conferences_by_month"]["2022"][8:] == [1, None, None, None]
    assert by_meeting["conferences_cumulative"]["2015"][-1] == 2
    assert by_child["count_by"] == "child" and by_meeting["count_by"] == "meeting"


def test_timeliness_by_meeting_is_out_when_any_row_is_out(tmp_path):
    load(
        tmp_path,
        children=[child("A"), child("B"), child("C")],
        cp_plans=[plan("P1", "A", "2022-01-10"), plan("P2", "B", "2022-01-10")],
        conferences=[
            conference(
                "I1",
                "A",
                "initial",
                "2022-01-10",
                meeting_id="M1",
                strategy_discussion_date="2021-12-20",
            ),
            conference(
                "I2",
                "B",
                "initial",
                "2022-01-10",
                meeting_id="M1",
                strategy_discussion_date="2021-12-20",
            ),
            # both reviews on their due date; C's initial has no strategy discussion date
            conference("R1", "A", "review", "2022-04-10", meeting_id="M2"),
            conference("R2", "B", "review", "2022-04-10", meeting_id="M2"),
            conference("I3", "C", "initial", "2022-05-02", meeting_id="M3"),
            # held a day late
            conference("R3", "A", "review", "2022-10-11", meeting_id="M4"),
        ],
    )
    period = Period(dt.date(2022, 4, 1), dt.date(2022, 10, 31))

    by_child = figures(period=period)["timeliness"]["period"]
    by_meeting = figures(CountBy.MEETING, period=period)["timeliness"]

    assert by_child == {
        "held": 4,
        "within_timescale": 2,
        "out_of_timescale": 1,
        "not_determinable": 1,
        "compliance_percent": 50.0,
    }
    assert by_meeting["period"]["held"] == 3
    assert by_meeting["period_by_type"]["review"]["held"] == 2
    assert by_meeting["period_by_type"]["review"]["out_of_timescale"] == 1
    assert by_meeting["period_by_type"]["initial"]["not_determinable"] == 1
    assert by_meeting["last_complete_year"]["start"] == "2021-04-01"
    assert by_meeting["last_complete_year"]["held"] == 1  # M1, January 2022
    appendix = figures(period=period)["late_conferences"]
    assert [(c["conference_id"], c["due"], c["held"], c["days_late"]) for c in appendix] == [
        ("R3", "2022-10-10", "2022-10-11", 1)
    ]


def test_escalations_count_formal_ones_unless_informal_are_included(tmp_path):
    def escalation(eid, raised, org, reason="no_report_no_apologies", formal=""):
        return {
            "escalation_id": eid,
            "date_raised": raised,
            "organisation_type": org,
            "reason": reason,
            "formal": formal,
        }

    load(
        tmp_path,
        children=[child("A")],
        escalations=[
            escalation("E1", "2022-04-01", "GP's"),
            escalation("E2", "2022-05-01", "GP's", formal="yes"),
            escalation("E3", "2022-06-01", "Health Visitor", reason="late_report"),
            escalation("E4", "2022-06-02", "health visitor", formal="no"),
            escalation("E5", "2018-04-30", "PPU"),
            escalation("E6", "2018-03-31", "PPU"),  # before the five financial years
        ],
    )

    formal = figures()
    everything = figures(include_informal=True)

    assert formal["escalations_by_organisation"] == [
        {"organisation": "GP's", "count": 2},
        {"organisation": "Health Visitor", "count": 1},
    ]
    assert formal["escalations_total"] == 3
    assert formal["escalations_by_reason"]["no_report_no_apologies"] == 2
    assert formal["escalations_by_reason"]["other"] == 0
    assert list(formal["escalations_by_month"]) == [
        "2018/19",
        "2019/20",
        "2020/21",
        "2021/22",
        "2022/23",
    ]
    assert formal["escalations_by_month"]["2018/19"]["total"] == 1
    assert formal["escalations_by_month"]["2022/23"]["months"]["Oct"] is None
    assert everything["escalations_total"] == 4
    # code-point order puts the capitalised name first
    assert [o["organisation"] for o in everything["escalations_by_organisation"]] == [
        "GP's",
        "Health Visitor",
        "health visitor",
    ]


def test_participation_counts_born_children_and_agency_contributions_count_invitations(
    tmp_path,
):
    load(
        tmp_path,
        children=[child("A"), child("U", date_of_birth="")],
        conferences=[
            conference(
                "K1",
                "A",
                "initial",
                "2022-05-03",
                meeting_id="M1",
                child_attended="yes",
                advocate_involved="no",
                views_shared_via="in_person",
                participation_code="PN1",
                preparation_session="y",
            ),
            conference("K2", "U", "initial", "2022-05-03", meeting_id="M1"),
        ],
        invitations=[
            {
                "meeting_id": "M1",
                "organisation_type": "GP's",
                "organisation_name": "High St",
                "report_received": "no",
                "attended": "no",
                "apologies": "no",
            },
            {
                "meeting_id": "M1",
                "organisation_type": "GP's",
                "organisation_name": "Low St",
                "report_received": "late",
                "attended": "",
                "apologies": "yes",
            },
            {
                "meeting_id": "M1",
                "organisation_type": "PPU",
                "report_received": "yes",
                "attended": "yes",
            },
            {"meeting_id": "M1", "organisation_type": "Probation"},
        ],
    )

    report = figures()

    assert report["participation"]["conferences"] == 1
    assert report["participation"]["child_attended"] == 1
    assert report["participation"]["preparation_session"] == 1
    assert report["participation"]["views_shared_via"]["in_person"] == 1
    assert report["participation"]["participation_code"]["PN1"] == 1
    assert report["agency_contributions"] == [
        {
            "organisation": "GP's",
            "invited": 2,
            "report_received": 0,
            "report_late": 1,
            "attended": 0,
            "apologies": 1,
            "no_report_no_apologies": 1,
        },
        {
            "organisation": "PPU",
            "invited": 1,
            "report_received": 1,
            "report_late": 0,
            "attended": 1,
            "apologies": 0,
            "no_report_no_apologies": 0,
        },
        {
            "organisation": "Probation",
            "invited": 1,
            "report_received": 0,
            "report_late": 0,
            "attended": 0,
            "apologies": 0,
            "no_report_no_apologies": 1,
        },
    ]


def test_checks_alerts_and_the_national_measures_of_plans(tmp_path):
    load(
        tmp_path,
        children=[child("A"), child("B"), child("C")],
        cp_plans=[
            plan("P1", "A", "2019-01-01", "2020-01-01"),
            plan("P2", "A", "2022-05-01", latest_category="NEG"),  # second plan
            plan("P3", "B", "2020-06-01", "2022-06-01"),  # 730 days: two years or more
            plan("P4", "C", "2021-06-01", "2022-09-30", latest_category="PHY"),
        ],
        monitoring_checks=[
            {
                "check_id": "X1",
                "plan_id": "P2",
                "kind": "midway",
                "date_completed": "2022-06-15",
                "outcome": "concerns",
                "alerted": "social_worker;team_manager",
            },
            {
                "check_id": "X2",
                "plan_id": "P2",
                "kind": "pre_review",
                "date_completed": "2022-07-15",
                "outcome": "on_track",
            },
            {
                "check_id": "X3",
                "plan_id": "P4",
                "kind": "midway",
                "date_completed": "2022-03-15",
                "outcome": "concerns",
                "alerted": "social_worker",
            },
        ],
    )

    report = figures()

    assert report["monitoring_checks"] == {
        "midway": {"completed": 1, "concerns": 1},
        "pre_review": {"completed": 1, "concerns": 0},
        "alerts": {"social_worker": 1, "practice_supervisor": 0, "team_manager": 1},
    }
    plans = report["plans"]
    assert (plans["started"], plans["second_or_subsequent"]) == (1, 1)
    assert (plans["ended"], plans["ended_after_2_years_or_more"]) == (2, 1)
    assert plans["open_by_category"]["NEG"] == 1
    assert plans["open_by_category"]["PHY"] == 0  # P4 ends on the period end


def test_data_quality_names_undeterminable_conferences_and_plans_without_a_conference(tmp_path):
    load(
        tmp_path,
        children=[child("A"), child("B")],
        cp_plans=[plan("P1", "A", "2022-05-01")],
        conferences=[conference("K1", "B", "review", "2022-05-02")],
    )

    codes = {item["code"]: item["count"] for item in figures()["data_quality"]}

    assert codes["timeliness_plan"] == 1
    assert codes["plan_without_starting_conference"] == 1


def test_data_quality_lists_the_rule_books_unusual_records_with_ids_for_the_internal_report(
    tmp_path,
):
    from safeguard.domain.figures import Audience, for_audience
    from safeguard.reporting.renderers.document import build_document

    load(
        tmp_path,
        children=[child("ADULT", date_of_birth="2004-05-01"), child("B")],
        cp_plans=[plan("P1", "B", "2022-01-10")],
        conferences=[
            conference(
                "K1", "ADULT", "initial", "2022-06-01", strategy_discussion_date="2022-05-25"
            ),  # R206: 18 at the conference
            conference("K2", "B", "initial", "2022-06-02", strategy_discussion_date="2022-05-25"),
        ],  # K2, R202: an initial conference while P1 is open
    )
    report = report_build(
        period=HALF_YEAR,
        count_by=CountBy.CHILD,
        include_informal=False,
        generated_on=dt.date(2022, 10, 3),
    )

    rule_items = {item.code: item for item in report.data_quality if item.code.startswith("R")}
    assert {code: item.record_ids for code, item in rule_items.items()} == {
        "R202": ("K2",),
        "R206": ("K1",),
    }
    internal = str(build_document(for_audience(report, Audience.INTERNAL)))
    members = for_audience(report, Audience.MEMBERS)
    assert all(item.record_ids == () for item in members.data_quality)
    assert [i.count for i in members.data_quality if i.code.startswith("R")] == [1, 1]
    assert "K2" in internal
    assert "K2" not in str(build_document(members))


@pytest.mark.django_db(transaction=True)
def test_the_figures_counted_side_by_side_are_those_counted_one_after_another(tmp_path):
    # Outside a transaction on PostgreSQL the aggregates are counted in a second connection while
    # the rule book's checks run (selectors._alongside); inside one, in this connection alone.
    load(
        tmp_path,
        children=[child("A"), child("B"), child("C")],
        cp_plans=[plan("P1", "A", "2022-01-10"), plan("P2", "B", "2022-05-02", "2022-08-01")],
        conferences=[
            conference("I1", "A", "initial", "2022-01-10", meeting_id="M1"),
            conference("I2", "B", "initial", "2022-05-02", meeting_id="M2"),
            conference("R1", "A", "review", "2022-04-10", meeting_id="M3"),
            conference("I3", "C", "initial", "2022-06-01"),
        ],
    )

    for count_by in CountBy:
        side_by_side = figures(count_by)
        with transaction.atomic():
            one_after_another = figures(count_by)
        assert side_by_side == one_after_another
        assert side_by_side["timeliness"]["period"]["held"] == 3
