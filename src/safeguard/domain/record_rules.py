"""The rule book: what makes a record impossible (an error, refused) or unusual (a warning,
accepted but shown), defined once and applied at every door (docs/record-rules.md).

Records are plain dicts in the exchange format's natural form (a child's `child_id`,
`date_of_birth`, ...; a plan's `plan_id`, `child`, `start_on`, `end_on`, ...), so that a bundle
row, a census record, a form's cleaned data and a stored record are checked alike. The rules
read no clock: `today` is handed in. The rule set for timeliness is handed in too, for the one
warning that needs a conference's verdict; without it, a conference's stored `verdict` is used.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

from .calendar import add_months
from .identifiers import identifier_problem
from .timeliness import (
    ConferenceFacts,
    PlanFacts,
    RuleSet,
    Verdict,
    assess_child,
    plan_in_force_for_review,
)
from .vocabulary import (
    CONFERENCE_KINDS,
    CONFERENCE_STATUSES,
    ENQUIRY_OUTCOMES,
    ESCALATION_REASONS,
    PARTICIPATION_CODES,
    PLAN_CATEGORIES,
    VIEWS_SHARED_VIA,
)

Record = Mapping[str, Any]


class Severity(StrEnum):
    error = "error"
    warning = "warning"


@dataclass(frozen=True)
class Rule:
    code: str
    severity: Severity
    message: str  # plain English, completed by each finding's detail


@dataclass(frozen=True)
class Finding:
    """One record breaking one rule: which record (its kind and id), which field, and why."""

    rule: Rule
    record: str  # child, plan, conference, monitoring check, escalation
    record_id: str
    field: str
    detail: str = ""
    child_id: str = ""

    @property
    def code(self) -> str:
        return self.rule.code

    @property
    def is_error(self) -> bool:
        return self.rule.severity is Severity.error

    @property
    def reason(self) -> str:
        """The sentence a person reads: '[R104] the date of birth is in the future (2031-...)'."""
        detail = f" ({self.detail})" if self.detail else ""
        return f"{self.rule.code} {self.rule.message}{detail}"

    def __str__(self) -> str:
        return f"{self.record} '{self.record_id}': {self.reason}"


E, W = Severity.error, Severity.warning
IDENTIFIER = Rule(
    "R101", E, "an id is 1 to 40 characters of letters, digits, '-', '_' and '.' only"
)
ETHNICITY = Rule("R102", E, "the ethnicity is not one of the DfE's ethnicity codes")
CODE = Rule("R103", E, "the code is not one of the field's codes")
BIRTH_IN_FUTURE = Rule("R104", E, "the date of birth is in the future")
CONFERENCE_IN_FUTURE = Rule("R105", E, "a held conference cannot be dated in the future")
CHECK_IN_FUTURE = Rule("R106", E, "a completed check cannot be dated in the future")
ESCALATION_IN_FUTURE = Rule("R107", E, "an escalation cannot be raised in the future")
BEFORE_1900 = Rule("R108", E, "the date is before 1 January 1900")
CONFERENCE_BEFORE_BIRTH = Rule(
    "R109", E, "the conference is more than 10 months before the child's date of birth"
)
PLAN_BEFORE_BIRTH = Rule(
    "R110", E, "the plan starts more than 10 months before the child's date of birth"
)
PLAN_ENDS_BEFORE_START = Rule("R111", E, "the plan ends before it starts")
PLANS_OVERLAP = Rule("R112", E, "the plan overlaps another plan of the same child")
TEXT_TOO_LONG = Rule("R113", E, "the text is longer than 4,000 characters")
REVIEW_WITHOUT_PLAN = Rule("R201", W, "a review conference with no plan in force on its date")
INITIAL_DURING_PLAN = Rule("R202", W, "an initial conference while a plan is open")
INITIAL_WITHOUT_STRATEGY = Rule("R203", W, "an initial conference with no strategy discussion date")
TRANSFER_WITHOUT_NOTIFICATION = Rule(
    "R204", W, "a transfer-in conference with no notification date"
)
LATE_WITHOUT_REASON = Rule("R205", W, "a conference out of timescale with no reason recorded")
ADULT_AT_CONFERENCE = Rule("R206", W, "the child was 18 or over at the conference")
ADULT_AT_PLAN_START = Rule("R207", W, "the child was 18 or over when the plan started")
EXPECTED_BIRTH_PASSED = Rule(
    "R208", W, "the expected date of birth has passed and no date of birth is recorded"
)

RULES: tuple[Rule, ...] = (
    IDENTIFIER,
    ETHNICITY,
    CODE,
    BIRTH_IN_FUTURE,
    CONFERENCE_IN_FUTURE,
    CHECK_IN_FUTURE,
    ESCALATION_IN_FUTURE,
    BEFORE_1900,
    CONFERENCE_BEFORE_BIRTH,
    PLAN_BEFORE_BIRTH,
    PLAN_ENDS_BEFORE_START,
    PLANS_OVERLAP,
    TEXT_TOO_LONG,
    REVIEW_WITHOUT_PLAN,
    INITIAL_DURING_PLAN,
    INITIAL_WITHOUT_STRATEGY,
    TRANSFER_WITHOUT_NOTIFICATION,
    LATE_WITHOUT_REASON,
    ADULT_AT_CONFERENCE,
    ADULT_AT_PLAN_START,
    EXPECTED_BIRTH_PASSED,
)
RULES_BY_CODE = {rule.code: rule for rule in RULES}

# The DfE's ethnicity codes (CIN census, CS ethnicity list; Ofsted Annex A list).
DFE_ETHNICITIES: tuple[str, ...] = (
    "WBRI", "WIRI", "WIRT", "WOTH", "WROM", "MWBC", "MWBA", "MWAS", "MOTH", "AIND", "APKN",
    "ABAN", "AOTH", "BCRB", "BAFR", "BOTH", "CHNE", "OOTH", "NOBT", "REFU",
)  # fmt: skip
SEXES = ("M", "F", "U")
PLAN_OUTCOMES = ("plan", "no_plan")
CHECK_KINDS = ("midway", "pre_review")
CHECK_OUTCOMES = ("on_track", "concerns")
STAGES = (1, 2, 3)
EARLIEST = dt.date(1900, 1, 1)
MAX_TEXT = 4000
MONTHS_BEFORE_BIRTH = 10
ADULT_YEARS = 18

# Each kind of record: its id field, its other ids, its coded fields and their codes, its dates,
# its free text. Blank values ('' or None) are not checked here: whether a field is required is
# the door's own schema (a form's required field, a file's required column).
# (A reference to another record is checked where that record is defined.)
_IDS = {
    "child": ("child_id", "family_id"),
    "plan": ("plan_id",),
    "conference": ("conference_id", "meeting"),
    "monitoring check": ("check_id",),
    "escalation": ("escalation_id",),
    "enquiry": ("enquiry_id",),
}
_CODES: dict[str, dict[str, tuple]] = {
    "child": {"sex": SEXES},
    "plan": {"initial_category": PLAN_CATEGORIES, "latest_category": PLAN_CATEGORIES},
    "conference": {
        "kind": CONFERENCE_KINDS,
        "outcome": PLAN_OUTCOMES,
        "views_shared_via": VIEWS_SHARED_VIA,
        "participation_code": PARTICIPATION_CODES,
        "status": CONFERENCE_STATUSES,
        "category": PLAN_CATEGORIES,
    },
    "monitoring check": {"kind": CHECK_KINDS, "outcome": CHECK_OUTCOMES},
    "escalation": {"reason": ESCALATION_REASONS, "stage": STAGES},
    "enquiry": {"outcome": ENQUIRY_OUTCOMES},
}
_DATES = {
    "child": ("date_of_birth", "expected_date_of_birth"),
    "plan": ("start_on", "end_on"),
    "conference": ("held_on", "strategy_discussion_on", "transfer_notification_on"),
    "monitoring check": ("completed_on",),
    "escalation": ("raised_on", "resolved_on"),
    "enquiry": ("strategy_discussion_on", "end_on"),
}
_FUTURE = {
    "child": ("date_of_birth", BIRTH_IN_FUTURE),
    "conference": ("held_on", CONFERENCE_IN_FUTURE),
    "monitoring check": ("completed_on", CHECK_IN_FUTURE),
    "escalation": ("raised_on", ESCALATION_IN_FUTURE),
}
_TEXTS = {
    "child": ("given_name", "family_name"),
    "plan": ("end_reason",),
    "conference": ("out_of_timescale_reason",),
    "monitoring check": ("concern",),
    "escalation": ("organisation_name",),
    "enquiry": (),
}
ID_FIELDS = {kind: ids[0] for kind, ids in _IDS.items()}


def is_identifier(value: str) -> bool:
    return identifier_problem(value) is None


def is_held(conference: Record) -> bool:
    """Whether a conference took place: its status is `held`, or blank (version 1 records).
    Only held conferences are judged, counted and checked across a child's records."""
    return _blank(conference.get("status")) or conference.get("status") == "held"


