"""Section 47 enquiries waiting for their initial conference, and when it is due.

The rule is the exchange format's (docs/exchange-format.md, enquiries.csv): an enquiry whose
outcome is `conference` or blank waits for its initial conference until its child has an initial
conference row dated on or after the strategy discussion; on a day D, such a row ends the wait
when it is held and dated on or before D, or booked (for any date). A cancelled row ends nothing.
Enquiries whose strategy discussion is after D are not listed. While an enquiry waits, its
initial conference is due INITIAL_CONFERENCE_WORKING_DAYS working days after the strategy
discussion (Working Together to Safeguard Children 2023, chapter 3: `initial_conference_due_on`).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass

from .timeliness import RuleSet, initial_conference_due_on

__all__ = [
    "EnquiryFacts",
    "InitialConferenceRow",
    "InitialConferenceToBook",
    "WAITING_OUTCOMES",
    "initial_conference_to_book",
    "waits_for_initial_conference",
]

WAITING_OUTCOMES = frozenset({"", "conference"})
"""An open enquiry (blank) or one concluded that a conference is to be held waits for it; one
concluded with no further action does not."""


@dataclass(frozen=True)
class EnquiryFacts:
    key: str  # the enquiry id
    child_key: str  # the child id
    strategy_discussion_on: dt.date
    outcome: str = ""  # "" | "conference" | "no_further_action" (ENQUIRY_OUTCOMES)


@dataclass(frozen=True)
class InitialConferenceRow:
    """One of the child's initial conference rows: its date and status (CONFERENCE_STATUSES)."""

    held_on: dt.date
    status: str  # "held" | "booked" | "cancelled"


@dataclass(frozen=True)
class InitialConferenceToBook:
    """An enquiry waiting, on `as_of`, for its initial conference to be booked."""

    enquiry_key: str
    child_key: str
    strategy_discussion_on: dt.date
    due_on: dt.date
    overdue: bool  # due before `as_of`


def _ends_the_wait(row: InitialConferenceRow, strategy_discussion_on: dt.date, as_of: dt.date):
    if row.held_on < strategy_discussion_on:
        return False
    if row.status == "booked":
        return True
    return row.status == "held" and row.held_on <= as_of


def waits_for_initial_conference(
    enquiry: EnquiryFacts, initial_conferences: Iterable[InitialConferenceRow], as_of: dt.date
) -> bool:
    """Whether, on `as_of`, the enquiry waits for its initial conference to be booked
    (docs/exchange-format.md, enquiries.csv): its outcome is `conference` or blank, its strategy
    discussion is on or before `as_of`, and no initial conference of the child dated on or after
    the discussion is held on or before `as_of` or booked."""
    if enquiry.outcome not in WAITING_OUTCOMES or enquiry.strategy_discussion_on > as_of:
        return False
    return not any(
        _ends_the_wait(row, enquiry.strategy_discussion_on, as_of) for row in initial_conferences
    )


def initial_conference_to_book(
    enquiry: EnquiryFacts,
    initial_conferences: Iterable[InitialConferenceRow],
    as_of: dt.date,
    rules: RuleSet,
) -> InitialConferenceToBook | None:
    """The enquiry's initial conference to book, with its due date, if it waits on `as_of`."""
    if not waits_for_initial_conference(enquiry, initial_conferences, as_of):
        return None
    due_on = initial_conference_due_on(enquiry.strategy_discussion_on, rules)
    return InitialConferenceToBook(
        enquiry_key=enquiry.key,
        child_key=enquiry.child_key,
        strategy_discussion_on=enquiry.strategy_discussion_on,
        due_on=due_on,
        overdue=due_on < as_of,
    )
