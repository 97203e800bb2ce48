"""The statutory timescales for child protection conferences (safeguard.domain.timeliness).

The worked cases of the specification (its timeliness-cases.csv, kept as tests/data/
timeliness-cases.csv) are copied into TIMELINESS_CASES below so that the rules read in one place;
a test checks the copy still matches the specification's file.
"""

from __future__ import annotations

import csv
import dataclasses
from datetime import date
from pathlib import Path

import pytest

from safeguard.domain.calendar import Nation, add_months
from safeguard.domain.timeliness import (
    FIRST_REVIEW_MONTHS,
    INITIAL_CONFERENCE_WORKING_DAYS,
    LATER_REVIEW_MONTHS,
    Assessment,
    ConferenceFacts,
    ConferenceKind,
    DayUnit,
    MissingFact,
    PlanFacts,
    RuleName,
    RuleSet,
    Verdict,
    assess_child,
    first_core_group_due_on,
    midway_check_due_on,
    plan_schedule,
    pre_birth_conference_due_on,
    pre_review_check_due_on,
    rule_set_for,
)

ENGLAND = rule_set_for(Nation.england)
WALES = rule_set_for(Nation.wales)
SCOTLAND = rule_set_for(Nation.scotland)
NORTHERN_IRELAND = rule_set_for(Nation.northern_ireland)


def initial(key: str, held_on: date, strategy_discussion_on: date | None) -> ConferenceFacts:
    return ConferenceFacts(key, ConferenceKind.initial, held_on, strategy_discussion_on, None)


def transfer_in(key: str, held_on: date, transfer_notification_on: date | None) -> ConferenceFacts:
    return ConferenceFacts(key, ConferenceKind.transfer_in, held_on, None, transfer_notification_on)


def review(key: str, held_on: date) -> ConferenceFacts:
    return ConferenceFacts(key, ConferenceKind.review, held_on)


def plan(key: str, start_on: date, end_on: date | None = None) -> PlanFacts:
    return PlanFacts(key, start_on, end_on)


def assess_one(
    conference: ConferenceFacts,
    *,
    others: tuple[ConferenceFacts, ...] = (),
    plans: tuple[PlanFacts, ...] = (),
    rules: RuleSet = ENGLAND,
) -> Assessment:
    return assess_child((*others, conference), plans, rules)[conference.key]


# ----------------------------------------------------------------------------------------------
# The specification's worked cases
# ----------------------------------------------------------------------------------------------

INITIAL_15 = "initial: 15 working days after the strategy discussion"
REVIEW_AFTER_INITIAL = "review after an initial conference: 3 months"
REVIEW_AFTER_REVIEW = "review after a review: 6 months"

