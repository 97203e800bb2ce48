"""The exchange format's files and columns, defined once (docs/exchange-format.md).

Reading, validating and writing all work from these definitions, so a column cannot be read one
way and written another."""

from __future__ import annotations

from dataclasses import dataclass
from enum import Enum

from safeguard.domain.vocabulary import (
    ALERT_ROLES,
    CONFERENCE_STATUSES,
    ENQUIRY_OUTCOMES,
    ESCALATION_REASONS,
    PARTICIPATION_CODES,
    PLAN_CATEGORIES,
    VIEWS_SHARED_VIA,
)


class Cell(Enum):
    TEXT = "text"
    DATE = "date"
    YES_NO = "yes/no"
    CHOICE = "choice"
    STAGE = "stage"
    ROLES = "roles"
    EMAIL = "email"
    YEAR = "year"
    WHOLE_NUMBER = "whole number"


@dataclass(frozen=True)
class Column:
    name: str
    field: str
    cell: Cell = Cell.TEXT
    required: bool = False
    choices: tuple[str, ...] = ()
    max_length: int = 200


@dataclass(frozen=True)
class FileSpec:
    filename: str
    record: str
    columns: tuple[Column, ...]
    id_column: str | None

    @property
    def column_names(self) -> tuple[str, ...]:
        return tuple(c.name for c in self.columns)

    def column(self, name: str) -> Column:
        return next(c for c in self.columns if c.name == name)


YES_NO_TRUE = frozenset({"yes", "y", "true", "1"})
YES_NO_FALSE = frozenset({"no", "n", "false", "0"})
CONFERENCE_TYPES = ("initial", "review", "transfer_in")
OUTCOMES = ("plan", "no_plan")
REPORT_RECEIVED = ("yes", "late", "no")
CHECK_KINDS = ("midway", "pre_review")
CHECK_OUTCOMES = ("on_track", "concerns")
SEXES = ("M", "F", "U")

CHILDREN = FileSpec(
    "children.csv",
    "child",
    (
        Column("child_id", "child_id", required=True, max_length=64),
        Column("given_name", "given_name", max_length=100),
        Column("family_name", "family_name", max_length=100),
        Column("date_of_birth", "date_of_birth", Cell.DATE),
        Column("expected_date_of_birth", "expected_date_of_birth", Cell.DATE),
        Column("sex", "sex", Cell.CHOICE, choices=SEXES),
        Column("ethnicity", "ethnicity", max_length=4),
        Column("area", "area", max_length=100),
        Column("disability", "disability", Cell.YES_NO),
        Column("family_id", "family_id", max_length=64),
    ),
    "child_id",
)
PLANS = FileSpec(
    "cp_plans.csv",
    "plan",
    (
        Column("plan_id", "plan_id", required=True, max_length=64),
        Column("child_id", "child", required=True, max_length=64),
        Column("start_date", "start_on", Cell.DATE, required=True),
        Column("end_date", "end_on", Cell.DATE),
        Column("end_reason", "end_reason"),
        Column("initial_category", "initial_category", Cell.CHOICE, choices=PLAN_CATEGORIES),
        Column("latest_category", "latest_category", Cell.CHOICE, choices=PLAN_CATEGORIES),
    ),
    "plan_id",
)
CONFERENCES = FileSpec(
    "conferences.csv",
    "conference",
    (
        Column("conference_id", "conference_id", required=True, max_length=64),
        Column("child_id", "child", required=True, max_length=64),
        Column("meeting_id", "meeting", max_length=64),
        Column("conference_type", "kind", Cell.CHOICE, required=True, choices=CONFERENCE_TYPES),
        Column("date", "held_on", Cell.DATE, required=True),
        Column("strategy_discussion_date", "strategy_discussion_on", Cell.DATE),
        Column("transfer_notification_date", "transfer_notification_on", Cell.DATE),
        Column("chair", "chair", max_length=150),
        Column("outcome", "outcome", Cell.CHOICE, choices=OUTCOMES),
        Column("child_attended", "child_attended", Cell.YES_NO),
        Column("advocate_involved", "advocate_involved", Cell.YES_NO),
        Column("views_shared_via", "views_shared_via", Cell.CHOICE, choices=VIEWS_SHARED_VIA),
        Column("preparation_session", "preparation_session", Cell.YES_NO),
        Column(
            "participation_code", "participation_code", Cell.CHOICE, choices=PARTICIPATION_CODES
        ),
        Column("out_of_timescale_reason", "out_of_timescale_reason", max_length=2000),
        Column("status", "status", Cell.CHOICE, choices=CONFERENCE_STATUSES),
        Column("category", "category", Cell.CHOICE, choices=PLAN_CATEGORIES),
        Column("quorate", "quorate", Cell.YES_NO),
        Column("parents_attended", "parents_attended", Cell.YES_NO),
    ),
    "conference_id",
)
INVITATIONS = FileSpec(
    "invitations.csv",
    "invitation",
    (
        Column("meeting_id", "meeting", required=True, max_length=64),
        Column("organisation_type", "organisation_type", required=True, max_length=100),
        Column("organisation_name", "organisation_name"),
        Column("report_requested", "report_requested", Cell.YES_NO),
        Column("report_received", "report_received", Cell.CHOICE, choices=REPORT_RECEIVED),
        Column("attended", "attended", Cell.YES_NO),
        Column("apologies", "apologies", Cell.YES_NO),
        Column("invited_date", "invited_on", Cell.DATE),
        Column("report_due_date", "report_due_on", Cell.DATE),
        Column("report_received_date", "report_received_on", Cell.DATE),
    ),
    None,
)
ESCALATIONS = FileSpec(
    "escalations.csv",
    "escalation",
    (
        Column("escalation_id", "escalation_id", required=True, max_length=64),
        Column("date_raised", "raised_on", Cell.DATE, required=True),
        Column("organisation_type", "organisation_type", required=True, max_length=100),
        Column("organisation_name", "organisation_name"),
        Column("area", "area", max_length=100),
        Column("reason", "reason", Cell.CHOICE, required=True, choices=ESCALATION_REASONS),
        Column("formal", "formal", Cell.YES_NO),
        Column("stage", "stage", Cell.STAGE),
        Column("conference_id", "conference", max_length=64),
        Column("child_id", "child", max_length=64),
        Column("raised_by", "raised_by", max_length=150),
        Column("resolved_date", "resolved_on", Cell.DATE),
    ),
    "escalation_id",
)
MONITORING_CHECKS = FileSpec(
    "monitoring_checks.csv",
    "monitoring check",
    (
        Column("check_id", "check_id", required=True, max_length=64),
        Column("plan_id", "plan", required=True, max_length=64),
        Column("kind", "kind", Cell.CHOICE, required=True, choices=CHECK_KINDS),
        Column("date_completed", "completed_on", Cell.DATE, required=True),
        Column("chair", "chair", max_length=150),
        Column("core_groups_on_track", "core_groups_on_track", Cell.YES_NO),
        Column("visits_on_track", "visits_on_track", Cell.YES_NO),
        Column("outcome", "outcome", Cell.CHOICE, required=True, choices=CHECK_OUTCOMES),
        Column("alerted", "alerted", Cell.ROLES, choices=ALERT_ROLES),
    ),
    "check_id",
)

