"""The version 2 figures (report-figures.md, "Version 2 additions"), from small hand-built sets of
records: each figure asserted, with the month ends, 29 February, a plan ending on the period end
and a child turning 1 on the period end."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from safeguard.domain.calendar import Nation, WorkingDayCalendar
from safeguard.domain.figures_v2 import (
    ChildRecord,
    ConferenceRecord,
    EnquiryRecord,
    EscalationRecord,
    PlanRecord,
    PopulationEstimate,
    RecordsV2,
    age_band,
    age_on,
    figures_v2,
    length_band,
    median,
    previous_period,
)
from safeguard.domain.periods import Period

CALENDAR = WorkingDayCalendar(
    Nation.england,
    bank_holidays={date(2024, 8, 26): "Summer bank holiday", date(2024, 5, 27): "Spring"},
)
PERIOD = Period(date(2024, 4, 1), date(2024, 9, 30))


def figures(records: RecordsV2, period: Period = PERIOD, include_informal: bool = False):
    return figures_v2(records, period=period, include_informal=include_informal, calendar=CALENDAR)


def test_age_counts_whole_years_and_a_29_february_birthday_comes_on_1_march():
    assert age_on(date(2020, 2, 29), date(2021, 2, 28)) == 0
    assert age_on(date(2020, 2, 29), date(2021, 3, 1)) == 1
    assert age_on(date(2020, 2, 29), date(2024, 2, 29)) == 4


def test_a_child_turning_1_on_the_period_end_is_in_the_1_to_4_band():
    assert age_band(date(2023, 9, 30), date(2024, 9, 30)) == "1_to_4"
    assert age_band(date(2023, 10, 1), date(2024, 9, 30)) == "under_1"


def test_a_child_born_after_the_day_or_without_a_birth_date_is_unborn():
    assert age_band(None, date(2024, 9, 30)) == "unborn"
    assert age_band(date(2024, 10, 1), date(2024, 9, 30)) == "unborn"
    assert age_band(date(2024, 9, 30), date(2024, 9, 30)) == "under_1"


def test_age_bands_16_and_over_includes_those_aged_18_and_more():
    assert age_band(date(2005, 1, 1), date(2024, 9, 30)) == "16_and_over"
    assert age_band(date(2008, 10, 1), date(2024, 9, 30)) == "10_to_15"


@pytest.mark.parametrize(
    ("start", "end", "band"),
    [
        (date(2024, 1, 31), date(2024, 4, 29), "under_3_months"),
        (date(2024, 1, 31), date(2024, 4, 30), "3_to_6_months"),  # 31 Jan + 3 months = 30 Apr
        (date(2023, 11, 30), date(2024, 2, 29), "3_to_6_months"),
        (date(2023, 11, 30), date(2024, 2, 28), "under_3_months"),
        (date(2024, 2, 29), date(2025, 2, 28), "1_to_2_years"),  # 29 Feb + 12 months = 28 Feb
        (date(2024, 2, 29), date(2025, 2, 27), "6_to_12_months"),
        (date(2022, 2, 28), date(2024, 2, 28), "2_years_or_more"),
        (date(2022, 2, 28), date(2024, 2, 27), "1_to_2_years"),
    ],
)
def test_length_bands_count_calendar_months_with_month_ends(start, end, band):
    assert length_band(start, end) == band


def test_median_is_the_middle_value_or_the_mean_of_the_two_rounded_half_up():
    assert median([5, 1, 3]) == Decimal("3.0")
    assert median([1, 2]) == Decimal("1.5")
    assert median([1, 2, 3, 4]) == Decimal("2.5")
    assert median([]) is None


def test_the_previous_period_is_the_same_months_ending_the_day_before():
    assert previous_period(Period(date(2022, 4, 1), date(2022, 9, 30))) == Period(
        date(2021, 10, 1), date(2022, 3, 31)
    )
    assert previous_period(Period(date(2024, 3, 1), date(2024, 3, 31))) == Period(
        date(2024, 2, 1), date(2024, 2, 29)
    )


# --------------------------------------------------------------------------------------------
# The population on the period end and its change from a year earlier


def _population_records() -> RecordsV2:
    children = {
        "A": ChildRecord("A", date(2023, 9, 30), "M", "WBRI", True),  # turns 1 on the period end
        "B": ChildRecord("B", None, "", "", None),  # unborn
        "C": ChildRecord("C", date(2016, 2, 29), "F", "BAFR", False),
        "D": ChildRecord("D", date(2010, 5, 1), "U", "REFU", None),
        "E": ChildRecord("E", date(2012, 1, 1), "M", "MWBC", False),  # left
        "F": ChildRecord("F", date(2020, 1, 1), "F", "XXXX", False),  # stayed
    }
    plans = [
        PlanRecord("A", date(2024, 7, 1), None, "NEG"),
        PlanRecord("B", date(2024, 9, 30), None, "EMO"),  # starts on the period end: counted
        PlanRecord("C", date(2022, 9, 30), None, "PHY"),  # two years on the period end
        PlanRecord("D", date(2023, 10, 1), date(2024, 9, 30), "NEG"),  # ends on the period end
        PlanRecord("D", date(2021, 1, 1), date(2023, 3, 31), "NEG"),  # earlier plan
        PlanRecord("E", date(2023, 1, 1), date(2024, 6, 30), ""),
        PlanRecord("F", date(2023, 3, 30), None, "SAB"),
    ]
    return RecordsV2(children=children, plans=plans)


def test_the_profile_counts_the_children_on_a_plan_at_the_period_end():
    result = figures(_population_records())
    profile = result.population_profile
    assert profile.age_band.as_dict() == {
        "unborn": 1,
        "under_1": 0,
        "1_to_4": 2,  # A turns 1 on the period end; F is 4
        "5_to_9": 1,
        "10_to_15": 0,
        "16_and_over": 0,
    }
    assert profile.sex.as_dict() == {"M": 1, "F": 2, "U": 0, "not_recorded": 1}
    assert profile.ethnicity_group["white"] == 1
    assert profile.ethnicity_group["black"] == 1
    assert profile.ethnicity_group["not_recorded"] == 2  # blank, and a code outside the list
    assert profile.disability.as_dict() == {"yes": 1, "no": 2, "not_recorded": 1}
    assert profile.plan_length.as_dict() == {
        "under_3_months": 2,
        "3_to_6_months": 0,
        "6_to_12_months": 0,
        "1_to_2_years": 1,
        "2_years_or_more": 1,
    }


def test_population_change_is_joined_less_left_a_plan_ending_on_the_day_not_counted():
    result = figures(_population_records())
    # at 30 Sep 2024: A, B, C, F; at 30 Sep 2023: C, E, F (D's later plan starts 1 Oct 2023)
    assert result.population_change.joined == 2
    assert result.population_change.left == 1
    assert result.age_band_year_earlier["unborn"] == 0
    assert result.category_at_period_end.as_dict() == {
        "NEG": 1,
        "PHY": 1,
        "SAB": 1,
        "EMO": 1,
        "MUL": 0,
        "not_recorded": 0,
    }
    assert result.category_year_earlier["not_recorded"] == 1


def test_plans_ended_by_length_and_plans_reaching_two_years_within_six_months():
    records = _population_records()
    result = figures(records)
    assert result.ended_by_length.as_dict() == {
        "under_3_months": 0,
        "3_to_6_months": 0,
        "6_to_12_months": 1,  # D: 1 Oct 2023 to 30 Sep 2024 is a day short of 12 months
        "1_to_2_years": 1,  # E
        "2_years_or_more": 0,
    }
    # F started 30 March 2023: two years on 30 March 2025, six months after 30 September 2024
    # (a plan started on 1 April 2023 would not be); C is already at two years.
    assert result.reaching_2_years_soon == 1


def test_a_repeat_within_two_years_counts_an_earlier_plan_ending_on_the_window_start():
    plans = [
        PlanRecord("A", date(2022, 2, 28), date(2022, 4, 30)),
        PlanRecord("A", date(2024, 4, 30), None),  # 30 Apr 2024 - 24 months = 30 Apr 2022
        PlanRecord("B", date(2021, 1, 1), date(2022, 4, 29)),
        PlanRecord("B", date(2024, 4, 30), None),  # ended a day before the window: not counted
        PlanRecord("C", date(2024, 5, 1), None),  # first plan
    ]
    assert figures(RecordsV2(plans=plans)).second_or_subsequent_within_2_years == 1


def test_a_repeat_window_from_29_february_goes_back_to_28_february():
    plans = [
        PlanRecord("A", date(2022, 1, 1), date(2022, 2, 28)),
        PlanRecord("A", date(2024, 2, 29), None),
    ]
    period = Period(date(2024, 2, 1), date(2024, 2, 29))
    result = figures(RecordsV2(plans=plans), period=period)
    assert result.second_or_subsequent_within_2_years == 1


# --------------------------------------------------------------------------------------------
# Conferences, enquiries, escalations, chairs, rates


def test_initial_conferences_count_held_rows_only_by_outcome_with_the_conversion_rate():
    conferences = [
        ConferenceRecord("A", "initial", date(2024, 4, 1), "held", "plan"),
        ConferenceRecord("B", "initial", date(2024, 9, 30), "held", "no_plan"),
        ConferenceRecord("C", "initial", date(2024, 6, 1), "held", ""),
        ConferenceRecord("D", "initial", date(2024, 6, 1), "booked", ""),
        ConferenceRecord("E", "initial", date(2024, 6, 1), "cancelled", "plan"),
        ConferenceRecord("F", "review", date(2024, 6, 1), "held", "plan"),
        ConferenceRecord("G", "initial", date(2024, 3, 31), "held", "plan"),
    ]
    initial = figures(RecordsV2(conferences=conferences)).initial_conferences
    assert (initial.held, initial.plan, initial.no_plan, initial.not_recorded) == (3, 1, 1, 1)
    assert initial.conversion_percent == Decimal("50.00")


def test_conversion_is_null_when_no_outcome_is_recorded():
    assert figures(RecordsV2()).initial_conferences.conversion_percent is None


def test_enquiries_are_null_when_the_records_hold_none():
    assert figures(RecordsV2()).enquiries is None


def test_enquiries_count_the_first_held_initial_conference_within_15_working_days():
    # 15 working days after Fri 9 Aug 2024, with the bank holiday on 26 August: Mon 2 September.
    enquiries = [
        EnquiryRecord("A", date(2024, 8, 9), "conference"),
        EnquiryRecord("B", date(2024, 8, 9), ""),
        EnquiryRecord("C", date(2024, 8, 9), "no_further_action"),
        EnquiryRecord("D", date(2024, 9, 20), "conference"),  # booked for after the period end
        EnquiryRecord("E", date(2023, 1, 5), ""),  # long waiting, before the period
        EnquiryRecord("F", date(2024, 10, 1), ""),  # after the period end: nowhere
    ]
    conferences = [
        ConferenceRecord("A", "initial", date(2024, 9, 2), "held", "plan"),
        ConferenceRecord("B", "initial", date(2024, 9, 3), "held", "plan"),  # a day late
        ConferenceRecord("D", "initial", date(2024, 10, 3), "booked"),
        ConferenceRecord("E", "initial", date(2023, 1, 4), "held"),  # before the discussion
    ]
    result = figures(
        RecordsV2(enquiries=enquiries, conferences=conferences, enquiries_recorded=True)
    ).enquiries
    assert result is not None
    assert result.strategy_discussions == 4
    assert result.no_further_action == 1
    assert result.initial_conference_within_15_working_days == 1
    assert result.waiting_at_period_end == 2  # D (booked after the end) and E
    assert result.towards_conference == 3


def test_a_booked_initial_conference_in_the_period_stops_an_enquiry_waiting():
    enquiries = [EnquiryRecord("A", date(2024, 9, 1), "")]
    conferences = [ConferenceRecord("A", "initial", date(2024, 9, 30), "booked")]
    result = figures(
        RecordsV2(enquiries=enquiries, conferences=conferences, enquiries_recorded=True)
    ).enquiries
    assert result is not None and result.waiting_at_period_end == 0
    assert result.initial_conference_within_15_working_days == 0


def test_escalations_resolution_counts_resolved_open_and_stage_formal_only_by_default():
    escalations = [
        EscalationRecord(date(2024, 3, 1), "GP's", True, 1, date(2024, 4, 10)),  # 40 days
        EscalationRecord(date(2024, 5, 1), "GP's", True, 2, date(2024, 5, 21)),  # 20 days
        EscalationRecord(date(2024, 9, 30), "Police", True, None, None),  # open
        EscalationRecord(date(2024, 6, 1), "Police", True, 3, date(2024, 10, 1)),  # open at end
        EscalationRecord(date(2024, 6, 1), "Police", False, 1, None),  # informal
    ]
    result = figures(RecordsV2(escalations=escalations)).escalations_resolution
    assert result.resolved == 2
    assert result.open_at_period_end == 2
    assert result.median_days_to_resolve == Decimal("30.0")
    assert result.by_stage.as_dict() == {"1": 0, "2": 1, "3": 1, "not_recorded": 1}
    informal = figures(RecordsV2(escalations=escalations), include_informal=True)
    assert informal.escalations_resolution.open_at_period_end == 3


def test_escalations_of_the_previous_period_by_organisation_in_count_then_name_order():
    escalations = [
        EscalationRecord(date(2023, 10, 1), "Police"),
        EscalationRecord(date(2024, 3, 31), "GP's"),
        EscalationRecord(date(2024, 3, 1), "Police"),
        EscalationRecord(date(2024, 1, 1), "Education"),
        EscalationRecord(date(2024, 4, 1), "GP's"),  # this period
        EscalationRecord(date(2023, 9, 30), "GP's"),  # before
    ]
    result = figures(RecordsV2(escalations=escalations))
    assert result.escalations_by_organisation_previous_period == (
        ("Police", 2),
        ("Education", 1),
        ("GP's", 1),
    )


def test_chairs_count_conferences_and_distinct_meetings_a_row_without_one_is_its_own():
    conferences = [
        ConferenceRecord("A", "review", date(2024, 5, 1), "held", chair="D. Smith", meeting="M1"),
        ConferenceRecord("B", "review", date(2024, 5, 1), "held", chair="D. Smith", meeting="M1"),
        ConferenceRecord("C", "review", date(2024, 5, 1), "held", chair="A. Jones", meeting="M1"),
        ConferenceRecord("D", "initial", date(2024, 6, 1), "held", chair="A. Jones"),
        ConferenceRecord("E", "initial", date(2024, 6, 1), "held", chair="A. Jones"),
        ConferenceRecord("F", "initial", date(2024, 6, 1), "held"),
        ConferenceRecord("G", "initial", date(2024, 6, 1), "booked", chair="D. Smith"),
    ]
    chairs = figures(RecordsV2(conferences=conferences)).chairs
    assert [(c.chair, c.meetings, c.conferences) for c in chairs] == [
        ("A. Jones", 3, 3),
        ("D. Smith", 1, 2),
        ("not_recorded", 1, 1),
    ]


def test_rates_per_10000_use_the_latest_estimate_on_or_before_each_year():
    plans = [PlanRecord(str(n), date(2024, 5, 1)) for n in range(3)] + [
        PlanRecord("Y", date(2023, 1, 1), date(2024, 1, 1))
    ]
    population = [
        PopulationEstimate(2022, 30000),
        PopulationEstimate(2023, 20000),
        PopulationEstimate(2025, 10),
    ]
    rate = figures(RecordsV2(plans=plans, population=population)).rate_per_10000
    assert rate is not None
    assert (rate.population_year, rate.population) == (2023, 20000)
    assert rate.at_period_end == Decimal("1.5")
    assert rate.year_earlier == Decimal("0.5")  # 1 child over 2023's 20,000
    assert rate.plans_started == Decimal("1.5")


def test_rates_are_null_without_population_estimates():
    assert figures(RecordsV2(plans=[PlanRecord("A", date(2024, 5, 1))])).rate_per_10000 is None


def test_the_ethnicity_groups_are_the_vocabulary_s_in_its_order():
    from safeguard.domain import vocabulary
    from safeguard.domain.figures_v2 import ETHNICITY_GROUPS

    assert tuple(ETHNICITY_GROUPS) == (*vocabulary.ETHNICITY_GROUPS, "not_recorded")


def test_a_period_ending_28_february_compares_with_29_february_a_year_earlier():
    period = Period(date(2024, 9, 1), date(2025, 2, 28))
    children = {
        "A": ChildRecord("A", date(2024, 2, 29)),  # born on the year-earlier date
        "B": ChildRecord("B", date(2020, 2, 29)),
    }
    plans = [
        PlanRecord("A", date(2024, 2, 29), date(2025, 2, 28)),  # ends on the period end: left
        PlanRecord("B", date(2024, 3, 1), None),  # starts the day after the year-earlier date
    ]
    result = figures(RecordsV2(children=children, plans=plans), period=period)
    assert (result.population_change.joined, result.population_change.left) == (1, 1)
    assert result.age_band_year_earlier["under_1"] == 1  # A, born that day
    # B, born 29 February 2020, is still 4 on 28 February 2025 (5 on 1 March)
    assert result.population_profile.age_band["1_to_4"] == 1
    # A's plan: 29 February 2024 + 12 months = 28 February 2025, so a year exactly
    assert result.ended_by_length["1_to_2_years"] == 1