# rule, counted_from, held_on, due_on, verdict, why
TIMELINESS_CASES = [
    (INITIAL_15, "2023-12-15", "2024-01-10", "2024-01-10", "within",
     "Christmas Day, Boxing Day and New Year's Day are not working days"),
    (INITIAL_15, "2023-12-15", "2024-01-11", "2024-01-10", "out", "one working day late"),
    (INITIAL_15, "2022-09-05", "2022-09-27", "2022-09-27", "within",
     "19 September 2022, the State Funeral, was a bank holiday"),
    (INITIAL_15, "2022-09-05", "2022-09-26", "2022-09-27", "within",
     "held the day before the due date"),
    (INITIAL_15, "2024-03-22", "2024-04-16", "2024-04-16", "within",
     "Good Friday 29 March and Easter Monday 1 April 2024"),
    (INITIAL_15, "2023-05-01", "2023-05-23", "2023-05-23", "within",
     "May Day 1 May (the start day itself) and the Coronation, 8 May 2023"),
    (INITIAL_15, "2024-08-23", "2024-09-16", "2024-09-16", "within",
     "Friday before the August bank holiday"),
    (INITIAL_15, "2022-06-01", "2022-06-24", "2022-06-24", "within",
     "2 and 3 June 2022: Spring bank holiday and Platinum Jubilee"),
    (INITIAL_15, "2024-05-04", "2024-05-28", "2024-05-28", "within",
     "a Saturday strategy discussion counts from the next working day"),
    (REVIEW_AFTER_INITIAL, "2022-01-31", "2022-04-30", "2022-04-30", "within",
     "31 January + 3 months = 30 April"),
    (REVIEW_AFTER_INITIAL, "2022-01-31", "2022-05-01", "2022-04-30", "out", "a day late"),
    (REVIEW_AFTER_INITIAL, "2023-11-30", "2024-02-29", "2024-02-29", "within",
     "30 November + 3 months = 29 February in a leap year"),
    (REVIEW_AFTER_INITIAL, "2023-11-30", "2024-03-01", "2024-02-29", "out", "a day late"),
    (REVIEW_AFTER_INITIAL, "2022-11-30", "2023-02-28", "2023-02-28", "within",
     "30 November + 3 months = 28 February"),
    (REVIEW_AFTER_REVIEW, "2022-08-31", "2023-02-28", "2023-02-28", "within",
     "31 August + 6 months = 28 February"),
    (REVIEW_AFTER_REVIEW, "2023-08-31", "2024-02-29", "2024-02-29", "within",
     "31 August + 6 months = 29 February in a leap year"),
    (REVIEW_AFTER_REVIEW, "2023-08-31", "2024-03-01", "2024-02-29", "out", "a day late"),
    (REVIEW_AFTER_REVIEW, "2024-02-29", "2024-08-29", "2024-08-29", "within",
     "29 February + 6 months = 29 August"),
    (REVIEW_AFTER_REVIEW, "2022-03-15", "2022-09-15", "2022-09-15", "within", "on the due date"),
    (REVIEW_AFTER_REVIEW, "2022-03-15", "2022-09-16", "2022-09-15", "out", "a day late"),
]  # fmt: skip


def assess_case(rule: str, counted_from_on: date, held_on: date) -> Assessment:
    """Build the smallest history the case's rule needs, and assess the last conference."""
    if rule == INITIAL_15:
        return assess_one(initial("icpc", held_on, counted_from_on))
    if rule == REVIEW_AFTER_INITIAL:
        return assess_one(
            review("rcpc", held_on),
            others=(initial("icpc", counted_from_on, None),),
            plans=(plan("plan", counted_from_on),),
        )
    assert rule == REVIEW_AFTER_REVIEW
    plan_start_on = add_months(counted_from_on, -3)
    return assess_one(
        review("rcpc-2", held_on),
        others=(initial("icpc", plan_start_on, None), review("rcpc-1", counted_from_on)),
        plans=(plan("plan", plan_start_on),),
    )


@pytest.mark.parametrize(
    ("rule", "counted_from", "held_on", "due_on", "verdict", "why"),
    TIMELINESS_CASES,
    ids=[f"{case[2]} {case[5]}" for case in TIMELINESS_CASES],
)
def test_the_specifications_worked_cases(
    rule: str, counted_from: str, held_on: str, due_on: str, verdict: str, why: str
) -> None:
    assessment = assess_case(rule, date.fromisoformat(counted_from), date.fromisoformat(held_on))
    assert assessment.due_on == date.fromisoformat(due_on), why
    assert assessment.verdict == Verdict(verdict), why


SPEC_CASES_CSV = Path(__file__).resolve().parents[1] / "data" / "timeliness-cases.csv"


def test_the_worked_cases_above_are_still_those_of_the_specification() -> None:
    with SPEC_CASES_CSV.open(newline="", encoding="utf-8") as spec:
        rows = [tuple(row.values()) for row in csv.DictReader(spec)]
    assert rows == TIMELINESS_CASES


# ----------------------------------------------------------------------------------------------
# Initial conferences
# ----------------------------------------------------------------------------------------------


