"""Which section 47 enquiries wait for their initial conference on a day, and when it is due
(safeguard.domain.enquiries; docs/exchange-format.md, enquiries.csv)."""

from __future__ import annotations

from datetime import date

import pytest

from safeguard.domain.calendar import Nation
from safeguard.domain.enquiries import (
    EnquiryFacts,
    InitialConferenceRow,
    initial_conference_to_book,
    waits_for_initial_conference,
)
from safeguard.domain.timeliness import rule_set_for

ENGLAND = rule_set_for(Nation.england)
DISCUSSION = date(2026, 3, 2)  # a Monday; no bank holiday until Good Friday, 3 April
AS_OF = date(2026, 3, 16)


def held(on: date) -> InitialConferenceRow:
    return InitialConferenceRow(on, "held")


def booked(on: date) -> InitialConferenceRow:
    return InitialConferenceRow(on, "booked")


def cancelled(on: date) -> InitialConferenceRow:
    return InitialConferenceRow(on, "cancelled")


# (why, outcome, strategy discussion, the child's initial conference rows, waits on AS_OF)
WAITING_CASES = [
    ("an open enquiry with no conference waits", "", DISCUSSION, [], True),
    ("an enquiry concluded 'conference' waits", "conference", DISCUSSION, [], True),
    ("no further action never waits", "no_further_action", DISCUSSION, [], False),
    ("a discussion after the day is not listed", "", date(2026, 3, 17), [], False),
    ("a discussion on the day itself is listed", "", AS_OF, [], True),
    ("a held conference on the day ends the wait", "", DISCUSSION, [held(AS_OF)], False),
    ("a held conference before the day ends it", "", DISCUSSION, [held(date(2026, 3, 10))], False),
    (
        "a held row dated after the day does not end it yet",
        "",
        DISCUSSION,
        [held(date(2026, 3, 20))],
        True,
    ),
    (
        "a booked conference ends it, whatever its date",
        "",
        DISCUSSION,
        [booked(date(2026, 4, 30))],
        False,
    ),
    (
        "a booked conference before the day ends it",
        "",
        DISCUSSION,
        [booked(date(2026, 3, 12))],
        False,
    ),
    ("a cancelled conference ends nothing", "", DISCUSSION, [cancelled(date(2026, 3, 12))], True),
    (
        "a conference before the strategy discussion belongs to an earlier enquiry",
        "",
        DISCUSSION,
        [held(date(2025, 11, 3)), booked(date(2026, 2, 27))],
        True,
    ),
    ("a conference on the discussion's day ends it", "", DISCUSSION, [held(DISCUSSION)], False),
    (
        "a booking replaced after a cancellation ends it",
        "conference",
        DISCUSSION,
        [cancelled(date(2026, 3, 12)), booked(date(2026, 3, 19))],
        False,
    ),
]


@pytest.mark.parametrize(
    ("outcome", "discussed_on", "rows", "waits"),
    [case[1:] for case in WAITING_CASES],
    ids=[case[0] for case in WAITING_CASES],
)
def test_an_enquiry_waits_for_its_initial_conference_until_one_is_held_or_booked(
    outcome, discussed_on, rows, waits
):
    enquiry = EnquiryFacts("E1", "C1", discussed_on, outcome)
    assert waits_for_initial_conference(enquiry, rows, AS_OF) is waits


# (strategy discussion, as of, due on, overdue)
DUE_CASES = [
    (date(2026, 3, 2), date(2026, 3, 16), date(2026, 3, 23), False),
    (date(2026, 3, 2), date(2026, 3, 23), date(2026, 3, 23), False),  # due today: not overdue
    (date(2026, 3, 2), date(2026, 3, 24), date(2026, 3, 23), True),
    # Good Friday and Easter Monday 2026 (3 and 6 April) are not working days.
    (date(2026, 3, 20), date(2026, 3, 20), date(2026, 4, 14), False),
    # A discussion on a Saturday counts from the Monday.
    (date(2026, 3, 7), date(2026, 3, 9), date(2026, 3, 27), False),
]


@pytest.mark.parametrize(("discussed_on", "as_of", "due_on", "overdue"), DUE_CASES)
def test_the_initial_conference_is_due_fifteen_working_days_after_the_strategy_discussion(
    discussed_on, as_of, due_on, overdue
):
    found = initial_conference_to_book(EnquiryFacts("E1", "C1", discussed_on), [], as_of, ENGLAND)
    assert found is not None
    assert (found.due_on, found.overdue) == (due_on, overdue)
    assert (found.enquiry_key, found.child_key) == ("E1", "C1")


def test_an_enquiry_that_waits_for_nothing_has_no_initial_conference_to_book():
    enquiry = EnquiryFacts("E1", "C1", DISCUSSION, "no_further_action")
    assert initial_conference_to_book(enquiry, [], AS_OF, ENGLAND) is None
