"""The report's figures: build_report over hand-made aggregates, checked against the contract."""

from __future__ import annotations

import json
from datetime import date
from decimal import Decimal

import pytest

from safeguard.domain.figures import (
    AgencyContribution,
    CountBy,
    ReportInputs,
    VerdictCounts,
    build_report,
    percent,
)
from safeguard.domain.periods import Period
from safeguard.domain.report_json import report_to_json
from safeguard.domain.timeliness import ConferenceKind
from tests.factories_report import seed_like_inputs

CONTRACT_KEYS = {
    "period",
    "count_by",
    "cp_population",
    "unborn_initial_conferences",
    "conferences_by_month",
    "conferences_cumulative",
    "timeliness",
    "escalations_by_organisation",
    "escalations_total",
    "escalations_by_reason",
    "escalations_by_month",
    "participation",
    "agency_contributions",
    "monitoring_checks",
    "plans",
    "data_quality",
}
TIMELINESS_KEYS = {
    "held",
    "within_timescale",
    "out_of_timescale",
    "not_determinable",
    "compliance_percent",
}


def seed_json(**changes) -> dict:
    return report_to_json(build_report(seed_like_inputs(**changes)))


def test_json_has_every_key_of_the_contract_and_is_serialisable():
    figures = seed_json()
    assert set(figures) >= CONTRACT_KEYS
    json.dumps(figures)  # plain types only
    assert figures["period"] == {"start": "2022-04-01", "end": "2022-09-30"}
    assert figures["count_by"] == "meeting"
    assert set(figures["cp_population"]) >= {"at_period_end", "year_earlier", "month_end_series"}
    assert set(figures["unborn_initial_conferences"]) >= {"year_to_period_end", "previous_year"}
    assert set(figures["timeliness"]) >= {"last_complete_year", "period", "period_by_type"}
    assert set(figures["timeliness"]["last_complete_year"]) >= TIMELINESS_KEYS | {"start", "end"}
    assert set(figures["timeliness"]["period"]) >= TIMELINESS_KEYS
    assert set(figures["timeliness"]["period_by_type"]) == {"initial", "review", "transfer_in"}
    for by_type in figures["timeliness"]["period_by_type"].values():
        assert set(by_type) >= TIMELINESS_KEYS
    assert set(figures["participation"]) >= {
        "conferences",
        "child_attended",
        "advocate_involved",
        "preparation_session",
        "views_shared_via",
        "participation_code",
    }
    assert set(figures["monitoring_checks"]) == {"midway", "pre_review", "alerts"}
    assert set(figures["monitoring_checks"]["midway"]) == {"completed", "concerns"}
    assert set(figures["plans"]) >= {
        "started",
        "second_or_subsequent",
        "ended",
        "ended_after_2_years_or_more",
        "open_by_category",
    }
    assert set(figures["agency_contributions"][0]) == {
        "organisation",
        "invited",
        "report_received",
        "report_late",
        "attended",
        "apologies",
        "no_report_no_apologies",
    }
    assert set(figures["data_quality"][0]) == {"code", "message", "count"}


def test_seed_headline_figures_come_through_unchanged():
    figures = seed_json()
    assert figures["cp_population"]["at_period_end"] == 445
    assert figures["cp_population"]["year_earlier"] == 357
    assert figures["unborn_initial_conferences"]["year_to_period_end"] == 44
    assert figures["unborn_initial_conferences"]["previous_year"] == 72
    assert figures["unborn_initial_conferences"]["year_to_period_end_range"] == [
        "2021-10-01",
        "2022-09-30",
    ]
    assert figures["unborn_initial_conferences"]["previous_year_range"] == [
        "2020-10-01",
        "2021-09-30",
    ]
    assert figures["escalations_total"] == 45


def test_month_end_series_is_the_36_month_ends_ending_with_the_period_end_oldest_first():
    series = seed_json()["cp_population"]["month_end_series"]
    assert len(series) == 36
    assert series[0] == {"date": "2019-10-31", "count": 372}
    assert series[4]["date"] == "2020-02-29"
    assert series[-1] == {"date": "2022-09-30", "count": 445}


def test_month_ends_missing_from_the_inputs_count_zero():
    figures = seed_json(on_plan_at={date(2022, 9, 30): 12})
    series = figures["cp_population"]["month_end_series"]
    assert series[0]["count"] == 0
    assert series[-1]["count"] == 12
    assert figures["cp_population"]["year_earlier"] == 0