def test_initial_conference_is_due_15_working_days_after_the_strategy_discussion() -> None:
    assessment = assess_one(initial("icpc", date(2022, 9, 26), date(2022, 9, 5)))
    assert INITIAL_CONFERENCE_WORKING_DAYS == 15
    assert assessment == Assessment(
        conference_key="icpc",
        verdict=Verdict.within,
        unit=DayUnit.working,
        rule=ENGLAND.rule(RuleName.initial_conference),
        reason="Due 15 working days after the strategy discussion on 5 September 2022: "
        "27 September 2022. Held 26 September 2022, within timescale.",
        due_on=date(2022, 9, 27),
        days_late=0,
    )


def test_an_initial_conference_over_christmas_is_late_by_working_days_not_calendar_days() -> None:
    assessment = assess_one(initial("icpc", date(2024, 1, 15), date(2023, 12, 15)))
    assert assessment.verdict is Verdict.out
    assert assessment.due_on == date(2024, 1, 10)
    assert (assessment.days_late, assessment.unit) == (3, DayUnit.working)  # 11, 12, 15 Jan
    assert assessment.reason.endswith("Held 15 January 2024, 3 working days late.")


def test_one_working_day_late_reads_in_the_singular() -> None:
    assessment = assess_one(initial("icpc", date(2024, 1, 11), date(2023, 12, 15)))
    assert assessment.reason.endswith("Held 11 January 2024, 1 working day late.")


def test_an_initial_conference_held_on_the_weekend_after_its_due_date_is_a_working_day_late() -> (
    None
):
    # Due Friday 10 May 2024; held the next day. No working day has passed, but it is late.
    assessment = assess_one(initial("icpc", date(2024, 5, 11), date(2024, 4, 18)))
    assert assessment.due_on == date(2024, 5, 10)
    assert (assessment.verdict, assessment.days_late) == (Verdict.out, 1)


def test_a_strategy_discussion_on_the_friday_before_a_bank_holiday_counts_from_the_tuesday() -> (
    None
):
    # Friday 23 August 2024; Monday 26 August was the Summer bank holiday, so day 1 is 27 August.
    assessment = assess_one(initial("icpc", date(2024, 9, 17), date(2024, 8, 23)))
    assert assessment.due_on == date(2024, 9, 16)
    assert assessment.verdict is Verdict.out


def test_an_initial_conference_without_a_strategy_discussion_date_is_not_determinable() -> None:
    assessment = assess_one(initial("icpc", date(2024, 1, 10), None))
    assert assessment.verdict is Verdict.not_determinable
    assert assessment.missing == "strategy_discussion_date"
    assert assessment.reason == "Not determinable: no strategy discussion date recorded."
    assert (assessment.due_on, assessment.days_late) == (None, None)


# ----------------------------------------------------------------------------------------------
# Transfer-in conferences
# ----------------------------------------------------------------------------------------------


def test_a_transfer_in_conference_is_due_15_working_days_after_the_notification() -> None:
    assessment = assess_one(transfer_in("tcpc", date(2022, 9, 27), date(2022, 9, 5)))
    assert assessment.due_on == date(2022, 9, 27)
    assert assessment.verdict is Verdict.within
    assert assessment.rule.name is RuleName.transfer_in_conference
    assert assessment.reason == (
        "Due 15 working days after the transfer notification on 5 September 2022: "
        "27 September 2022. Held 27 September 2022, within timescale."
    )


def test_a_transfer_in_conference_without_a_notification_date_is_not_determinable() -> None:
    assessment = assess_one(transfer_in("tcpc", date(2022, 9, 27), None))
    assert assessment.verdict is Verdict.not_determinable
    assert assessment.missing == MissingFact.transfer_notification_date
    assert assessment.reason == "Not determinable: no transfer notification date recorded."


