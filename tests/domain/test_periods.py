"""Report periods, half-years and financial years (safeguard.domain.periods)."""

from __future__ import annotations

from datetime import date

import pytest

from safeguard.domain.periods import (
    FinancialYear,
    Period,
    PeriodError,
    ReportWindows,
    financial_year_of,
    last_complete_financial_year,
    latest_completed_half_year,
    long_date,
    month_end,
    month_ends,
    report_windows,
    year_earlier,
)


def test_a_period_is_whole_calendar_months() -> None:
    period = Period(date(2022, 4, 1), date(2022, 9, 30))
    assert period.month_count == 6
    assert date(2022, 4, 1) in period
    assert date(2022, 9, 30) in period
    assert date(2022, 10, 1) not in period
    assert str(period) == "1 April 2022 to 30 September 2022"


def test_a_one_month_period_is_allowed() -> None:
    assert Period(date(2024, 2, 1), date(2024, 2, 29)).month_count == 1


def test_a_period_that_does_not_start_on_the_first_is_refused_with_a_readable_message() -> None:
    with pytest.raises(
        PeriodError, match="must start on the first day of a month; 15 April 2022 is not"
    ):
        Period(date(2022, 4, 15), date(2022, 9, 30))


def test_a_period_that_does_not_end_on_a_month_end_is_refused_with_a_suggestion() -> None:
    with pytest.raises(PeriodError, match="Did you mean 28 February 2023"):
        Period(date(2022, 4, 1), date(2023, 2, 27))


def test_a_period_that_ends_before_it_starts_is_refused() -> None:
    with pytest.raises(PeriodError, match="cannot end"):
        Period(date(2022, 10, 1), date(2022, 9, 30))


def test_period_error_is_a_value_error() -> None:
    assert issubclass(PeriodError, ValueError)


@pytest.mark.parametrize(
    ("as_of", "expected"),
    [
        (date(2022, 9, 30), Period(date(2021, 10, 1), date(2022, 3, 31))),  # still running
        (date(2022, 10, 1), Period(date(2022, 4, 1), date(2022, 9, 30))),
        (date(2022, 11, 26), Period(date(2022, 4, 1), date(2022, 9, 30))),
        (date(2023, 3, 31), Period(date(2022, 4, 1), date(2022, 9, 30))),
        (date(2023, 4, 1), Period(date(2022, 10, 1), date(2023, 3, 31))),
        (date(2023, 1, 1), Period(date(2022, 4, 1), date(2022, 9, 30))),
        (date(2022, 4, 1), Period(date(2021, 10, 1), date(2022, 3, 31))),
    ],
)
def test_the_default_period_is_the_latest_half_year_that_has_fully_ended(
    as_of: date, expected: Period
) -> None:
    assert latest_completed_half_year(as_of) == expected


@pytest.mark.parametrize(
    ("day", "name", "start_on", "end_on"),
    [
        (date(2022, 4, 1), "2022/23", date(2022, 4, 1), date(2023, 3, 31)),
        (date(2023, 3, 31), "2022/23", date(2022, 4, 1), date(2023, 3, 31)),
        (date(2024, 1, 15), "2023/24", date(2023, 4, 1), date(2024, 3, 31)),
        (date(1999, 12, 31), "1999/00", date(1999, 4, 1), date(2000, 3, 31)),
    ],
)
def test_a_financial_year_runs_from_april_to_march_and_is_named_by_both_years(
    day: date, name: str, start_on: date, end_on: date
) -> None:
    year = financial_year_of(day)
    assert (year.name, year.start_on, year.end_on) == (name, start_on, end_on)
    assert str(year) == name
    assert day in year
    assert year.period == Period(start_on, end_on)


@pytest.mark.parametrize(
    ("period_end_on", "expected_name"),
    [
        (date(2024, 3, 31), "2023/24"),
        (date(2022, 9, 30), "2021/22"),
        (date(2023, 2, 28), "2021/22"),
        (date(2023, 3, 31), "2022/23"),
    ],
)
def test_the_last_complete_financial_year_ends_on_or_before_the_period_end(
    period_end_on: date, expected_name: str
) -> None:
    assert last_complete_financial_year(period_end_on).name == expected_name


def test_financial_years_order_by_their_start() -> None:
    assert FinancialYear(2021) < FinancialYear(2022)


@pytest.mark.parametrize(
    ("day", "expected_on"),
    [
        (date(2025, 2, 28), date(2024, 2, 29)),
        (date(2024, 2, 29), date(2023, 2, 28)),
        (date(2022, 9, 30), date(2021, 9, 30)),
        (date(2024, 3, 31), date(2023, 3, 31)),
    ],
)
def test_a_year_earlier_is_the_last_day_of_the_same_month_one_year_before(
    day: date, expected_on: date
) -> None:
    assert year_earlier(day) == expected_on


def test_month_end() -> None:
    assert month_end(date(2024, 2, 10)) == date(2024, 2, 29)
    assert month_end(date(2023, 2, 10)) == date(2023, 2, 28)
    assert month_end(date(2022, 12, 1)) == date(2022, 12, 31)


def test_month_ends_are_the_last_days_of_the_months_ending_with_the_given_month() -> None:
    assert month_ends(date(2022, 2, 28), 4) == (
        date(2021, 11, 30),
        date(2021, 12, 31),
        date(2022, 1, 31),
        date(2022, 2, 28),
    )


def test_month_end_series_for_the_report_covers_36_months_oldest_first() -> None:
    series = month_ends(date(2022, 9, 30), 36)
    assert len(series) == 36
    assert series[0] == date(2019, 10, 31)
    assert series[-1] == date(2022, 9, 30)
    assert list(series) == sorted(series)


def test_no_month_ends_for_a_count_of_zero() -> None:
    assert month_ends(date(2022, 9, 30), 0) == ()


def test_long_date_is_written_as_in_a_report() -> None:
    assert long_date(date(2022, 9, 5)) == "5 September 2022"


def test_unborn_childrens_initials_are_compared_over_the_year_to_the_period_end_and_the_year_before():
    assert report_windows(Period(date(2022, 4, 1), date(2022, 9, 30))) == ReportWindows(
        unborn_year=Period(date(2021, 10, 1), date(2022, 9, 30)),
        unborn_previous_year=Period(date(2020, 10, 1), date(2021, 9, 30)),
    )
    assert report_windows(Period(date(2024, 1, 1), date(2024, 2, 29))).unborn_previous_year == (
        Period(date(2022, 3, 1), date(2023, 2, 28))
    )
