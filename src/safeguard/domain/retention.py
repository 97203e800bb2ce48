"""Retention: when a child's records are past the authority's retention period.

The rule (docs/decisions/0004-retention.md): the retention clock starts on the later of the
child's 18th birthday (by date of birth, or expected date of birth for an unborn child) and the
last thing recorded about them. Their records are due for deletion `years` years after that
(SAFEGUARD_RETENTION_YEARS). A child with a plan still open is never due; a child with nothing
to count from is not due. A 29 February anniversary falls on 28 February in years without one.

What "the last thing recorded" is (a plan's end, a conference, a check, or the last time the
record was written) is read from the database by safeguard.operations.retention; this module
only counts.

An internal edition of the report (its child, conference and meeting ids, the reasons typed and
the records named under data quality) keeps those identifiers until `edition_identifiers_until`
(docs/decisions/0026-edition-identifiers-retention.md); the members' version, which has none,
is kept with the edition.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Iterable

__all__ = [
    "ADULTHOOD_YEARS",
    "ChildDates",
    "RetentionDue",
    "edition_identifiers_until",
    "past_retention",
    "retention_due_on",
]

ADULTHOOD_YEARS = 18


@dataclasses.dataclass(frozen=True)
class ChildDates:
    """What the rule needs to know about one child."""

    child_id: str
    date_of_birth: dt.date | None  # or the expected date of birth of an unborn child
    last_recorded_on: dt.date | None
    has_open_plan: bool


@dataclasses.dataclass(frozen=True)
class RetentionDue:
    child_id: str
    due_on: dt.date


def _years_after(day: dt.date, years: int) -> dt.date:
    try:
        return day.replace(year=day.year + years)
    except ValueError:  # 29 February in a year that has none
        return day.replace(year=day.year + years, day=28)


def retention_due_on(
    *,
    date_of_birth: dt.date | None,
    last_recorded_on: dt.date | None,
    has_open_plan: bool,
    years: int,
) -> dt.date | None:
    """The first day on which a child's records are past retention, or None if never (yet)."""
    if has_open_plan:
        return None
    adulthood = date_of_birth and _years_after(date_of_birth, ADULTHOOD_YEARS)
    starts = [day for day in (adulthood, last_recorded_on) if day]
    if not starts:
        return None
    return _years_after(max(starts), years)


def past_retention(
    children: Iterable[ChildDates], *, as_of: dt.date, years: int
) -> list[RetentionDue]:
    """The children whose records are past retention on `as_of` (due on or before it), the
    longest due first, then by child id."""
    due = []
    for child in children:
        due_on = retention_due_on(
            date_of_birth=child.date_of_birth,
            last_recorded_on=child.last_recorded_on,
            has_open_plan=child.has_open_plan,
            years=years,
        )
        if due_on is not None and due_on <= as_of:
            due.append(RetentionDue(child.child_id, due_on))
    return sorted(due, key=lambda d: (d.due_on, d.child_id))


def edition_identifiers_until(
    *, start_on: dt.date, end_on: dt.date, years: int, retention_years: int
) -> dt.date:
    """The first day on which an internal edition of the report for `start_on`-`end_on` no
    longer keeps the children's identifiers: `years` after the period ends, and never later
    than the children's own records could be deleted. Every child an edition names has a plan
    in force or a conference in the period, so their retention clock starts on or after
    `start_on`: `retention_years` after it, their records may go, and the edition's ids with
    them at the latest."""
    return min(_years_after(end_on, years), _years_after(start_on, retention_years))