def test_reviews_after_a_transfer_in_follow_the_first_and_later_review_timescales() -> None:
    conferences = (
        transfer_in("tcpc", date(2022, 1, 31), date(2022, 1, 10)),
        review("rcpc-1", date(2022, 4, 29)),
        review("rcpc-2", date(2022, 10, 31)),
    )
    verdicts = assess_child(conferences, [plan("plan", date(2022, 1, 31))], ENGLAND)
    assert verdicts["tcpc"].due_on == date(2022, 1, 31)
    first, second = verdicts["rcpc-1"], verdicts["rcpc-2"]
    assert (first.due_on, first.verdict) == (date(2022, 4, 30), Verdict.within)
    assert first.rule.name is RuleName.first_review_conference
    assert first.previous_conference_key == "tcpc"
    assert first.reason == (
        "Due 3 months after the previous conference (transfer-in) on 31 January 2022: "
        "30 April 2022. Held 29 April 2022, within timescale."
    )
    assert (second.due_on, second.verdict, second.days_late) == (
        date(2022, 10, 29),
        Verdict.out,
        2,
    )
    assert second.unit is DayUnit.calendar
    assert second.rule.name is RuleName.later_review_conference
    assert second.previous_conference_key == "rcpc-1"


# ----------------------------------------------------------------------------------------------
# Review conferences
# ----------------------------------------------------------------------------------------------


def test_first_review_is_due_three_months_after_the_initial_conference() -> None:
    assessment = assess_one(
        review("rcpc", date(2022, 4, 30)),
        others=(initial("icpc", date(2022, 1, 31), date(2022, 1, 10)),),
        plans=(plan("plan", date(2022, 1, 31)),),
    )
    assert FIRST_REVIEW_MONTHS == 3
    assert (assessment.due_on, assessment.verdict) == (date(2022, 4, 30), Verdict.within)
    assert (assessment.plan_key, assessment.previous_conference_key) == ("plan", "icpc")


def test_later_reviews_are_due_six_months_after_the_previous_review() -> None:
    assessment = assess_case(REVIEW_AFTER_REVIEW, date(2022, 8, 31), date(2023, 2, 28))
    assert LATER_REVIEW_MONTHS == 6
    assert assessment.due_on == date(2023, 2, 28)
    assert assessment.previous_conference_key == "rcpc-1"


def test_a_review_on_its_due_date_is_within_and_the_day_after_is_a_calendar_day_late() -> None:
    on_the_day = assess_case(REVIEW_AFTER_REVIEW, date(2022, 3, 15), date(2022, 9, 15))
    day_after = assess_case(REVIEW_AFTER_REVIEW, date(2022, 3, 15), date(2022, 9, 16))
    assert (on_the_day.verdict, on_the_day.days_late) == (Verdict.within, 0)
    assert (day_after.verdict, day_after.days_late, day_after.unit) == (
        Verdict.out,
        1,
        DayUnit.calendar,
    )
    assert day_after.reason == (
        "Due 6 months after the previous conference (review) on 15 March 2022: "
        "15 September 2022. Held 16 September 2022, 1 calendar day late."
    )


def test_a_review_that_ends_a_plan_on_the_plan_end_date_still_belongs_to_it() -> None:
    assessment = assess_one(
        review("rcpc", date(2022, 4, 28)),
        others=(initial("icpc", date(2022, 1, 31), date(2022, 1, 10)),),
        plans=(plan("plan", date(2022, 1, 31), end_on=date(2022, 4, 28)),),
    )
    assert assessment.plan_key == "plan"
    assert assessment.verdict is Verdict.within


def test_a_review_after_its_plan_ended_has_no_plan_and_is_not_determinable() -> None:
    assessment = assess_one(
        review("rcpc", date(2022, 4, 29)),
        others=(initial("icpc", date(2022, 1, 31), date(2022, 1, 10)),),
        plans=(plan("plan", date(2022, 1, 31), end_on=date(2022, 4, 28)),),
    )
    assert assessment.verdict is Verdict.not_determinable
    assert assessment.missing == "plan"
    assert assessment.reason == (
        "Not determinable: no child protection plan in force on 29 April 2022."
    )
    assert assessment.rule.name is RuleName.review_conference


