"""Report periods, half-years and financial years.

The rules are those of the Child Protection Report specification (report-figures.md, first
section): a period is whole calendar months, both ends inclusive; the default period is the
latest completed half-year (1 April to 30 September, or 1 October to 31 March); a financial year
runs 1 April to 31 March and is named "2022/23"; "a year earlier" than a period end is the last day
of the same month one year before.
"""

from __future__ import annotations

import calendar as _stdlib_calendar
import datetime as dt
from dataclasses import dataclass

from safeguard.domain.calendar import add_months

__all__ = [
    "MONTH_NAMES",
    "UNBORN_COMPARISON_MONTHS",
    "FinancialYear",
    "Period",
    "PeriodError",
    "ReportWindows",
    "financial_year_of",
    "last_complete_financial_year",
    "latest_completed_half_year",
    "long_date",
    "month_end",
    "month_ends",
    "period_ended_by",
    "report_windows",
    "year_earlier",
]

MONTH_NAMES: tuple[str, ...] = (
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
)

FINANCIAL_YEAR_FIRST_MONTH = 4
"""A UK public-sector financial year starts on 1 April (report-figures.md)."""


def long_date(day: dt.date) -> str:
    """``day`` as people write it in a report, "5 September 2022" (no locale involved)."""
    return f"{day.day} {MONTH_NAMES[day.month - 1]} {day.year}"


def month_end(day: dt.date) -> dt.date:
    """The last day of the calendar month that holds ``day``."""
    return dt.date(day.year, day.month, _stdlib_calendar.monthrange(day.year, day.month)[1])


class PeriodError(ValueError):
    """A report period that is not whole calendar months; the message is meant for the user."""


REPORT_FIRST_YEAR = 1900
REPORT_LAST_YEAR = 2999
"""The years a report period may fall in. The report also reads the eight calendar years before
the period and the year after it, which the calendar (years 1 to 9999) must hold; and no child
protection record falls outside these years."""


def report_period(start_on: dt.date, end_on: dt.date) -> Period:
    """The Period for a report, refused with PeriodError (a message for the person who asked)
    when it is not whole months in order or falls outside REPORT_FIRST_YEAR..REPORT_LAST_YEAR."""
    for day in (start_on, end_on):
        if not REPORT_FIRST_YEAR <= day.year <= REPORT_LAST_YEAR:
            raise PeriodError(
                f"A report period must fall between {REPORT_FIRST_YEAR} and {REPORT_LAST_YEAR}; "
                f"{day.year} does not"
            )
    return Period(start_on, end_on)


def period_ended_by(period: Period, today: dt.date) -> Period:
    """`period`, refused with PeriodError when it has not ended by `today`: a period ends at the
    end of its last day, so one ending today has not ended either. A report for it would count
    records still to be written as if they were all there is."""
    if period.end_on >= today:
        raise PeriodError(
            f"The period {period} has not ended: it ends on {long_date(period.end_on)} and "
            f"today is {long_date(today)}. A report can only be produced for a period that has "
            f"ended: select an end month before {MONTH_NAMES[today.month - 1]} {today.year}"
        )
    return period


@dataclass(frozen=True, order=True)
class Period:
    """A report period of whole calendar months: ``start_on`` and ``end_on`` both included.

    Refuses (with PeriodError) a start that is not the first of a month, an end that is not the
    last day of a month, and an end before the start.
    """

    start_on: dt.date
    end_on: dt.date

    def __post_init__(self) -> None:
        if self.start_on.day != 1:
            raise PeriodError(
                f"A period must start on the first day of a month; {long_date(self.start_on)} "
                f"is not. Did you mean 1 {MONTH_NAMES[self.start_on.month - 1]} "
                f"{self.start_on.year}?"
            )
        if self.end_on != month_end(self.end_on):
            raise PeriodError(
                f"A period must end on the last day of a month; {long_date(self.end_on)} is not. "
                f"Did you mean {long_date(month_end(self.end_on))}?"
            )
        if self.end_on < self.start_on:
            raise PeriodError(
                f"A period cannot end ({long_date(self.end_on)}) before it starts "
                f"({long_date(self.start_on)})"
            )

    def __contains__(self, day: object) -> bool:
        return isinstance(day, dt.date) and self.start_on <= day <= self.end_on

    def __str__(self) -> str:
        return f"{long_date(self.start_on)} to {long_date(self.end_on)}"

    @property
    def month_count(self) -> int:
        """How many calendar months the period covers."""
        return (self.end_on.year - self.start_on.year) * 12 + (
            self.end_on.month - self.start_on.month + 1
        )