def _blank(value: Any) -> bool:
    return value is None or value == ""


def record_check(kind: str, record: Record, today: dt.date) -> list[Finding]:
    """The rules that one record breaks by itself: ids, codes, dates, text."""
    record_id = str(record.get(ID_FIELDS[kind]) or "")
    child_id = str(record.get("child_id" if kind == "child" else "child") or "")
    found: list[Finding] = []

    def add(rule: Rule, name: str, detail: str = "") -> None:
        found.append(Finding(rule, kind, record_id, name, detail, child_id))

    for name in _IDS[kind]:
        value = record.get(name)
        if not _blank(value) and not is_identifier(str(value)):
            add(IDENTIFIER, name, f"'{_shown(str(value))}'")
    if kind == "child":
        ethnicity = record.get("ethnicity")
        if not _blank(ethnicity) and ethnicity not in DFE_ETHNICITIES:
            add(ETHNICITY, "ethnicity", f"'{_shown(str(ethnicity))}'")
    for name, codes in _CODES[kind].items():
        value = record.get(name)
        if not _blank(value) and value not in codes:
            add(CODE, name, f"'{_shown(str(value))}' is not one of {', '.join(map(str, codes))}")
    for name in _DATES[kind]:
        value = record.get(name)
        if isinstance(value, dt.date) and value < EARLIEST:
            add(BEFORE_1900, name, value.isoformat())
    if kind in _FUTURE and (kind != "conference" or is_held(record)):
        # A booked (or cancelled) conference is dated when it is to be held: the future is fine.
        name, rule = _FUTURE[kind]
        value = record.get(name)
        if isinstance(value, dt.date) and value > today:
            add(rule, name, f"{value.isoformat()}, after today {today.isoformat()}")
    for name in _TEXTS[kind]:
        value = record.get(name)
        if isinstance(value, str) and len(value) > MAX_TEXT:
            add(TEXT_TOO_LONG, name, f"{len(value):,} characters")
    if kind == "plan":
        start, end = record.get("start_on"), record.get("end_on")
        if isinstance(start, dt.date) and isinstance(end, dt.date) and end < start:
            add(PLAN_ENDS_BEFORE_START, "end_on", f"{end.isoformat()} before {start.isoformat()}")
    if kind == "child":
        born, expected = record.get("date_of_birth"), record.get("expected_date_of_birth")
        if born is None and isinstance(expected, dt.date) and expected < today:
            add(EXPECTED_BIRTH_PASSED, "expected_date_of_birth", expected.isoformat())
    return found