def test_a_review_with_no_earlier_conference_in_its_plan_is_not_determinable() -> None:
    assessment = assess_one(review("rcpc", date(2022, 4, 29)), plans=(plan("p", date(2022, 2, 1)),))
    assert assessment.verdict is Verdict.not_determinable
    assert assessment.missing == "previous_conference"
    assert assessment.plan_key == "p"
    assert assessment.reason == (
        "Not determinable: no earlier conference recorded in the plan that started on "
        "1 February 2022."
    )


def test_a_review_of_a_second_plan_does_not_count_from_the_first_plans_conferences() -> None:
    first_plan = plan("plan-1", date(2021, 1, 11), end_on=date(2021, 10, 11))
    second_plan = plan("plan-2", date(2022, 3, 1))
    conferences = (
        initial("icpc-1", date(2021, 1, 11), date(2020, 12, 18)),
        review("rcpc-1", date(2021, 4, 9)),
        review("rcpc-2", date(2021, 10, 11)),  # ends the first plan
        initial("icpc-2", date(2022, 3, 1), date(2022, 2, 8)),
        review("rcpc-3", date(2022, 6, 1)),
    )
    verdicts = assess_child(conferences, [first_plan, second_plan], ENGLAND)
    assert verdicts["rcpc-2"].plan_key == "plan-1"
    assert verdicts["rcpc-3"].plan_key == "plan-2"
    assert verdicts["rcpc-3"].previous_conference_key == "icpc-2"
    assert verdicts["rcpc-3"].due_on == date(2022, 6, 1)
    assert verdicts["rcpc-3"].verdict is Verdict.within


def test_a_second_plan_with_no_conference_of_its_own_does_not_borrow_the_first_plans() -> None:
    conferences = (
        initial("icpc-1", date(2021, 1, 11), date(2020, 12, 18)),
        review("rcpc-1", date(2021, 4, 9)),
        review("rcpc-2", date(2022, 6, 1)),
    )
    plans = [
        plan("plan-1", date(2021, 1, 11), date(2021, 10, 11)),
        plan("plan-2", date(2022, 3, 1)),
    ]
    assessment = assess_child(conferences, plans, ENGLAND)["rcpc-2"]
    assert assessment.verdict is Verdict.not_determinable
    assert assessment.missing == "previous_conference"


def test_a_review_belongs_to_the_latest_of_overlapping_plans() -> None:
    conferences = (
        initial("icpc-1", date(2022, 1, 10), date(2021, 12, 13)),
        initial("icpc-2", date(2022, 3, 1), date(2022, 2, 8)),
        review("rcpc", date(2022, 5, 31)),
    )
    plans = [plan("older", date(2022, 1, 10)), plan("newer", date(2022, 3, 1))]
    assessment = assess_child(conferences, plans, ENGLAND)["rcpc"]
    assert (assessment.plan_key, assessment.previous_conference_key) == ("newer", "icpc-2")


def test_conferences_on_the_same_date_are_ordered_by_key() -> None:
    # Two earlier conferences on one date: the one with the larger key is the previous one.
    conferences = (
        initial("a", date(2022, 1, 31), date(2022, 1, 10)),
        review("b", date(2022, 1, 31)),
        review("c", date(2022, 5, 31)),
    )
    assessment = assess_child(conferences, [plan("plan", date(2022, 1, 31))], ENGLAND)["c"]
    assert assessment.previous_conference_key == "b"
    assert assessment.due_on == date(2022, 7, 31)


