"""A child's age, as the pages say it: whole years from the date of birth (a child born on 29
February is a year older on 1 March in years without one), in months under 2, in weeks under
2 months; unborn children by their expected date."""

from __future__ import annotations

import datetime as dt

from .calendar import add_months


def age_in_years(born_on: dt.date, on: dt.date) -> int:
    """Whole years from `born_on` to `on`."""
    return on.year - born_on.year - ((on.month, on.day) < (born_on.month, born_on.day))


def whole_months(start_on: dt.date, on: dt.date) -> int:
    """Whole months from `start_on` to `on`: the largest N with start_on + N months <= on."""
    months = (on.year - start_on.year) * 12 + on.month - start_on.month
    while months > 0 and add_months(start_on, months) > on:
        months -= 1
    return max(months, 0)


def _plural(count: int, unit: str) -> str:
    return f"{count} {unit}{'' if count == 1 else 's'}"


def age_in_words(born_on: dt.date | None, expected_on: dt.date | None, on: dt.date) -> str:
    """ "8 years", "14 months", "3 weeks", "Unborn, expected 3 January 2027"."""
    if born_on is None or born_on > on:
        if expected_on is None:
            return "Unborn, expected date not recorded"
        return f"Unborn, expected {expected_on.day} {expected_on:%B %Y}"
    years = age_in_years(born_on, on)
    if years >= 2:
        return _plural(years, "year")
    months = whole_months(born_on, on)
    if months >= 2:
        return _plural(months, "month")
    return _plural((on - born_on).days // 7, "week")


def length_in_words(start_on: dt.date, on: dt.date) -> str:
    """How long a plan has lasted: "9 months", "2 years 3 months", "less than a month"."""
    months = whole_months(start_on, on)
    if months == 0:
        return "less than a month"
    years, months = divmod(months, 12)
    parts = [_plural(years, "year")] if years else []
    if months:
        parts.append(_plural(months, "month"))
    return " ".join(parts)