@dataclass
class ChildRecords:
    """A child and the records that hang from it, for the rules across records."""

    child: Record | None
    plans: list[Record] = field(default_factory=list)
    conferences: list[Record] = field(default_factory=list)
    checks: list[Record] = field(default_factory=list)
    escalations: list[Record] = field(default_factory=list)


def child_check(
    records: ChildRecords, today: dt.date, rules: RuleSet | None = None
) -> list[Finding]:
    """Every rule that a child's records break, each record by itself and across them.

    A conference's verdict (for R205) is judged under `rules` when given, else read from the
    record's stored `verdict`."""
    found: list[Finding] = []
    for kind, items in (
        ("child", [records.child] if records.child is not None else []),
        ("plan", records.plans),
        ("conference", records.conferences),
        ("monitoring check", records.checks),
        ("escalation", records.escalations),
    ):
        for item in items:
            found.extend(record_check(kind, item, today))
    found.extend(across_check(records, rules))
    return found


def across_check(records: ChildRecords, rules: RuleSet | None = None) -> list[Finding]:
    """The rules that a child's records break together (R109, R110, R112 and
    R201-R207), without checking each record by itself (`record_check`): child_check is both."""
    return _across(records, rules)


def _plan_facts(plans: Iterable[Record]) -> list[PlanFacts]:
    return [
        PlanFacts(str(p["plan_id"]), p["start_on"], p.get("end_on"))
        for p in plans
        if isinstance(p.get("start_on"), dt.date)
        and not (isinstance(p.get("end_on"), dt.date) and p["end_on"] < p["start_on"])
    ]


def overlapping_plans(plans: Iterable[Record]) -> Iterator[tuple[Record, Record]]:
    """(earlier, later) for each plan that overlaps an earlier one of the same child; a plan
    runs from its start up to, not including, its end."""
    ordered = sorted(
        (p for p in plans if isinstance(p.get("start_on"), dt.date)),
        key=lambda p: (p["start_on"], str(p.get("plan_id") or "")),
    )
    latest: Record | None = None
    for plan in ordered:
        end = plan.get("end_on")
        if isinstance(end, dt.date) and end < plan["start_on"]:
            continue  # R111 already says what is wrong with it
        if latest is not None:
            latest_end = latest.get("end_on")
            if latest_end is None or latest_end > plan["start_on"]:
                yield latest, plan
                if latest_end is None or (end is not None and end <= latest_end):
                    continue
        latest = plan