def test_a_review_on_the_same_date_as_another_conference_is_not_counted_from_it() -> None:
    conferences = (
        initial("icpc", date(2022, 1, 31), date(2022, 1, 10)),
        review("rcpc-1", date(2022, 4, 29)),
        review("rcpc-2", date(2022, 4, 29)),
    )
    verdicts = assess_child(conferences, [plan("plan", date(2022, 1, 31))], ENGLAND)
    assert verdicts["rcpc-2"].previous_conference_key == "icpc"


def test_the_result_does_not_depend_on_the_order_of_the_records() -> None:
    conferences = [
        initial("icpc", date(2022, 1, 31), date(2022, 1, 10)),
        review("rcpc-1", date(2022, 4, 29)),
        review("rcpc-2", date(2022, 10, 31)),
    ]
    plans = [plan("plan-1", date(2022, 1, 31)), plan("plan-0", date(2021, 1, 4), date(2021, 6, 1))]
    forwards = assess_child(conferences, plans, ENGLAND)
    backwards = assess_child(reversed(conferences), reversed(plans), ENGLAND)
    assert forwards == backwards
    assert list(backwards) == ["icpc", "rcpc-1", "rcpc-2"]


def test_a_child_with_two_conferences_under_one_key_is_refused() -> None:
    with pytest.raises(ValueError, match="unique for a child: icpc"):
        assess_child(
            [initial("icpc", date(2022, 1, 31), None), review("icpc", date(2022, 4, 1))],
            [],
            ENGLAND,
        )


def test_a_conference_kind_may_be_given_by_its_name_but_not_misspelt() -> None:
    assert ConferenceFacts("rcpc", "review", date(2022, 4, 1)).kind is ConferenceKind.review  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="'reveiw' is not a valid ConferenceKind"):
        ConferenceFacts("rcpc", "reveiw", date(2022, 4, 1))  # type: ignore[arg-type]


def test_every_assessment_is_frozen() -> None:
    assessment = assess_one(initial("icpc", date(2024, 1, 10), None))
    with pytest.raises(dataclasses.FrozenInstanceError):
        assessment.verdict = Verdict.within  # type: ignore[misc]


# ----------------------------------------------------------------------------------------------
# Each nation's rule set
# ----------------------------------------------------------------------------------------------


def test_england_is_the_default_rule_set_and_cites_working_together_2023() -> None:
    assert rule_set_for() == ENGLAND
    for name in (RuleName.initial_conference, RuleName.first_review_conference):
        assert "Working Together to Safeguard Children 2023" in ENGLAND.rule(name).citation
    assert ENGLAND.rule(RuleName.transfer_in_conference).citation.startswith("Local setting")


def test_wales_counts_the_initial_conference_from_the_last_strategy_discussion() -> None:
    assessment = assess_one(initial("icpc", date(2022, 9, 27), date(2022, 9, 5)), rules=WALES)
    assert assessment.due_on == date(2022, 9, 27)  # England and Wales share the State Funeral
    assert assessment.reason.startswith(
        "Due 15 working days after the last strategy discussion on 5 September 2022"
    )
    assert "Wales Safeguarding Procedures" in assessment.rule.citation


def test_wales_reviews_follow_the_three_then_six_month_cycle() -> None:
    assert (WALES.first_review_months, WALES.later_review_months) == (3, 6)


def test_scotland_holds_the_planning_meeting_within_28_calendar_days_of_the_discussion() -> None:
    within = assess_one(initial("cppm", date(2022, 10, 3), date(2022, 9, 5)), rules=SCOTLAND)
    late = assess_one(initial("cppm", date(2022, 10, 4), date(2022, 9, 5)), rules=SCOTLAND)
    assert within.due_on == date(2022, 10, 3)
    assert within.verdict is Verdict.within
    assert (late.verdict, late.days_late, late.unit) == (Verdict.out, 1, DayUnit.calendar)
    assert late.reason == (
        "Due 28 calendar days after the inter-agency referral discussion on 5 September 2022: "
        "3 October 2022. Held 4 October 2022, 1 calendar day late."
    )