ALLOCATIONS = FileSpec(
    "allocations.csv",
    "allocation",
    (
        Column("child_id", "child", required=True, max_length=64),
        Column("role", "role", Cell.CHOICE, required=True, choices=ALERT_ROLES),
        Column("name", "name", required=True, max_length=150),
        Column("email", "email", Cell.EMAIL, max_length=254),
        Column("from", "from_on", Cell.DATE, required=True),
        Column("to", "to_on", Cell.DATE),
    ),
    None,
)

# Version 2 (docs/exchange-format.md, "Version 2 additions").
ENQUIRIES = FileSpec(
    "enquiries.csv",
    "enquiry",
    (
        Column("enquiry_id", "enquiry_id", required=True, max_length=64),
        Column("child_id", "child", required=True, max_length=64),
        Column("strategy_discussion_date", "strategy_discussion_on", Cell.DATE, required=True),
        Column("outcome", "outcome", Cell.CHOICE, choices=ENQUIRY_OUTCOMES),
        Column("end_date", "end_on", Cell.DATE),
    ),
    "enquiry_id",
)
ESCALATION_STEPS = FileSpec(
    "escalation_steps.csv",
    "escalation step",
    (
        Column("escalation_id", "escalation", required=True, max_length=64),
        Column("date", "on", Cell.DATE, required=True),
        Column("stage", "stage", Cell.STAGE),
        Column("note", "note", max_length=4000),
    ),
    None,
)
POPULATION = FileSpec(
    "population.csv",
    "population",
    (
        Column("year", "year", Cell.YEAR, required=True),
        Column("children", "children", Cell.WHOLE_NUMBER, required=True),
    ),
    None,
)

# In the order they are written: a file's references point only at files before it.
FILES: tuple[FileSpec, ...] = (
    CHILDREN,
    PLANS,
    CONFERENCES,
    INVITATIONS,
    ESCALATIONS,
    MONITORING_CHECKS,
    ALLOCATIONS,
    ENQUIRIES,
    ESCALATION_STEPS,
    POPULATION,
)
# Columns that hold an identifier (the `*_id` columns): refused unless they follow the rule.
IDENTIFIER_COLUMNS = frozenset(
    (spec.filename, column.name)
    for spec in FILES
    for column in spec.columns
    if column.name.endswith("_id")
)