@dataclass(frozen=True, order=True)
class FinancialYear:
    """The financial year that starts on 1 April of ``start_year`` and ends on 31 March after."""

    start_year: int

    @property
    def name(self) -> str:
        """The year as the report names it: "2022/23"."""
        return f"{self.start_year}/{(self.start_year + 1) % 100:02d}"

    @property
    def start_on(self) -> dt.date:
        return dt.date(self.start_year, FINANCIAL_YEAR_FIRST_MONTH, 1)

    @property
    def end_on(self) -> dt.date:
        return dt.date(self.start_year + 1, FINANCIAL_YEAR_FIRST_MONTH, 1) - dt.timedelta(days=1)

    @property
    def period(self) -> Period:
        return Period(self.start_on, self.end_on)

    def __contains__(self, day: object) -> bool:
        return isinstance(day, dt.date) and self.start_on <= day <= self.end_on

    def __str__(self) -> str:
        return self.name


def financial_year_of(day: dt.date) -> FinancialYear:
    """The financial year that holds ``day`` (31 March 2023 is in 2022/23, 1 April in 2023/24)."""
    start_year = day.year if day.month >= FINANCIAL_YEAR_FIRST_MONTH else day.year - 1
    return FinancialYear(start_year)


def last_complete_financial_year(period_end_on: dt.date) -> FinancialYear:
    """The latest financial year that ends on or before ``period_end_on``.

    A period ending 31 March 2024 gives 2023/24; one ending 30 September 2022 gives 2021/22
    (report-figures.md, ``timeliness.last_complete_year``).
    """
    year = financial_year_of(period_end_on)
    return year if year.end_on <= period_end_on else FinancialYear(year.start_year - 1)


def latest_completed_half_year(as_of: dt.date) -> Period:
    """The latest half-year (1 April-30 September or 1 October-31 March) completed by ``as_of``.

    A half-year is complete at the end of its last day, so it must end strictly before
    ``as_of``: on 30 September 2022 the half-year April-September 2022 is still running and the
    answer is 1 October 2021-31 March 2022; from 1 October 2022 it is April-September 2022.
    (docs/decisions/0002-timeliness-rules.md)
    """
    year = as_of.year
    candidates = (
        Period(dt.date(year, 4, 1), dt.date(year, 9, 30)),
        Period(dt.date(year - 1, 10, 1), dt.date(year, 3, 31)),
        Period(dt.date(year - 1, 4, 1), dt.date(year - 1, 9, 30)),
    )
    return next(period for period in candidates if period.end_on < as_of)


def year_earlier(day: dt.date) -> dt.date:
    """The last day of the same month one year before ``day``.

    Used for "a year earlier" than a period end: 28 February 2025 gives 29 February 2024, and
    30 September 2022 gives 30 September 2021 (report-figures.md).
    """
    return month_end(dt.date(day.year - 1, day.month, 1))


def month_ends(ending_on: dt.date, count: int) -> tuple[dt.date, ...]:
    """The last days of the ``count`` calendar months ending with ``ending_on``'s month, oldest
    first (``cp_population.month_end_series`` uses 36)."""
    if count < 0:
        raise ValueError(f"count must not be negative, got {count}.")
    last_first = ending_on.replace(day=1)
    return tuple(month_end(add_months(last_first, -back)) for back in range(count - 1, -1, -1))


UNBORN_COMPARISON_MONTHS = 12
"""Unborn children's initial conferences are compared over the 12 whole months to the period
end and the 12 before them (report-figures.md, unborn_initial_conferences)."""


@dataclass(frozen=True)
class ReportWindows:
    """The periods, other than the report's own, whose records a report counts: worked out once
    here, read by the selectors (what to count) and by the figures (what to call it)."""

    unborn_year: Period  # the 12 whole months ending with the period's last month
    unborn_previous_year: Period  # the 12 months before those


def report_windows(period: Period) -> ReportWindows:
    last_first = period.end_on.replace(day=1)
    year_start = add_months(last_first, -(UNBORN_COMPARISON_MONTHS - 1))
    previous_start = add_months(year_start, -UNBORN_COMPARISON_MONTHS)
    return ReportWindows(
        unborn_year=Period(year_start, month_end(period.end_on)),
        unborn_previous_year=Period(previous_start, year_start - dt.timedelta(days=1)),
    )