def test_scotland_reviews_the_plan_within_six_months_of_the_first_meeting() -> None:
    assessment = assess_one(
        review("review", date(2022, 7, 31)),
        others=(initial("cppm", date(2022, 1, 31), date(2022, 1, 10)),),
        plans=(plan("plan", date(2022, 1, 31)),),
        rules=SCOTLAND,
    )
    assert assessment.due_on == date(2022, 7, 31)
    assert assessment.verdict is Verdict.within


def test_scotland_counts_working_days_without_its_own_bank_holidays() -> None:
    # 30 November 2022 was St Andrew's Day, a bank holiday in Scotland only.
    conference = transfer_in("tcpc", date(2022, 12, 21), date(2022, 11, 29))
    assert assess_one(conference, rules=SCOTLAND).due_on == date(2022, 12, 21)
    assert assess_one(conference, rules=ENGLAND).due_on == date(2022, 12, 20)


def test_scotland_sets_its_own_core_group_and_pre_birth_timescales() -> None:
    assert SCOTLAND.first_core_group_working_days == 15
    assert SCOTLAND.pre_birth_conference_gestation_week == 28


def test_a_scottish_planning_meeting_without_a_discussion_date_names_the_discussion() -> None:
    assessment = assess_one(initial("cppm", date(2022, 10, 3), None), rules=SCOTLAND)
    assert assessment.missing == "strategy_discussion_date"
    assert assessment.reason == (
        "Not determinable: no inter-agency referral discussion date recorded."
    )


def test_northern_ireland_counts_without_st_patricks_day() -> None:
    conference = initial("icpcc", date(2022, 4, 1), date(2022, 3, 10))
    assert assess_one(conference, rules=NORTHERN_IRELAND).due_on == date(2022, 4, 1)
    assert assess_one(conference, rules=ENGLAND).due_on == date(2022, 3, 31)
    assert "SBNI" in NORTHERN_IRELAND.rule(RuleName.initial_conference).citation


# ----------------------------------------------------------------------------------------------
# Local settings
# ----------------------------------------------------------------------------------------------


def test_a_local_setting_changes_the_timescale_and_the_citation_says_so() -> None:
    rules = rule_set_for(Nation.england, transfer_in_conference_working_days=10)
    assessment = assess_one(transfer_in("tcpc", date(2022, 9, 20), date(2022, 9, 5)), rules=rules)
    assert assessment.due_on == date(2022, 9, 20)
    initial_rule = rule_set_for("england", initial_conference_days=20).rule(
        RuleName.initial_conference
    )
    assert initial_rule.citation.startswith("Local setting (national guidance: Working Together")


def test_an_unknown_local_setting_is_refused() -> None:
    with pytest.raises(ValueError, match="Unknown timeliness setting"):
        rule_set_for(Nation.england, initial_working_days=20)


def test_an_impossible_local_setting_is_refused() -> None:
    with pytest.raises(ValueError, match="first_review_months must be a whole number"):
        rule_set_for(Nation.england, first_review_months=0)
    with pytest.raises(ValueError, match="week of pregnancy from 1 to 40"):
        rule_set_for(Nation.england, pre_birth_conference_gestation_week=41)


def test_the_nation_is_not_a_local_setting() -> None:
    with pytest.raises(ValueError, match="first argument"):
        rule_set_for(Nation.england, nation=Nation.wales)


# ----------------------------------------------------------------------------------------------
# Other due dates: pre-birth, core group, chairs' checks
# ----------------------------------------------------------------------------------------------


def test_a_pre_birth_conference_is_due_by_week_32_eight_weeks_before_the_due_date() -> None:
    assert pre_birth_conference_due_on(date(2025, 3, 1), ENGLAND) == date(2025, 1, 4)


