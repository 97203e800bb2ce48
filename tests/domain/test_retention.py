"""The retention rule with plain dates: a child's records are due SAFEGUARD_RETENTION_YEARS
after the later of their 18th birthday and the last thing recorded about them; never while a
plan is open; never with nothing to count from (docs/decisions/0004-retention.md)."""

import datetime as dt

import pytest

from safeguard.domain.retention import (
    ChildDates,
    RetentionDue,
    edition_identifiers_until,
    past_retention,
    retention_due_on,
)

D = dt.date


@pytest.mark.parametrize(
    "born, last_recorded, open_plan, due",
    [
        (D(2000, 5, 1), D(2010, 1, 1), False, D(2043, 5, 1)),  # 18th birthday is later
        (D(2000, 5, 1), D(2020, 1, 1), False, D(2045, 1, 1)),  # last plan ended after 18
        (D(2000, 2, 29), None, False, D(2043, 2, 28)),  # a leap-day birthday
        (None, D(2020, 1, 1), False, D(2045, 1, 1)),  # no date of birth: the records decide
        (D(2000, 5, 1), D(2010, 1, 1), True, None),  # a plan still open
        (None, None, False, None),  # nothing to count from
    ],
)
def test_when_a_childs_records_are_due_for_deletion(born, last_recorded, open_plan, due):
    assert (
        retention_due_on(
            date_of_birth=born, last_recorded_on=last_recorded, has_open_plan=open_plan, years=25
        )
        == due
    )


def test_the_clock_starts_on_the_18th_birthday_when_nothing_later_is_recorded():
    child = ChildDates("A", date_of_birth=D(1990, 6, 1), last_recorded_on=None, has_open_plan=False)
    assert past_retention([child], as_of=D(2033, 5, 31), years=25) == []
    assert past_retention([child], as_of=D(2033, 6, 1), years=25) == [
        RetentionDue("A", D(2033, 6, 1))
    ]


def test_a_record_after_the_18th_birthday_restarts_the_clock():
    child = ChildDates(
        "A", date_of_birth=D(1990, 6, 1), last_recorded_on=D(2010, 3, 1), has_open_plan=False
    )
    assert past_retention([child], as_of=D(2034, 12, 31), years=25) == []
    assert past_retention([child], as_of=D(2035, 3, 1), years=25) == [
        RetentionDue("A", D(2035, 3, 1))
    ]


def test_an_open_plan_keeps_the_records_however_old():
    child = ChildDates("A", date_of_birth=D(1950, 1, 1), last_recorded_on=None, has_open_plan=True)
    assert past_retention([child], as_of=D(2100, 1, 1), years=25) == []


def test_a_child_with_no_dates_at_all_is_never_due():
    child = ChildDates("A", date_of_birth=None, last_recorded_on=None, has_open_plan=False)
    assert past_retention([child], as_of=D(2100, 1, 1), years=25) == []


def test_the_period_is_the_years_given():
    child = ChildDates("A", date_of_birth=D(2000, 1, 1), last_recorded_on=None, has_open_plan=False)
    assert past_retention([child], as_of=D(2023, 1, 1), years=5) == [
        RetentionDue("A", D(2023, 1, 1))
    ]
    assert past_retention([child], as_of=D(2023, 1, 1), years=6) == []


def test_the_longest_due_come_first_then_by_child_id():
    children = [
        ChildDates("B", D(1970, 1, 1), None, False),
        ChildDates("C", D(1960, 1, 1), None, False),
        ChildDates("A", D(1970, 1, 1), None, False),
        ChildDates("YOUNG", D(2015, 1, 1), None, False),
    ]
    assert [d.child_id for d in past_retention(children, as_of=D(2026, 1, 1), years=25)] == [
        "C",
        "A",
        "B",
    ]


def test_an_internal_edition_keeps_identifiers_for_years_after_its_period_ends():
    until = edition_identifiers_until(
        start_on=dt.date(2022, 4, 1), end_on=dt.date(2022, 9, 30), years=6, retention_years=25
    )
    assert until == dt.date(2028, 9, 30)


def test_an_edition_never_keeps_identifiers_longer_than_the_childrens_records_could_be_kept():
    # the children it names have something recorded on or after the period's start: their
    # records may go `retention_years` after it, and the edition's ids with them at the latest
    until = edition_identifiers_until(
        start_on=dt.date(2022, 4, 1), end_on=dt.date(2022, 9, 30), years=30, retention_years=25
    )
    assert until == dt.date(2047, 4, 1)
