"""Working days, bank holidays and month arithmetic for statutory timescales.

Statutory guidance counts most child protection timescales in *working days* (Working Together
to Safeguard Children 2023, chapter 3: "within 15 working days of the strategy discussion") and
the review cycle in *months*. This module is the one place that knows what a working day is and
what "N months after" means; everything else asks it.

Bank holidays come from the ``holidays`` package (pinned in requirements.txt, because new one-off
bank holidays such as the State Funeral on 19 September 2022 only arrive in new releases), for the
UK nation the installation is configured for. England and Wales share one list. The module reads
no file: an adapter may hand in the same list from elsewhere (``use_bank_holidays``).
"""

from __future__ import annotations

import calendar as _stdlib_calendar
import datetime as dt
from bisect import bisect_left, bisect_right
from collections.abc import Callable, Mapping
from enum import StrEnum
from functools import cache

__all__ = [
    "FIRST_COVERED_YEAR",
    "LAST_COVERED_YEAR",
    "CalendarRangeError",
    "Nation",
    "WorkingDayCalendar",
    "add_months",
    "bank_holidays_from_package",
    "calendar_for",
    "use_bank_holidays",
]

FIRST_COVERED_YEAR = 1970
"""First year whose bank holidays the calendars know (records older than this are not expected)."""

LAST_COVERED_YEAR = 2069
"""Last year whose bank holidays the calendars know; later dates are refused, not guessed."""


class Nation(StrEnum):
    """The UK nation whose bank holidays and child protection guidance an installation follows."""

    england = "england"
    wales = "wales"
    scotland = "scotland"
    northern_ireland = "northern_ireland"


_HOLIDAYS_SUBDIVISION: dict[Nation, str] = {
    Nation.england: "ENG",
    Nation.wales: "WLS",
    Nation.scotland: "SCT",
    Nation.northern_ireland: "NIR",
}


class CalendarRangeError(ValueError):
    """A date falls outside the years whose bank holidays the calendar knows."""


class WorkingDayCalendar:
    """Working days for one nation: Monday to Friday, less that nation's bank holidays.

    The calendar is built once for every year from FIRST_COVERED_YEAR to LAST_COVERED_YEAR as a
    sorted list of the ordinals of all working days, so each question is a binary search (about a
    microsecond) rather than a day-by-day walk. Use ``calendar_for(nation)`` to share one
    instance per nation.
    """

    def __init__(self, nation: Nation, bank_holidays: Mapping[dt.date, str] | None = None) -> None:
        self.nation = Nation(nation)
        self._bank_holiday_names: dict[dt.date, str] = dict(
            bank_holidays_from_package(self.nation) if bank_holidays is None else bank_holidays
        )
        self._first_on = dt.date(FIRST_COVERED_YEAR, 1, 1)
        self._last_on = dt.date(LAST_COVERED_YEAR, 12, 31)
        bank_holiday_ordinals = {day.toordinal() for day in self._bank_holiday_names}
        # Ordinal 1 (1 January of year 1) was a Monday: (ordinal - 1) % 7 is the weekday.
        self._working_ordinals: list[int] = [
            ordinal
            for ordinal in range(self._first_on.toordinal(), self._last_on.toordinal() + 1)
            if (ordinal - 1) % 7 < 5 and ordinal not in bank_holiday_ordinals
        ]
        self._working_ordinal_set = frozenset(self._working_ordinals)

    def __repr__(self) -> str:
        return f"WorkingDayCalendar({self.nation.value!r})"

    def _check_covered(self, day: dt.date) -> None:
        if not self._first_on <= day <= self._last_on:
            raise CalendarRangeError(
                f"{day.isoformat()} is outside the years whose bank holidays are known "
                f"({FIRST_COVERED_YEAR} to {LAST_COVERED_YEAR})."
            )

    def bank_holiday_name(self, day: dt.date) -> str | None:
        """The bank holiday on ``day`` (weekend dates included, as the holidays package lists
        them), or None."""
        self._check_covered(day)
        return self._bank_holiday_names.get(day)

    def is_working_day(self, day: dt.date) -> bool:
        """True when ``day`` is a Monday to Friday that is not a bank holiday in this nation."""
        self._check_covered(day)
        return day.toordinal() in self._working_ordinal_set

    def add_working_days(self, start_on: dt.date, working_days: int) -> dt.date:
        """The date ``working_days`` working days after ``start_on``.

        "N working days after D" is the N-th working day counted from the day after D, so the
        start day itself never counts, whether or not it is a working day (a strategy discussion
        on a Saturday counts from the Monday, or the Tuesday after a bank holiday Monday).
        A negative number counts backwards the same way from the day before ``start_on``
        ("10 working days before the review is due"). Zero returns ``start_on`` unchanged.
        """
        self._check_covered(start_on)
        if working_days == 0:
            return start_on
        ordinal = start_on.toordinal()
        if working_days > 0:
            index = bisect_right(self._working_ordinals, ordinal) + working_days - 1
        else:
            index = bisect_left(self._working_ordinals, ordinal) + working_days
        if not 0 <= index < len(self._working_ordinals):
            raise CalendarRangeError(
                f"{working_days} working days from {start_on.isoformat()} falls outside the years "
                f"whose bank holidays are known ({FIRST_COVERED_YEAR} to {LAST_COVERED_YEAR})."
            )
        return dt.date.fromordinal(self._working_ordinals[index])

    def working_days_between(self, earlier_on: dt.date, later_on: dt.date) -> int:
        """The number of working days d with ``earlier_on < d <= later_on``.

        This is how late a conference is in working days: held on the first working day after
        its due date is 1 working day late. Negative when ``later_on`` is before ``earlier_on``.
        """
        self._check_covered(earlier_on)
        self._check_covered(later_on)
        if later_on < earlier_on:
            return -self.working_days_between(later_on, earlier_on)
        return bisect_right(self._working_ordinals, later_on.toordinal()) - bisect_right(
            self._working_ordinals, earlier_on.toordinal()
        )

    def working_day_on_or_before(self, day: dt.date) -> dt.date:
        """``day`` when it is a working day, otherwise the last working day before it."""
        self._check_covered(day)
        index = bisect_right(self._working_ordinals, day.toordinal()) - 1
        if index < 0:
            raise CalendarRangeError(f"no known working day on or before {day.isoformat()}.")
        return dt.date.fromordinal(self._working_ordinals[index])

    def working_day_on_or_after(self, day: dt.date) -> dt.date:
        """``day`` when it is a working day, otherwise the first working day after it."""
        self._check_covered(day)
        index = bisect_left(self._working_ordinals, day.toordinal())
        if index == len(self._working_ordinals):
            raise CalendarRangeError(f"no known working day on or after {day.isoformat()}.")
        return dt.date.fromordinal(self._working_ordinals[index])

    def working_days(self, first_on: dt.date, last_on: dt.date) -> list[dt.date]:
        """Every working day from ``first_on`` to ``last_on``, both included, in order."""
        self._check_covered(first_on)
        self._check_covered(last_on)
        low = bisect_left(self._working_ordinals, first_on.toordinal())
        high = bisect_right(self._working_ordinals, last_on.toordinal())
        return [dt.date.fromordinal(ordinal) for ordinal in self._working_ordinals[low:high]]


