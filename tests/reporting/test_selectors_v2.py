"""The version 2 figures counted from records in the database (report-figures.md, "Version 2
additions"): the selectors hand the domain the right records, and only held conferences count
(a booked initial conference still stops an enquiry waiting)."""

from __future__ import annotations

import datetime as dt

import pytest

from safeguard.cases.models import Enquiry, Population
from safeguard.conferences.models import Chair, Conference, Meeting
from safeguard.domain.periods import Period
from safeguard.domain.report_json import report_to_json
from safeguard.reporting.selectors import report_build
from tests.factories import make_child, make_escalation, make_organisation_type, make_plan

pytestmark = pytest.mark.django_db

HALF_YEAR = Period(dt.date(2022, 4, 1), dt.date(2022, 9, 30))


def figures(include_informal: bool = False) -> dict:
    return report_to_json(
        report_build(
            period=HALF_YEAR, include_informal=include_informal, generated_on=dt.date(2022, 10, 3)
        )
    )


def conference(child, conference_id, kind, held_on, *, status="held", outcome="", chair=None,
               meeting=None):  # fmt: skip
    meeting = meeting or Meeting.objects.create(
        reference=conference_id, has_meeting_id=False, held_on=held_on
    )
    return Conference.objects.create(
        conference_id=conference_id,
        child=child,
        meeting=meeting,
        kind=kind,
        held_on=held_on,
        status=status,
        outcome=outcome,
        chair=chair,
    )


def test_the_profile_the_change_and_the_rates_come_from_the_plans_and_children():
    a = make_child(child_id="A", date_of_birth=dt.date(2021, 9, 30), sex="M", ethnicity="WBRI",
                   disability=True)  # fmt: skip
    b = make_child(child_id="B", date_of_birth=None, expected_date_of_birth=dt.date(2022, 12, 1))
    c = make_child(child_id="C", date_of_birth=dt.date(2012, 2, 29), sex="F", ethnicity="BAFR")
    make_plan(child=a, start_on=dt.date(2022, 5, 1), latest_category="NEG")
    make_plan(child=b, start_on=dt.date(2022, 9, 30), latest_category="EMO")
    make_plan(child=c, start_on=dt.date(2020, 1, 1), end_on=dt.date(2022, 9, 30))  # left
    make_plan(child=c, start_on=dt.date(2018, 1, 1), end_on=dt.date(2019, 6, 1))
    Population.objects.create(year=2022, children=20000)
    Population.objects.create(year=2021, children=10000)

    result = figures()

    assert result["cp_population"]["at_period_end"] == 2
    assert result["population_profile"]["age_band"] == {
        "unborn": 1, "under_1": 0, "1_to_4": 1, "5_to_9": 0, "10_to_15": 0, "16_and_over": 0,
    }  # fmt: skip
    assert result["population_profile"]["disability"] == {"yes": 1, "no": 0, "not_recorded": 1}
    assert result["population_change"] == {"joined": 2, "left": 1}
    assert result["plans"]["ended_by_length"]["2_years_or_more"] == 1
    assert result["plans"]["second_or_subsequent_within_2_years"] == 0
    assert result["rate_per_10000"] == {
        "population_year": 2022,
        "population": 20000,
        "at_period_end": 1.0,
        "year_earlier": 1.0,  # C alone over 2021's 10,000
        "year_earlier_population_year": 2021,
        "plans_started": 1.0,
    }


def test_only_held_conferences_count_for_initial_outcomes_and_chairs():
    smith = Chair.objects.create(name="D. Smith")
    a, b, c = (make_child(child_id=key) for key in "ABC")
    shared = Meeting.objects.create(reference="M1", held_on=dt.date(2022, 5, 3))
    conference(a, "K1", "initial", dt.date(2022, 5, 3), outcome="plan", chair=smith,
               meeting=shared)  # fmt: skip
    conference(b, "K2", "initial", dt.date(2022, 5, 3), outcome="no_plan", chair=smith,
               meeting=shared)  # fmt: skip
    conference(c, "K3", "initial", dt.date(2022, 6, 1), status="cancelled", outcome="plan",
               chair=smith)  # fmt: skip
    conference(c, "K4", "initial", dt.date(2022, 9, 1), status="booked", chair=smith)

    result = figures()

    assert result["initial_conferences"] == {
        "held": 2, "plan": 1, "no_plan": 1, "not_recorded": 0, "conversion_percent": 50.0,
    }  # fmt: skip
    assert result["chairs"] == [{"chair": "D. Smith", "meetings": 1, "conferences": 2}]
    assert result["enquiries"] is None