def test_year_earlier_of_a_february_period_end_is_the_leap_day():
    period = Period(date(2024, 9, 1), date(2025, 2, 28))
    figures = seed_json(period=period, on_plan_at={date(2025, 2, 28): 300, date(2024, 2, 29): 280})
    assert figures["cp_population"]["year_earlier"] == 280
    assert figures["cp_population"]["year_earlier_date"] == "2024-02-29"


def test_conferences_cover_eight_calendar_years_with_nulls_after_the_period_end_month():
    by_month = seed_json()["conferences_by_month"]
    assert list(by_month) == [str(year) for year in range(2015, 2023)]
    assert by_month["2022"] == [68, 57, 78, 58, 63, 63, 84, 61, 72, None, None, None]
    assert all(len(months) == 12 for months in by_month.values())


def test_months_without_conferences_are_zero_not_null():
    figures = seed_json(conferences_per_month={(2022, 3): 5})
    assert figures["conferences_by_month"]["2015"] == [0] * 12
    assert figures["conferences_by_month"]["2022"][:4] == [0, 0, 5, 0]


def test_cumulative_is_the_running_sum_of_the_monthly_table():
    figures = seed_json()
    cumulative = figures["conferences_cumulative"]
    # The printed seed says 612 for September 2020; the monthly table sums to 611.
    assert cumulative["2020"][8] == 611
    assert cumulative["2015"][-1] == 902
    assert cumulative["2022"] == [68, 125, 203, 261, 324, 387, 471, 532, 604, None, None, None]


def test_timeliness_last_complete_year_matches_the_seed():
    year = seed_json()["timeliness"]["last_complete_year"]
    assert year == {
        "name": "2021/22",
        "start": "2021-04-01",
        "end": "2022-03-31",
        "held": 722,
        "within_timescale": 718,
        "out_of_timescale": 4,
        "not_determinable": 0,
        "compliance_percent": 99.45,
    }


def test_last_complete_year_of_a_march_period_end_is_the_year_it_ends():
    figures = seed_json(period=Period(date(2023, 10, 1), date(2024, 3, 31)))
    assert figures["timeliness"]["last_complete_year"]["start"] == "2023-04-01"
    assert figures["timeliness"]["last_complete_year"]["end"] == "2024-03-31"


def test_period_timeliness_is_the_sum_of_the_types_and_100_percent_is_a_float():
    timeliness = seed_json()["timeliness"]
    assert timeliness["period"]["held"] == 401
    assert timeliness["period"]["compliance_percent"] == 100.0
    assert isinstance(timeliness["period"]["compliance_percent"], float)
    assert timeliness["period_by_type"]["initial"]["held"] == 82
    assert sum(t["held"] for t in timeliness["period_by_type"].values()) == 401


def test_not_determinable_conferences_are_held_but_not_within():
    figures = seed_json(
        timeliness_period={
            ConferenceKind.review: VerdictCounts(within=6, out=1, not_determinable=1)
        }
    )
    review = figures["timeliness"]["period_by_type"]["review"]
    assert review["held"] == 8
    assert review["compliance_percent"] == 75.0
    assert figures["timeliness"]["period_by_type"]["transfer_in"]["held"] == 0


def test_held_zero_gives_null_compliance():
    figures = seed_json(timeliness_period={})
    assert figures["timeliness"]["period"]["held"] == 0
    assert figures["timeliness"]["period"]["compliance_percent"] is None
    assert figures["timeliness"]["period_by_type"]["initial"]["compliance_percent"] is None


@pytest.mark.parametrize(
    ("within", "held", "expected"),
    [
        (718, 722, Decimal("99.45")),
        (1, 8, Decimal("12.50")),
        (1, 1, Decimal("100.00")),
        # 0.0625 exactly: only the third decimal decides, and it is below 5
        (1, 1600, Decimal("0.06")),
        # 0.125 exactly: half-up gives 0.13 where binary rounding would give 0.12
        (1, 800, Decimal("0.13")),
        # 2.675 exactly (107/4000 x 100): float round(2.675, 2) gives 2.67
        (107, 4000, Decimal("2.68")),
    ],
)
def test_compliance_rounds_half_up_to_two_decimals(within, held, expected):
    assert percent(within, held) == expected


def test_compliance_half_up_reaches_the_json():
    figures = seed_json(
        timeliness_period={ConferenceKind.initial: VerdictCounts(within=107, out=3893)}
    )
    assert figures["timeliness"]["period"]["compliance_percent"] == 2.68


def test_escalations_by_organisation_order_by_count_then_code_point_name():
    figures = seed_json(
        escalations_by_organisation={
            "gp practice": 3,
            "Health Visitor": 3,
            "GP's": 3,
            "PPU": 5,
            "Ambulance": 0,
        }
    )
    assert figures["escalations_by_organisation"] == [
        {"organisation": "PPU", "count": 5},
        {"organisation": "GP's", "count": 3},
        {"organisation": "Health Visitor", "count": 3},
        {"organisation": "gp practice", "count": 3},
    ]
    assert figures["escalations_total"] == 14


