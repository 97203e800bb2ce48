"""Properties that must hold for every date, not only the worked cases (hypothesis)."""

from __future__ import annotations

from datetime import date, timedelta

import holidays
from hypothesis import given, settings
from hypothesis import strategies as st

from safeguard.domain.calendar import Nation, add_months, calendar_for
from safeguard.domain.periods import latest_completed_half_year, month_end
from safeguard.domain.timeliness import (
    ConferenceFacts,
    ConferenceKind,
    DayUnit,
    PlanFacts,
    RuleSet,
    Verdict,
    assess_child,
    first_core_group_due_on,
    initial_conference_due_on,
    rule_set_for,
    transfer_in_conference_due_on,
)

# Modest example counts keep the whole domain suite to a few seconds.
examples = settings(max_examples=120, deadline=None)

days = st.dates(min_value=date(1995, 1, 1), max_value=date(2039, 6, 30))
nations = st.sampled_from(list(Nation))
rule_sets = nations.map(rule_set_for)

_SUBDIVISION = {
    Nation.england: "ENG",
    Nation.wales: "WLS",
    Nation.scotland: "SCT",
    Nation.northern_ireland: "NIR",
}
_BANK_HOLIDAYS = {
    nation: holidays.country_holidays("GB", subdiv=code, years=range(1990, 2045))
    for nation, code in _SUBDIVISION.items()
}


def add_working_days_by_hand(nation: Nation, start_on: date, working_days: int) -> date:
    """The slow, obvious reading of "N working days after D": walk one day at a time."""
    step = timedelta(days=1 if working_days > 0 else -1)
    day, remaining = start_on, abs(working_days)
    while remaining:
        day += step
        if day.weekday() < 5 and day not in _BANK_HOLIDAYS[nation]:
            remaining -= 1
    return day


@examples
@given(nations, days, st.integers(min_value=-40, max_value=40))
def test_add_working_days_agrees_with_walking_day_by_day(
    nation: Nation, start_on: date, working_days: int
) -> None:
    expected = add_working_days_by_hand(nation, start_on, working_days)
    assert calendar_for(nation).add_working_days(start_on, working_days) == expected


@examples
@given(nations, days, st.integers(min_value=1, max_value=40))
def test_working_days_between_undoes_add_working_days(
    nation: Nation, start_on: date, working_days: int
) -> None:
    calendar = calendar_for(nation)
    due_on = calendar.add_working_days(start_on, working_days)
    assert calendar.working_days_between(start_on, due_on) == working_days


@examples
@given(rule_sets, days)
def test_a_working_day_due_date_is_never_a_weekend_or_bank_holiday(
    rules: RuleSet, start_on: date
) -> None:
    due_dates = [
        transfer_in_conference_due_on(start_on, rules),
        first_core_group_due_on(start_on, rules),
    ]
    if rules.initial_conference_day_unit is DayUnit.working:
        due_dates.append(initial_conference_due_on(start_on, rules))
    for due_on in due_dates:
        assert due_on.weekday() < 5
        assert due_on not in _BANK_HOLIDAYS[rules.nation]


@examples
@given(days, st.integers(min_value=-120, max_value=120))
def test_n_months_after_lands_in_the_right_month_on_the_same_day_or_the_month_end(
    day: date, months: int
) -> None:
    moved = add_months(day, months)
    assert (moved.year * 12 + moved.month) - (day.year * 12 + day.month) == months
    assert moved.day == day.day or (moved.day < day.day and (moved + timedelta(days=1)).day == 1)


def _initial_held(rules: RuleSet, strategy_discussion_on: date, held_on: date) -> ConferenceFacts:
    return ConferenceFacts("icpc", ConferenceKind.initial, held_on, strategy_discussion_on)


@examples
@given(rule_sets, days)
def test_an_initial_conference_on_its_due_date_is_within_and_a_day_later_is_out(
    rules: RuleSet, strategy_discussion_on: date
) -> None:
    due_on = initial_conference_due_on(strategy_discussion_on, rules)
    on_time = assess_child([_initial_held(rules, strategy_discussion_on, due_on)], [], rules)
    late = assess_child(
        [_initial_held(rules, strategy_discussion_on, due_on + timedelta(days=1))], [], rules
    )
    assert on_time["icpc"].verdict is Verdict.within
    assert late["icpc"].verdict is Verdict.out
    assert late["icpc"].days_late == 1


@examples
@given(rule_sets, days, st.sampled_from([ConferenceKind.initial, ConferenceKind.review]))
def test_a_review_on_its_due_date_is_within_and_a_day_later_is_out(
    rules: RuleSet, previous_on: date, previous_kind: ConferenceKind
) -> None:
    months = (
        rules.later_review_months
        if previous_kind is ConferenceKind.review
        else rules.first_review_months
    )
    due_on = add_months(previous_on, months)
    plans = [PlanFacts("plan", previous_on)]
    previous = ConferenceFacts("a", previous_kind, previous_on)
    for held_on, verdict in ((due_on, Verdict.within), (due_on + timedelta(days=1), Verdict.out)):
        assessment = assess_child(
            [previous, ConferenceFacts("b", ConferenceKind.review, held_on)], plans, rules
        )
        assert assessment["b"].due_on == due_on
        assert assessment["b"].verdict is verdict


@st.composite
def child_histories(draw: st.DrawFn) -> tuple[list[ConferenceFacts], list[PlanFacts]]:
    """A child's records as they come from real data: any kinds, shared dates, gaps."""
    base_on = draw(st.dates(min_value=date(2010, 1, 1), max_value=date(2030, 1, 1)))
    offsets = st.integers(min_value=0, max_value=900)
    conferences = [
        ConferenceFacts(
            key=f"c{index}",
            kind=draw(st.sampled_from(list(ConferenceKind))),
            held_on=base_on + timedelta(days=draw(offsets)),
            strategy_discussion_on=draw(st.none() | st.just(base_on)),
            transfer_notification_on=draw(st.none() | st.just(base_on)),
        )
        for index in range(draw(st.integers(min_value=0, max_value=8)))
    ]
    plans = []
    for index in range(draw(st.integers(min_value=0, max_value=3))):
        start_on = base_on + timedelta(days=draw(offsets))
        length = draw(st.none() | st.integers(min_value=0, max_value=700))
        end_on = None if length is None else start_on + timedelta(days=length)
        plans.append(PlanFacts(f"p{index}", start_on, end_on))
    return conferences, plans


@settings(max_examples=60, deadline=None)
@given(rule_sets, child_histories(), st.randoms(use_true_random=False))
def test_verdicts_do_not_depend_on_the_order_of_the_records(
    rules: RuleSet,
    history: tuple[list[ConferenceFacts], list[PlanFacts]],
    shuffler: object,
) -> None:
    conferences, plans = history
    shuffled_conferences, shuffled_plans = list(conferences), list(plans)
    shuffler.shuffle(shuffled_conferences)  # type: ignore[attr-defined]
    shuffler.shuffle(shuffled_plans)  # type: ignore[attr-defined]
    assert assess_child(conferences, plans, rules) == assess_child(
        shuffled_conferences, shuffled_plans, rules
    )


@examples
@given(st.dates(min_value=date(1990, 1, 1), max_value=date(2060, 12, 31)))
def test_the_default_period_is_the_latest_half_year_ended_before_the_day(as_of: date) -> None:
    period = latest_completed_half_year(as_of)
    assert period.end_on < as_of
    assert period.month_count == 6
    assert period.start_on.month in (4, 10)
    following_end_on = month_end(add_months(period.end_on, 6))
    assert following_end_on >= as_of