def test_the_pre_birth_week_is_a_local_setting() -> None:
    rules = rule_set_for(Nation.england, pre_birth_conference_gestation_week=30)
    assert pre_birth_conference_due_on(date(2025, 3, 1), rules) == date(2024, 12, 21)
    assert pre_birth_conference_due_on(date(2025, 3, 1), SCOTLAND) == date(2024, 12, 7)


def test_the_core_group_first_meets_within_10_working_days_of_the_conference() -> None:
    assert first_core_group_due_on(date(2022, 9, 5), ENGLAND) == date(2022, 9, 20)  # funeral


def test_the_pre_review_check_is_10_working_days_before_the_review_is_due() -> None:
    # Due Tuesday 10 January 2023, counted back over 2 January and Christmas (26, 27 December).
    assert pre_review_check_due_on(date(2023, 1, 10), ENGLAND) == date(2022, 12, 22)


def test_the_midway_check_is_halfway_in_calendar_days_rounded_down() -> None:
    assert midway_check_due_on(date(2022, 1, 31), date(2022, 4, 30)) == date(2022, 3, 16)  # 89
    assert midway_check_due_on(date(2022, 1, 1), date(2022, 1, 3)) == date(2022, 1, 2)


def test_a_midway_check_that_falls_on_a_weekend_or_bank_holiday_is_due_the_working_day_before():
    rules = ENGLAND
    # a working day stays as it is: Tuesday 5 July 2022
    assert midway_check_due_on(date(2022, 4, 5), date(2022, 10, 5), rules) == date(2022, 7, 5)
    # halfway is Saturday 8 October 2022: due Friday 7 October
    assert midway_check_due_on(date(2022, 7, 8), date(2023, 1, 8), rules) == date(2022, 10, 7)
    # halfway is the August bank holiday, Monday 29 August 2022: due Friday 26 August
    assert midway_check_due_on(date(2022, 7, 29), date(2022, 9, 29), rules) == date(2022, 8, 26)


def test_the_schedule_of_a_new_plan_counts_from_its_initial_conference() -> None:
    conferences = [initial("icpc", date(2022, 9, 26), date(2022, 9, 5))]
    schedule = plan_schedule(plan("plan", date(2022, 9, 26)), conferences, ENGLAND)
    assert schedule.start_conference_key == schedule.latest_conference_key == "icpc"
    assert schedule.first_core_group_due_on == date(2022, 10, 10)
    assert schedule.next_review_due_on == date(2022, 12, 26)
    assert schedule.midway_check_due_on == date(2022, 11, 10)
    assert schedule.pre_review_check_due_on == date(2022, 12, 12)


def test_the_schedule_after_a_review_counts_the_next_review_from_it() -> None:
    conferences = [
        initial("icpc", date(2022, 1, 31), date(2022, 1, 10)),
        review("rcpc", date(2022, 4, 29)),
        initial("old", date(2020, 6, 1), date(2020, 5, 11)),  # an earlier plan's
    ]
    schedule = plan_schedule(plan("plan", date(2022, 1, 31)), conferences, ENGLAND)
    assert schedule.start_conference_key == "icpc"
    assert schedule.latest_conference_key == "rcpc"
    assert schedule.first_core_group_due_on == date(2022, 2, 14)
    assert schedule.next_review_due_on == date(2022, 10, 29)
    assert schedule.midway_check_due_on == date(2022, 7, 29)


def test_a_plan_with_no_conference_recorded_has_no_review_due_yet() -> None:
    schedule = plan_schedule(plan("plan", date(2022, 9, 26)), [], ENGLAND)
    assert schedule.first_core_group_due_on == date(2022, 10, 10)
    assert schedule.next_review_due_on is None
    assert schedule.midway_check_due_on is None
    assert schedule.pre_review_check_due_on is None


def test_an_ended_plan_has_no_schedule() -> None:
    with pytest.raises(ValueError, match="only an open plan has a schedule"):
        plan_schedule(plan("plan", date(2022, 1, 31), date(2022, 6, 1)), [], ENGLAND)