def _across(records: ChildRecords, rules: RuleSet | None) -> list[Finding]:
    found: list[Finding] = []
    child = records.child or {}
    child_id = str(child.get("child_id") or "")
    born = child.get("date_of_birth")
    born = born if isinstance(born, dt.date) else None
    earliest = add_months(born, -MONTHS_BEFORE_BIRTH) if born else None
    adult_on = add_months(born, 12 * ADULT_YEARS) if born else None

    def add(rule: Rule, kind: str, record: Record, name: str, detail: str = "") -> None:
        record_id = str(record.get(ID_FIELDS[kind]) or "")
        found.append(Finding(rule, kind, record_id, name, detail, child_id))

    for earlier, later in overlapping_plans(records.plans):
        add(PLANS_OVERLAP, "plan", later, "start_on", f"plan '{earlier.get('plan_id')}'")
    for plan in records.plans:
        start = plan.get("start_on")
        if not isinstance(start, dt.date):
            continue
        if earliest and start < earliest:
            add(PLAN_BEFORE_BIRTH, "plan", plan, "start_on", _before_birth(start, born))
        if adult_on and start >= adult_on:
            add(ADULT_AT_PLAN_START, "plan", plan, "start_on", start.isoformat())

    plans = _plan_facts(records.plans)
    verdicts = _verdicts(records, plans, rules)
    for conference in records.conferences:
        if not is_held(conference):
            continue  # a booked or cancelled conference is not yet (or never) part of the record
        held = conference.get("held_on")
        if not isinstance(held, dt.date):
            continue
        kind = conference.get("kind")
        if earliest and held < earliest:
            add(
                CONFERENCE_BEFORE_BIRTH,
                "conference",
                conference,
                "held_on",
                _before_birth(held, born),
            )
        if adult_on and held >= adult_on:
            add(ADULT_AT_CONFERENCE, "conference", conference, "held_on", held.isoformat())
        if kind == "review" and plan_in_force_for_review(plans, held) is None:
            add(REVIEW_WITHOUT_PLAN, "conference", conference, "kind", held.isoformat())
        if kind == "initial":
            open_plan = next(
                (p for p in plans if p.start_on < held and (p.end_on is None or p.end_on > held)),
                None,
            )
            if open_plan is not None:
                add(
                    INITIAL_DURING_PLAN, "conference", conference, "kind", f"plan '{open_plan.key}'"
                )
            if _blank(conference.get("strategy_discussion_on")):
                add(INITIAL_WITHOUT_STRATEGY, "conference", conference, "strategy_discussion_on")
        if kind == "transfer_in" and _blank(conference.get("transfer_notification_on")):
            add(TRANSFER_WITHOUT_NOTIFICATION, "conference", conference, "transfer_notification_on")
        verdict = verdicts.get(str(conference.get("conference_id") or ""))
        if (
            verdict == Verdict.out
            and not str(conference.get("out_of_timescale_reason") or "").strip()
        ):
            add(LATE_WITHOUT_REASON, "conference", conference, "out_of_timescale_reason")
    return found


def _verdicts(
    records: ChildRecords, plans: list[PlanFacts], rules: RuleSet | None
) -> dict[str, str]:
    if rules is None:
        return {
            str(c.get("conference_id") or ""): str(c.get("verdict") or "")
            for c in records.conferences
        }
    facts = [
        ConferenceFacts(
            str(c["conference_id"]),
            c["kind"],
            c["held_on"],
            c.get("strategy_discussion_on"),
            c.get("transfer_notification_on"),
        )
        for c in records.conferences
        if is_held(c)
        and isinstance(c.get("held_on"), dt.date)
        and c.get("kind") in CONFERENCE_KINDS
        and not _blank(c.get("conference_id"))
    ]
    return {key: str(a.verdict) for key, a in assess_child(facts, plans, rules).items()}


def conference_out_of_timescale(conference: Record, others: ChildRecords, rules: RuleSet) -> bool:
    """Whether `conference`, recorded beside the child's other records, is out of timescale
    (a form asks for the reason then)."""
    records = ChildRecords(
        others.child,
        others.plans,
        [c for c in others.conferences if c.get("conference_id") != conference.get("conference_id")]
        + [conference],
    )
    verdicts = _verdicts(records, _plan_facts(records.plans), rules)
    return verdicts.get(str(conference.get("conference_id") or "")) == Verdict.out


def _before_birth(day: dt.date, born: dt.date | None) -> str:
    return f"{day.isoformat()}; born {born.isoformat() if born else '?'}"


def _shown(text: str) -> str:
    return text if len(text) <= 40 else text[:37] + "..."
