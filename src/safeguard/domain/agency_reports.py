"""Agencies' reports to a child protection conference: when each is due, and whether it came in
time.

Working Together 2023 (chapter 3) asks agencies to provide reports in advance of the conference
but sets no number of days; each partnership sets its own. These are the unit's defaults; the
authority changes them on its rule setting (RuleSetting.initial_report_due_working_days and
review_report_due_working_days; docs/user-guide.md, "Invitations and agencies' reports")."""

from __future__ import annotations

import datetime as dt

from .calendar import WorkingDayCalendar

__all__ = [
    "INITIAL_REPORT_DUE_WORKING_DAYS",
    "REVIEW_REPORT_DUE_WORKING_DAYS",
    "agency_report_due_on",
    "report_received_from_dates",
]

INITIAL_REPORT_DUE_WORKING_DAYS = 3
"""An agency's report to an initial conference is due 3 working days before it (a local setting;
Working Together 2023, chapter 3, sets no figure)."""

REVIEW_REPORT_DUE_WORKING_DAYS = 5
"""An agency's report to a review conference is due 5 working days before it (a local setting)."""


def agency_report_due_on(
    conference_on: dt.date, working_days: int, calendar: WorkingDayCalendar
) -> dt.date:
    """The day an agency's report is due: `working_days` working days before the conference,
    counted back from the day before it (`WorkingDayCalendar.add_working_days`)."""
    return calendar.add_working_days(conference_on, -working_days)


def report_received_from_dates(due_on: dt.date | None, received_on: dt.date | None) -> str:
    """`yes` for a report received on or before its due date, `late` after it, '' when either
    date is unknown (docs/exchange-format.md, invitations.csv: an explicit value always stands)."""
    if due_on is None or received_on is None:
        return ""
    return "yes" if received_on <= due_on else "late"