def test_seed_organisations_with_one_escalation_are_in_code_point_order():
    names = [e["organisation"] for e in seed_json()["escalations_by_organisation"]]
    assert names[-4:] == ["Health Visitor", "Housing Officer", "PPU", "Probation"]


def test_escalation_reasons_are_all_seven_with_zeros():
    figures = seed_json(escalations_by_reason={"late_report": 2})
    assert figures["escalations_by_reason"] == {
        "no_report_no_apologies": 0,
        "no_report": 0,
        "no_apologies": 0,
        "late_report": 2,
        "non_attendance": 0,
        "plan_not_progressing": 0,
        "other": 0,
    }


def test_an_unknown_escalation_reason_is_refused():
    with pytest.raises(ValueError, match="unknown escalation reason"):
        build_report(seed_like_inputs(escalations_by_reason={"rudeness": 1}))


def test_escalations_by_month_are_five_financial_years_with_nulls_after_the_period_end():
    by_month = seed_json()["escalations_by_month"]
    assert list(by_month) == ["2018/19", "2019/20", "2020/21", "2021/22", "2022/23"]
    assert [fy["total"] for fy in by_month.values()] == [282, 323, 159, 107, 45]
    latest = by_month["2022/23"]["months"]
    assert list(latest) == [
        "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec", "Jan", "Feb", "Mar",
    ]  # fmt: skip
    assert latest["Sep"] == 8
    assert latest["Oct"] is None and latest["Mar"] is None


def test_a_march_period_end_leaves_no_null_months_in_its_financial_year():
    figures = seed_json(
        period=Period(date(2022, 10, 1), date(2023, 3, 31)),
        escalations_per_month={(2023, 3): 4, (2019, 4): 1},
    )
    by_month = figures["escalations_by_month"]
    assert list(by_month) == ["2018/19", "2019/20", "2020/21", "2021/22", "2022/23"]
    assert by_month["2022/23"]["months"]["Mar"] == 4
    assert by_month["2022/23"]["total"] == 4
    assert by_month["2019/20"]["months"]["Apr"] == 1


def test_participation_codes_are_zero_filled_including_not_recorded():
    figures = seed_json()
    participation = figures["participation"]
    assert list(participation["participation_code"]) == [
        "PN0", "PN1", "PN2", "PN3", "PN4", "PN5", "PN6", "PN7", "not_recorded",
    ]  # fmt: skip
    assert list(participation["views_shared_via"]) == [
        "in_person",
        "virtual",
        "advocate",
        "written",
        "other",
        "not_obtained",
        "not_applicable",
        "not_recorded",
    ]


def test_agency_contributions_order_by_invited_then_name():
    figures = seed_json(
        agency_contributions=[
            AgencyContribution("PPU", invited=4),
            AgencyContribution("Health Visitor", invited=9),
            AgencyContribution("GP's", invited=9),
        ]
    )
    assert [a["organisation"] for a in figures["agency_contributions"]] == [
        "GP's",
        "Health Visitor",
        "PPU",
    ]


def test_monitoring_alerts_and_plan_categories_are_zero_filled():
    figures = seed_json()
    assert figures["monitoring_checks"]["alerts"] == {
        "social_worker": 31,
        "practice_supervisor": 12,
        "team_manager": 5,
    }
    assert list(figures["plans"]["open_by_category"]) == [
        "NEG", "PHY", "SAB", "EMO", "MUL", "not_recorded",
    ]  # fmt: skip


def test_count_by_child_is_reported():
    assert seed_json(count_by=CountBy.CHILD)["count_by"] == "child"


def test_late_conferences_are_listed_oldest_first():
    late = seed_json()["late_conferences"]
    assert [row["held"] for row in late] == sorted(row["held"] for row in late)
    assert late[0]["type"] == "initial"
    assert set(late[0]) >= {"child_id", "type", "due", "held", "days_late", "reason_recorded"}


def test_the_national_comparison_is_whatever_the_inputs_hand_in():
    # The comparison is counted by the selectors (domain.national_statistics builds it; its own
    # tests are in test_national_statistics.py); a report built without one has none.
    assert seed_json()["national_comparison"] is None


def test_inputs_and_report_are_frozen():
    inputs = seed_like_inputs()
    report = build_report(inputs)
    with pytest.raises(AttributeError):
        report.escalations_total = 1  # type: ignore[misc]
    assert isinstance(inputs, ReportInputs)