def bank_holidays_from_package(nation: Nation) -> dict[dt.date, str]:
    """The nation's bank holidays in every covered year, by date, as the holidays package
    lists them."""
    import holidays

    years = range(FIRST_COVERED_YEAR, LAST_COVERED_YEAR + 1)
    named = holidays.country_holidays(
        "GB", subdiv=_HOLIDAYS_SUBDIVISION[Nation(nation)], years=years
    )
    return dict(named.items())


BankHolidaySource = Callable[[Nation], Mapping[dt.date, str]]
_bank_holiday_source: BankHolidaySource = bank_holidays_from_package


def use_bank_holidays(source: BankHolidaySource) -> None:
    """Where `calendar_for`'s calendars take each nation's bank holidays from: the holidays
    package unless an adapter outside the domain hands in another source (the application
    hands in a file cache of the package's list: safeguard.conferences.holidays)."""
    global _bank_holiday_source
    if source is _bank_holiday_source:
        return
    _bank_holiday_source = source
    _calendar_of.cache_clear()


def calendar_for(nation: Nation | str) -> WorkingDayCalendar:
    """The shared working-day calendar for ``nation`` (built once per process, then reused)."""
    return _calendar_of(Nation(nation))


@cache
def _calendar_of(nation: Nation) -> WorkingDayCalendar:
    return WorkingDayCalendar(nation, _bank_holiday_source(nation))


def add_months(day: dt.date, months: int) -> dt.date:
    """``day`` moved by ``months`` calendar months, keeping the day number where it exists.

    "N months after D" is the same day number N months later, or the last day of that month when
    it is shorter (report-figures.md, Timeliness): 31 January + 3 months = 30 April; 29 February
    2024 + 6 months = 29 August 2024; 30 November 2023 + 3 months = 29 February 2024.
    """
    month_index = day.year * 12 + (day.month - 1) + months
    year, month_zero_based = divmod(month_index, 12)
    month = month_zero_based + 1
    if day.day <= 28:  # every month has the day: no need to ask how long it is
        return dt.date(year, month, day.day)
    last_day = _stdlib_calendar.monthrange(year, month)[1]
    return dt.date(year, month, min(day.day, last_day))