def test_enquiries_match_the_first_held_initial_conference_and_booked_ones_stop_waiting():
    a, b, c = (make_child(child_id=key) for key in "ABC")
    Enquiry.objects.create(enquiry_id="E1", child=a, strategy_discussion_on=dt.date(2022, 9, 1))
    Enquiry.objects.create(enquiry_id="E2", child=b, strategy_discussion_on=dt.date(2022, 9, 1),
                           outcome="conference")  # fmt: skip
    Enquiry.objects.create(enquiry_id="E3", child=c, strategy_discussion_on=dt.date(2022, 9, 1),
                           outcome="no_further_action")  # fmt: skip
    # 15 working days after Thursday 1 September 2022, less the 19 September bank holiday (the
    # Queen's funeral): Friday 23 September. Held on it, even after a cancelled one: within.
    conference(a, "K1", "initial", dt.date(2022, 9, 5), status="cancelled")
    conference(a, "K2", "initial", dt.date(2022, 9, 23))
    conference(b, "K3", "initial", dt.date(2022, 9, 30), status="booked")

    enquiries = figures()["enquiries"]

    assert enquiries["strategy_discussions"] == 3
    assert enquiries["no_further_action"] == 1
    assert enquiries["initial_conference_within_15_working_days"] == 1
    assert enquiries["waiting_at_period_end"] == 0


def test_escalations_resolution_and_the_previous_period_count_formal_escalations():
    gp = make_organisation_type("GP's")
    police = make_organisation_type("Police")
    make_escalation(organisation_type=gp, raised_on=dt.date(2022, 3, 1),
                    resolved_on=dt.date(2022, 4, 10), stage=1)  # fmt: skip
    make_escalation(organisation_type=gp, raised_on=dt.date(2022, 5, 1), stage=2)
    make_escalation(organisation_type=police, raised_on=dt.date(2021, 10, 1))
    make_escalation(organisation_type=police, raised_on=dt.date(2022, 1, 1), formal=False)

    result = figures()

    assert result["escalations_resolution"] == {
        "resolved": 1,
        "open_at_period_end": 2,  # the police one from October 2021, and May's
        "median_days_to_resolve": 40.0,
        "by_stage": {"1": 0, "2": 1, "3": 0, "not_recorded": 0},
    }
    assert result["escalations_by_organisation_previous_period"] == [
        {"organisation": "GP's", "count": 1},
        {"organisation": "Police", "count": 1},
    ]
    informal = figures(include_informal=True)["escalations_by_organisation_previous_period"]
    assert informal[0] == {"organisation": "Police", "count": 2}


def test_the_comparison_counts_the_authority_for_england_s_year_with_the_comparators(
    tmp_path, settings
):
    child = make_child(child_id="A")
    make_plan(child=child, start_on=dt.date(2019, 4, 1), initial_category="NEG")
    Population.objects.create(year=2019, children=5000)
    comparators = tmp_path / "comparators.csv"
    comparators.write_text(
        "area,year_ending,measure,value,source,note\nNorth West,2022-03-31,on_plan_rate,51.2,,\n",
        encoding="utf-8",
    )
    settings.COMPARATORS_CSV = str(comparators)

    comparison = figures()["national_comparison"]

    rows = {row["measure"]: row for row in comparison["rows"]}
    assert comparison["comparator_areas"] == ["North West"]
    assert rows["on_plan_rate"]["year_ending"] == "2022-03-31"
    assert rows["on_plan_rate"]["authority"] == 2.0  # 1 of 5,000 (the 2019 estimate, latest held)
    assert rows["on_plan_rate"]["england"]["value"] == 43.3  # LAIT CPP_rate, 2022
    assert rows["on_plan_rate"]["comparators"]["North West"]["value"] == 51.2
    assert rows["category_NEG_percent"]["year_ending"] == "2020-03-31"  # the latest held
    assert rows["category_NEG_percent"]["authority"] == 100.0
    assert rows["started_rate"]["authority"] == 0.0


def test_a_comparators_file_that_cannot_be_read_is_named_and_the_report_still_goes_out(
    tmp_path, settings
):
    comparators = tmp_path / "comparators.csv"
    comparators.write_text("area,year_ending,measure,value\nWest,2020-03-30,on_plan_rate,1\n")
    settings.COMPARATORS_CSV = str(comparators)

    comparison = figures()["national_comparison"]

    assert comparison["comparators_problem"] == (
        f"{comparators}, line 2, year_ending: the figures are for years ending 31 March"
    )
    assert comparison["comparator_areas"] == []


def test_the_api_gives_the_version_2_keys(signed_in_client):
    make_plan(child=make_child(child_id="A"), start_on=dt.date(2022, 5, 1))

    response = signed_in_client("manager").get(
        "/api/v1/report", {"from": "2022-04-01", "to": "2022-09-30"}
    )

    assert response.status_code == 200
    body = response.json()
    assert body["population_change"] == {"joined": 1, "left": 0}
    for key in (
        "population_profile", "initial_conferences", "enquiries", "escalations_resolution",
        "escalations_by_organisation_previous_period", "chairs", "rate_per_10000",
    ):  # fmt: skip
        assert key in body
    assert body["plans"]["ended_by_length"]["under_3_months"] == 0
    assert body["national_comparison"]["rows"][0]["measure"] == "on_plan_rate"
