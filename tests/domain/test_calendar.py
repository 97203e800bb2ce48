"""Working days, bank holidays and month arithmetic (safeguard.domain.calendar)."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from safeguard.domain.calendar import (
    CalendarRangeError,
    Nation,
    WorkingDayCalendar,
    add_months,
    calendar_for,
)

england = calendar_for(Nation.england)
wales = calendar_for(Nation.wales)
scotland = calendar_for(Nation.scotland)
northern_ireland = calendar_for(Nation.northern_ireland)


def test_weekends_are_not_working_days() -> None:
    assert england.is_working_day(date(2024, 5, 3))  # Friday
    assert not england.is_working_day(date(2024, 5, 4))  # Saturday
    assert not england.is_working_day(date(2024, 5, 5))  # Sunday


@pytest.mark.parametrize(
    "bank_holiday_on",
    [
        date(2022, 1, 3),  # New Year's Day, observed
        date(2022, 4, 15),  # Good Friday
        date(2022, 4, 18),  # Easter Monday
        date(2022, 5, 2),  # Early May
        date(2022, 6, 2),  # Spring
        date(2022, 6, 3),  # Platinum Jubilee
        date(2022, 8, 29),  # Summer
        date(2022, 9, 19),  # State Funeral of Queen Elizabeth II
        date(2022, 12, 26),  # Boxing Day
        date(2022, 12, 27),  # Christmas Day, observed
        date(2023, 5, 8),  # Coronation of King Charles III
        date(2025, 12, 25),
    ],
)
def test_england_and_wales_bank_holidays_are_not_working_days(bank_holiday_on: date) -> None:
    assert not england.is_working_day(bank_holiday_on)
    assert not wales.is_working_day(bank_holiday_on)


def test_england_and_wales_share_one_list_of_bank_holidays() -> None:
    day = date(1990, 1, 1)
    while day <= date(2040, 12, 31):
        assert england.is_working_day(day) == wales.is_working_day(day), day
        day += timedelta(days=1)


def test_one_off_bank_holidays_apply_in_every_nation() -> None:
    for calendar in (england, wales, scotland, northern_ireland):
        assert not calendar.is_working_day(date(2022, 9, 19))
        assert not calendar.is_working_day(date(2023, 5, 8))


def test_scotland_has_its_own_bank_holidays() -> None:
    assert not scotland.is_working_day(date(2024, 1, 2))  # 2 January
    assert not scotland.is_working_day(date(2022, 11, 30))  # St Andrew's Day
    assert not scotland.is_working_day(date(2024, 8, 5))  # first Monday in August
    assert scotland.is_working_day(date(2024, 4, 1))  # Easter Monday is not one
    assert scotland.is_working_day(date(2024, 8, 26))  # nor the last Monday in August
    assert england.is_working_day(date(2024, 1, 2))


def test_northern_ireland_has_its_own_bank_holidays() -> None:
    assert not northern_ireland.is_working_day(date(2022, 3, 17))  # St Patrick's Day
    assert not northern_ireland.is_working_day(date(2022, 7, 12))  # Battle of the Boyne
    assert england.is_working_day(date(2022, 3, 17))


def test_bank_holiday_name_says_what_the_day_is() -> None:
    assert england.bank_holiday_name(date(2022, 9, 19)) == "State Funeral of Queen Elizabeth II"
    assert england.bank_holiday_name(date(2022, 9, 20)) is None


@pytest.mark.parametrize(
    ("start_on", "working_days", "expected_on"),
    [
        (date(2023, 12, 15), 15, date(2024, 1, 10)),  # Christmas, Boxing Day, New Year's Day
        (date(2022, 9, 5), 15, date(2022, 9, 27)),  # the State Funeral
        (date(2024, 3, 22), 15, date(2024, 4, 16)),  # Good Friday and Easter Monday
        (date(2024, 8, 23), 15, date(2024, 9, 16)),  # Friday before the August bank holiday
        (date(2024, 5, 4), 15, date(2024, 5, 28)),  # Saturday: day 1 is Tuesday 7 May
        (date(2025, 12, 27), 1, date(2025, 12, 29)),  # a Saturday start + 1 is the Monday
        (date(2024, 5, 3), 1, date(2024, 5, 7)),  # Friday before a bank holiday Monday
    ],
)
def test_n_working_days_after_counts_from_the_day_after(
    start_on: date, working_days: int, expected_on: date
) -> None:
    assert england.add_working_days(start_on, working_days) == expected_on


def test_the_start_day_never_counts_even_when_it_is_a_bank_holiday() -> None:
    # 1 May 2023 was the May Day bank holiday; 8 May the Coronation.
    assert england.add_working_days(date(2023, 5, 1), 15) == date(2023, 5, 23)


def test_zero_working_days_after_a_day_is_that_day() -> None:
    assert england.add_working_days(date(2024, 5, 4), 0) == date(2024, 5, 4)


def test_negative_working_days_count_back_from_the_day_before() -> None:
    assert england.add_working_days(date(2024, 5, 7), -1) == date(2024, 5, 3)  # over a bank hol.
    assert england.add_working_days(date(2024, 5, 4), -1) == date(2024, 5, 3)  # from a Saturday
    assert england.add_working_days(date(2024, 1, 10), -15) == date(2023, 12, 15)


def test_working_days_between_counts_after_the_earlier_up_to_the_later() -> None:
    assert england.working_days_between(date(2024, 1, 10), date(2024, 1, 10)) == 0
    assert england.working_days_between(date(2024, 1, 10), date(2024, 1, 11)) == 1
    assert england.working_days_between(date(2024, 5, 3), date(2024, 5, 7)) == 1
    assert england.working_days_between(date(2024, 5, 3), date(2024, 5, 6)) == 0
    assert england.working_days_between(date(2023, 12, 15), date(2024, 1, 10)) == 15
    assert england.working_days_between(date(2024, 1, 11), date(2024, 1, 10)) == -1


def test_dates_outside_the_known_years_are_refused_not_guessed() -> None:
    with pytest.raises(CalendarRangeError, match="1969-12-31 is outside"):
        england.is_working_day(date(1969, 12, 31))
    with pytest.raises(CalendarRangeError):
        england.add_working_days(date(2069, 12, 30), 15)


def test_calendar_for_builds_each_nation_once() -> None:
    assert calendar_for(Nation.scotland) is calendar_for(Nation.scotland)
    assert calendar_for("wales") is wales
    assert isinstance(england, WorkingDayCalendar)


@pytest.mark.parametrize(
    ("day", "months", "expected_on"),
    [
        (date(2022, 1, 31), 3, date(2022, 4, 30)),
        (date(2023, 11, 30), 3, date(2024, 2, 29)),
        (date(2022, 11, 30), 3, date(2023, 2, 28)),
        (date(2022, 8, 31), 6, date(2023, 2, 28)),
        (date(2023, 8, 31), 6, date(2024, 2, 29)),
        (date(2024, 2, 29), 6, date(2024, 8, 29)),
        (date(2024, 2, 29), 12, date(2025, 2, 28)),
        (date(2022, 3, 15), 6, date(2022, 9, 15)),
        (date(2022, 10, 31), 3, date(2023, 1, 31)),  # across a year end
        (date(2022, 5, 31), -3, date(2022, 2, 28)),
        (date(2022, 5, 31), 0, date(2022, 5, 31)),
    ],
)
def test_n_months_after_keeps_the_day_number_or_takes_the_month_end(
    day: date, months: int, expected_on: date
) -> None:
    assert add_months(day, months) == expected_on


def test_a_working_day_on_or_before_and_after_a_bank_holiday_weekend() -> None:
    # Good Friday 7 April 2023 and Easter Monday 10 April 2023 around a weekend.

    assert england.working_day_on_or_before(date(2023, 4, 10)) == date(2023, 4, 6)
    assert england.working_day_on_or_after(date(2023, 4, 7)) == date(2023, 4, 11)
    assert england.working_day_on_or_before(date(2023, 4, 6)) == date(2023, 4, 6)
    assert england.working_day_on_or_after(date(2023, 4, 11)) == date(2023, 4, 11)


def test_the_working_days_of_a_span_include_both_ends() -> None:

    assert england.working_days(date(2023, 4, 6), date(2023, 4, 11)) == [
        date(2023, 4, 6),
        date(2023, 4, 11),
    ]
    assert england.working_days(date(2023, 4, 11), date(2023, 4, 6)) == []
