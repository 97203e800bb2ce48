"""Statutory timescales for child protection conferences, and whether each was met.

Each rule is defined once here, as a constant for its national default and a function that
computes its due date, with the source it comes from. The default rule set is England's, from
Working Together to Safeguard Children 2023 (chapter 3, "Providing help, support and
protection": child protection conferences, the core group and reviews); the exact counting rules
(what "N working days after" and "N months after" mean, which plan and which earlier conference a
review is measured against) are those of report-figures.md, section "Timeliness".

Local settings that the guidance leaves to the safeguarding partnership (transfer-in
timescale, when a pre-birth conference should be held, when a chair's pre-review check falls) are
fields of ``RuleSet`` with documented defaults; docs/timeliness.md explains them for chairs and
managers and docs/decisions/0002-timeliness-rules.md records the choices the specification
leaves open.

Everything here is a plain function over plain values: no Django, no clock (dates are
arguments), no database.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from bisect import bisect_left
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from enum import StrEnum
from functools import cached_property, lru_cache

from safeguard.domain.calendar import Nation, WorkingDayCalendar, add_months, calendar_for
from safeguard.domain.periods import long_date

__all__ = [
    "FIRST_CORE_GROUP_WORKING_DAYS",
    "FIRST_REVIEW_MONTHS",
    "FULL_TERM_GESTATION_WEEKS",
    "INITIAL_CONFERENCE_WORKING_DAYS",
    "LATER_REVIEW_MONTHS",
    "PRE_BIRTH_CONFERENCE_GESTATION_WEEK",
    "PRE_REVIEW_CHECK_WORKING_DAYS",
    "SCOTLAND_FIRST_CORE_GROUP_WORKING_DAYS",
    "SCOTLAND_FIRST_REVIEW_MONTHS",
    "SCOTLAND_PLANNING_MEETING_CALENDAR_DAYS",
    "SCOTLAND_PRE_BIRTH_GESTATION_WEEK",
    "TRANSFER_IN_CONFERENCE_WORKING_DAYS",
    "Assessment",
    "ConferenceFacts",
    "ConferenceKind",
    "DayUnit",
    "GUIDANCE",
    "Guidance",
    "MissingFact",
    "PlanFacts",
    "PlanSchedule",
    "Rule",
    "RuleName",
    "RuleSet",
    "Verdict",
    "assess_child",
    "first_core_group_due_on",
    "initial_conference_due_on",
    "is_within_timescale",
    "midway_check_due_on",
    "plan_in_force_for_review",
    "plan_schedule",
    "pre_birth_conference_due_on",
    "pre_review_check_due_on",
    "previous_conference_in_plan",
    "review_conference_due_on",
    "rule_set_for",
    "transfer_in_conference_due_on",
]


# --------------------------------------------------------------------------------------------
# The rules' national defaults. Each is the single definition of that number.
# --------------------------------------------------------------------------------------------

INITIAL_CONFERENCE_WORKING_DAYS = 15
"""An initial child protection conference is due within 15 working days of the strategy
discussion (Working Together to Safeguard Children 2023, chapter 3, "Initial child protection
conferences"; the same figure in Wales, from the last strategy discussion, Wales Safeguarding
Procedures 2019, and in Northern Ireland, SBNI Regional Core Child Protection Policies and
Procedures, "Child Protection Case Conferences")."""

TRANSFER_IN_CONFERENCE_WORKING_DAYS = 15
"""A transfer-in conference is due within 15 working days of the receiving authority's written
notification of the transfer. Working Together 2023 sets no national figure; this is the figure in
the London Child Protection Procedures ("Transfer in conferences") followed by most partnerships,
so it is a local setting."""

FIRST_REVIEW_MONTHS = 3
"""The first review conference is due within 3 months of the initial (or transfer-in) conference
(Working Together to Safeguard Children 2023, chapter 3, "Child protection review conferences";
the same in Wales and Northern Ireland)."""

LATER_REVIEW_MONTHS = 6
"""Further reviews are due no more than 6 months after the previous review (Working Together to
Safeguard Children 2023, chapter 3, "Child protection review conferences"; the same in Wales,
Scotland and Northern Ireland)."""

FIRST_CORE_GROUP_WORKING_DAYS = 10
"""The core group first meets within 10 working days of the conference that made the child
protection plan (Working Together to Safeguard Children 2023, chapter 3, "Action following an
initial child protection conference"; Wales Safeguarding Procedures 2019, the same)."""

FULL_TERM_GESTATION_WEEKS = 40
"""An expected date of birth is taken as the end of week 40 of pregnancy (obstetric convention),
so gestation week W is (40 - W) weeks before it."""

PRE_BIRTH_CONFERENCE_GESTATION_WEEK = 32
"""A pre-birth conference should be held by week 32 of the pregnancy. Working Together 2023 sets no
week; partnerships choose between about 28 and 34 weeks, so this is a local setting
(docs/decisions/0002-timeliness-rules.md)."""

PRE_REVIEW_CHECK_WORKING_DAYS = 10
"""The chair's pre-review check falls 10 working days before the review is due. This is the unit's
own practice, not a statutory timescale: a local setting
(docs/decisions/0002-timeliness-rules.md)."""

SCOTLAND_PLANNING_MEETING_CALENDAR_DAYS = 28
"""In Scotland a child protection planning meeting (CPPM) follows within 28 calendar days of the
inter-agency referral discussion that started the investigation (National Guidance for Child
Protection in Scotland 2021, updated 2023, Part 3 and Appendix D)."""

SCOTLAND_FIRST_REVIEW_MONTHS = 6
"""In Scotland the first review CPPM is due within 6 months of the previous CPPM (National
Guidance for Child Protection in Scotland 2021, updated 2023, Appendix D). The 3-month review
after a pre-birth CPPM is a matter of professional judgement there and is not modelled."""

SCOTLAND_FIRST_CORE_GROUP_WORKING_DAYS = 15
"""In Scotland the core group first meets within 15 working days of the CPPM (National Guidance
for Child Protection in Scotland 2021, updated 2023, Appendix D; paragraph 3.137 says 15 days)."""

SCOTLAND_PRE_BIRTH_GESTATION_WEEK = 28
"""In Scotland a pre-birth CPPM is held within 28 weeks of gestation (National Guidance for Child
Protection in Scotland 2021, updated 2023, paragraph 3.142 and Appendix D)."""


# A recompute writes three dates into every verdict's reason; the same dates recur.
_long_date = lru_cache(maxsize=8192)(long_date)


# --------------------------------------------------------------------------------------------
# Vocabulary
# --------------------------------------------------------------------------------------------


class ConferenceKind(StrEnum):
    """The type of a child protection conference (one child at one conference)."""

    initial = "initial"
    review = "review"
    transfer_in = "transfer_in"


class Verdict(StrEnum):
    """Whether a conference was held within its statutory timescale."""

    within = "within"
    out = "out"
    not_determinable = "not_determinable"


class DayUnit(StrEnum):
    """The unit a rule counts in, and so the unit of ``Assessment.days_late``."""

    working = "working"
    calendar = "calendar"


class MissingFact(StrEnum):
    """What was missing when a verdict could not be reached (the field or record to fix)."""

    strategy_discussion_date = "strategy_discussion_date"
    transfer_notification_date = "transfer_notification_date"
    plan = "plan"
    previous_conference = "previous_conference"


class RuleName(StrEnum):
    """The timescale rule an assessment applied.

    ``review_conference`` is used only when a review cannot be assessed, because which of the
    first-review and later-review rules applies depends on the previous conference.
    """

    initial_conference = "initial_conference"
    transfer_in_conference = "transfer_in_conference"
    first_review_conference = "first_review_conference"
    later_review_conference = "later_review_conference"
    review_conference = "review_conference"


@dataclass(frozen=True)
class ConferenceFacts:
    """What the rules need to know about one child at one conference.

    ``strategy_discussion_on`` holds the date the initial conference is counted from under the
    installation's rule set: the strategy discussion (England, Northern Ireland), the last
    strategy discussion (Wales), the inter-agency referral discussion (Scotland).
    """

    key: str
    kind: ConferenceKind
    held_on: dt.date
    strategy_discussion_on: dt.date | None = None
    transfer_notification_on: dt.date | None = None

    def __post_init__(self) -> None:
        # Accept "review" as well as ConferenceKind.review; refuse anything else here, not later.
        if type(self.kind) is not ConferenceKind:
            object.__setattr__(self, "kind", ConferenceKind(self.kind))


@dataclass(frozen=True)
class PlanFacts:
    """One child protection plan of the child: ``end_on`` is None while the plan is open."""

    key: str
    start_on: dt.date
    end_on: dt.date | None = None


@dataclass(frozen=True)
class Guidance:
    """Where a nation's child protection guidance sets out each timescale."""

    title: str
    initial_conference: str
    transfer_in_conference: str
    review_conference: str
    first_core_group: str
    pre_birth_conference: str


_LOCAL_TRANSFER_IN = (
    "Local setting: no national timescale; London Child Protection Procedures, "
    "transfer-in conferences (15 working days of notification)"
)
_LOCAL_PRE_BIRTH = "Local setting: the partnership's pre-birth procedure"

GUIDANCE: dict[Nation, Guidance] = {
    Nation.england: Guidance(
        title="Working Together to Safeguard Children 2023",
        initial_conference="Working Together to Safeguard Children 2023, chapter 3, "
        "initial child protection conferences",
        transfer_in_conference=_LOCAL_TRANSFER_IN,
        review_conference="Working Together to Safeguard Children 2023, chapter 3, "
        "child protection review conferences",
        first_core_group="Working Together to Safeguard Children 2023, chapter 3, "
        "action following an initial child protection conference",
        pre_birth_conference=_LOCAL_PRE_BIRTH,
    ),
    Nation.wales: Guidance(
        title="Wales Safeguarding Procedures 2019",
        initial_conference="Wales Safeguarding Procedures 2019, children at risk, part 3: "
        "initial child protection conference (from the last strategy discussion)",
        transfer_in_conference=_LOCAL_TRANSFER_IN,
        review_conference="Wales Safeguarding Procedures 2019, children at risk, part 3: "
        "review child protection conferences",
        first_core_group="Wales Safeguarding Procedures 2019, children at risk, part 3: "
        "the core group",
        pre_birth_conference=_LOCAL_PRE_BIRTH,
    ),
    Nation.scotland: Guidance(
        title="National Guidance for Child Protection in Scotland 2021 (updated 2023)",
        initial_conference="National Guidance for Child Protection in Scotland 2021 "
        "(updated 2023), Appendix D: child protection planning meetings",
        transfer_in_conference=_LOCAL_TRANSFER_IN,
        review_conference="National Guidance for Child Protection in Scotland 2021 "
        "(updated 2023), Appendix D: review of the child protection plan",
        first_core_group="National Guidance for Child Protection in Scotland 2021 "
        "(updated 2023), Appendix D and paragraph 3.137: the core group",
        pre_birth_conference="National Guidance for Child Protection in Scotland 2021 "
        "(updated 2023), paragraph 3.142 and Appendix D: unborn child CPPM",
    ),
    Nation.northern_ireland: Guidance(
        title="Co-operating to Safeguard Children and Young People in Northern Ireland 2017; "
        "SBNI Regional Core Child Protection Policies and Procedures",
        initial_conference="SBNI Regional Core Child Protection Policies and Procedures, "
        "child protection case conferences",
        transfer_in_conference=_LOCAL_TRANSFER_IN,
        review_conference="SBNI Regional Core Child Protection Policies and Procedures, "
        "child protection review case conferences",
        first_core_group="SBNI Regional Core Child Protection Policies and Procedures, "
        "the core group",
        pre_birth_conference=_LOCAL_PRE_BIRTH,
    ),
}
"""Each nation's guidance, cited by the rules built from its rule set."""


@dataclass(frozen=True)
class Rule:
    """A timescale rule as applied: its name, the timescale in words, and where it comes from."""

    name: RuleName
    timescale: str
    unit: DayUnit
    citation: str


@dataclass(frozen=True)
class RuleSet:
    """The timescales one installation follows: its nation's guidance plus local settings.

    Build one with ``rule_set_for(nation, **overrides)``; the defaults of each nation are in
    ``rule_set_for`` and docs/timeliness.md. Every number is counted as described in
    report-figures.md: working days exclude weekends and the nation's bank holidays, and the
    start day never counts.
    """

    nation: Nation
    initial_conference_days: int
    initial_conference_day_unit: DayUnit
    initial_conference_counted_from: str
    transfer_in_conference_working_days: int
    first_review_months: int
    later_review_months: int
    first_core_group_working_days: int
    pre_birth_conference_gestation_week: int
    pre_review_check_working_days: int

    def __post_init__(self) -> None:
        object.__setattr__(self, "nation", Nation(self.nation))
        object.__setattr__(
            self, "initial_conference_day_unit", DayUnit(self.initial_conference_day_unit)
        )
        for field in (
            "initial_conference_days",
            "transfer_in_conference_working_days",
            "first_review_months",
            "later_review_months",
            "first_core_group_working_days",
            "pre_review_check_working_days",
        ):
            value = getattr(self, field)
            if not isinstance(value, int) or value < 1:
                raise ValueError(f"{field} must be a whole number of at least 1, got {value!r}.")
        week = self.pre_birth_conference_gestation_week
        if not isinstance(week, int) or not 1 <= week <= FULL_TERM_GESTATION_WEEKS:
            raise ValueError(
                "pre_birth_conference_gestation_week must be a week of pregnancy from 1 to "
                f"{FULL_TERM_GESTATION_WEEKS}, got {week!r}."
            )

    @cached_property
    def calendar(self) -> WorkingDayCalendar:
        """The working-day calendar of this rule set's nation."""
        return calendar_for(self.nation)

    @property
    def guidance(self) -> Guidance:
        return GUIDANCE[self.nation]

    def rule(self, name: RuleName) -> Rule:
        """The rule ``name`` with this rule set's numbers and its citation.

        Where a local setting differs from the nation's default the citation says so.
        """
        return self._rules[RuleName(name)]

    @cached_property
    def _rules(self) -> dict[RuleName, Rule]:
        # Built once per rule set: assessing a conference only looks its rule up.
        return {name: self._build_rule(name) for name in RuleName}

    def _build_rule(self, name: RuleName) -> Rule:
        national = _NATIONAL_RULE_SETS[self.nation]
        guidance = self.guidance
        if name is RuleName.initial_conference:
            unit = self.initial_conference_day_unit
            timescale = (
                f"{self.initial_conference_days} {unit.value} days after "
                f"{self.initial_conference_counted_from}"
            )
            return Rule(
                name,
                timescale,
                unit,
                _cite(
                    guidance.initial_conference,
                    changed=(self.initial_conference_days, unit)
                    != (national.initial_conference_days, national.initial_conference_day_unit),
                ),
            )
        if name is RuleName.transfer_in_conference:
            return Rule(
                name,
                f"{self.transfer_in_conference_working_days} working days after the transfer "
                "notification",
                DayUnit.working,
                _cite(
                    guidance.transfer_in_conference,
                    changed=self.transfer_in_conference_working_days
                    != national.transfer_in_conference_working_days,
                ),
            )
        if name is RuleName.first_review_conference:
            return Rule(
                name,
                f"{_months(self.first_review_months)} after the previous conference",
                DayUnit.calendar,
                _cite(
                    guidance.review_conference,
                    changed=self.first_review_months != national.first_review_months,
                ),
            )
        if name is RuleName.later_review_conference:
            return Rule(
                name,
                f"{_months(self.later_review_months)} after the previous conference",
                DayUnit.calendar,
                _cite(
                    guidance.review_conference,
                    changed=self.later_review_months != national.later_review_months,
                ),
            )
        return Rule(
            RuleName.review_conference,
            f"{_months(self.first_review_months)} after an initial or transfer-in conference, "
            f"{_months(self.later_review_months)} after a review",
            DayUnit.calendar,
            _cite(
                guidance.review_conference,
                changed=(self.first_review_months, self.later_review_months)
                != (national.first_review_months, national.later_review_months),
            ),
        )


def _cite(citation: str, *, changed: bool) -> str:
    return f"Local setting (national guidance: {citation})" if changed else citation


def _months(count: int) -> str:
    return f"{count} month" if count == 1 else f"{count} months"


def _days(count: int, unit: DayUnit) -> str:
    return f"{count} {unit.value} day" if count == 1 else f"{count} {unit.value} days"


_ENGLAND = RuleSet(
    nation=Nation.england,
    initial_conference_days=INITIAL_CONFERENCE_WORKING_DAYS,
    initial_conference_day_unit=DayUnit.working,
    initial_conference_counted_from="the strategy discussion",
    transfer_in_conference_working_days=TRANSFER_IN_CONFERENCE_WORKING_DAYS,
    first_review_months=FIRST_REVIEW_MONTHS,
    later_review_months=LATER_REVIEW_MONTHS,
    first_core_group_working_days=FIRST_CORE_GROUP_WORKING_DAYS,
    pre_birth_conference_gestation_week=PRE_BIRTH_CONFERENCE_GESTATION_WEEK,
    pre_review_check_working_days=PRE_REVIEW_CHECK_WORKING_DAYS,
)

_NATIONAL_RULE_SETS: dict[Nation, RuleSet] = {
    Nation.england: _ENGLAND,
    Nation.wales: dataclasses.replace(
        _ENGLAND,
        nation=Nation.wales,
        initial_conference_counted_from="the last strategy discussion",
    ),
    Nation.scotland: dataclasses.replace(
        _ENGLAND,
        nation=Nation.scotland,
        initial_conference_days=SCOTLAND_PLANNING_MEETING_CALENDAR_DAYS,
        initial_conference_day_unit=DayUnit.calendar,
        initial_conference_counted_from="the inter-agency referral discussion",
        first_review_months=SCOTLAND_FIRST_REVIEW_MONTHS,
        first_core_group_working_days=SCOTLAND_FIRST_CORE_GROUP_WORKING_DAYS,
        pre_birth_conference_gestation_week=SCOTLAND_PRE_BIRTH_GESTATION_WEEK,
    ),
    Nation.northern_ireland: dataclasses.replace(_ENGLAND, nation=Nation.northern_ireland),
}


def rule_set_for(nation: Nation | str = Nation.england, /, **overrides: object) -> RuleSet:
    """The rule set of ``nation``'s guidance, with any local settings in ``overrides``.

    ``overrides`` are RuleSet field names, e.g. ``rule_set_for("england",
    pre_birth_conference_gestation_week=30)``. An unknown name is refused with ValueError.
    """
    base = _NATIONAL_RULE_SETS[Nation(nation)]
    unknown = sorted(set(overrides) - {field.name for field in dataclasses.fields(RuleSet)})
    if unknown:
        raise ValueError(f"Unknown timeliness setting(s): {', '.join(unknown)}.")
    if "nation" in overrides:
        raise ValueError("Choose the nation with the first argument, not as an override.")
    return dataclasses.replace(base, **overrides)  # type: ignore[arg-type]


# --------------------------------------------------------------------------------------------
# The rules
# --------------------------------------------------------------------------------------------


def is_within_timescale(held_on: dt.date, due_on: dt.date) -> bool:
    """A conference held on or before its due date is within timescale (report-figures.md)."""
    return held_on <= due_on


def initial_conference_due_on(strategy_discussion_on: dt.date, rules: RuleSet) -> dt.date:
    """When an initial conference is due: INITIAL_CONFERENCE_WORKING_DAYS working days after the
    strategy discussion in England (Working Together 2023, chapter 3) and Northern Ireland; after
    the last strategy discussion in Wales; SCOTLAND_PLANNING_MEETING_CALENDAR_DAYS calendar days
    after the inter-agency referral discussion in Scotland. The number is ``rules``'."""
    if rules.initial_conference_day_unit is DayUnit.calendar:
        return strategy_discussion_on + dt.timedelta(days=rules.initial_conference_days)
    return rules.calendar.add_working_days(strategy_discussion_on, rules.initial_conference_days)


def transfer_in_conference_due_on(transfer_notification_on: dt.date, rules: RuleSet) -> dt.date:
    """When a transfer-in conference is due: TRANSFER_IN_CONFERENCE_WORKING_DAYS (a local
    setting) working days after the written notification of the transfer."""
    return rules.calendar.add_working_days(
        transfer_notification_on, rules.transfer_in_conference_working_days
    )


def review_conference_due_on(
    previous_conference_on: dt.date, previous_kind: ConferenceKind, rules: RuleSet
) -> dt.date:
    """When a review conference is due: FIRST_REVIEW_MONTHS after the previous conference when
    that was initial or transfer-in, LATER_REVIEW_MONTHS after it when that was a review
    (Working Together 2023, chapter 3; months counted as in ``add_months``)."""
    months = (
        rules.later_review_months
        if previous_kind is ConferenceKind.review
        else rules.first_review_months
    )
    return add_months(previous_conference_on, months)


def first_core_group_due_on(plan_conference_on: dt.date, rules: RuleSet) -> dt.date:
    """When the core group must first meet: FIRST_CORE_GROUP_WORKING_DAYS working days after the
    conference that made the plan (Working Together 2023, chapter 3; 15 in Scotland)."""
    return rules.calendar.add_working_days(plan_conference_on, rules.first_core_group_working_days)


def pre_birth_conference_due_on(expected_date_of_birth_on: dt.date, rules: RuleSet) -> dt.date:
    """When a pre-birth conference is due: by the gestation week in ``rules`` (local setting,
    default PRE_BIRTH_CONFERENCE_GESTATION_WEEK; 28 in Scotland), i.e. the expected date of birth
    less (FULL_TERM_GESTATION_WEEKS - week) weeks."""
    weeks_before_birth = FULL_TERM_GESTATION_WEEKS - rules.pre_birth_conference_gestation_week
    return expected_date_of_birth_on - dt.timedelta(weeks=weeks_before_birth)


def pre_review_check_due_on(review_due_on: dt.date, rules: RuleSet) -> dt.date:
    """When the chair's pre-review check is due: PRE_REVIEW_CHECK_WORKING_DAYS (a local setting)
    working days before the review is due, counted back from the day before it."""
    return rules.calendar.add_working_days(review_due_on, -rules.pre_review_check_working_days)


def midway_check_due_on(
    last_conference_on: dt.date, next_review_due_on: dt.date, rules: RuleSet | None = None
) -> dt.date:
    """When the chair's midway check is due: halfway between the last conference and the next
    review's due date, in calendar days rounded down (the unit's practice; decision 0002).

    Given the rule set, a halfway day that is a weekend or bank holiday moves back to the
    working day before it: a check is work done on a working day."""
    halfway_on = last_conference_on + dt.timedelta(
        days=(next_review_due_on - last_conference_on).days // 2
    )
    if rules is None:
        return halfway_on
    calendar = rules.calendar
    while not calendar.is_working_day(halfway_on) and halfway_on > last_conference_on:
        halfway_on -= dt.timedelta(days=1)
    return halfway_on


# --------------------------------------------------------------------------------------------
# Assessing one child's conferences
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Assessment:
    """The verdict on one conference, with the due date, the rule and a sentence explaining it.

    ``days_late`` is 0 when within timescale, None when not determinable, and otherwise counted in
    ``unit``: working days after the due date up to the day held for working-day rules (at least
    1, when a late conference was held on a weekend or bank holiday), calendar days for the month
    rules and Scotland's calendar-day rule.
    """

    conference_key: str
    verdict: Verdict
    unit: DayUnit
    rule: Rule
    reason: str
    due_on: dt.date | None = None
    days_late: int | None = None
    missing: MissingFact | None = None
    plan_key: str | None = None
    previous_conference_key: str | None = None


def _conference_order(conference: ConferenceFacts) -> tuple[dt.date, str]:
    return (conference.held_on, conference.key)


def _plan_order(plan: PlanFacts) -> tuple[dt.date, str]:
    return (plan.start_on, plan.key)


def plan_in_force_for_review(plans: Iterable[PlanFacts], review_on: dt.date) -> PlanFacts | None:
    """The plan a review held on ``review_on`` belongs to: the child's latest plan (by start date,
    then key) with ``start_on <= review_on`` and no end or ``end_on >= review_on``. A review that
    ends a plan on the plan's end date still belongs to it (report-figures.md)."""
    latest = None
    for plan in plans:
        in_force = plan.start_on <= review_on and (plan.end_on is None or plan.end_on >= review_on)
        if in_force and (latest is None or _plan_order(plan) > _plan_order(latest)):
            latest = plan
    return latest


def previous_conference_in_plan(
    conferences: Iterable[ConferenceFacts], plan: PlanFacts, before_on: dt.date
) -> ConferenceFacts | None:
    """The conference a review held on ``before_on`` is measured from: the child's latest
    conference held on or after the plan's start and before ``before_on`` (ties on one date
    broken by the larger key; decision 0002)."""
    earlier = [c for c in conferences if plan.start_on <= c.held_on < before_on]
    return max(earlier, key=_conference_order, default=None)


def _judge(
    conference: ConferenceFacts,
    rule: Rule,
    due_on: dt.date,
    counted_from: str,
    rules: RuleSet,
    *,
    plan_key: str | None = None,
    previous_conference_key: str | None = None,
) -> Assessment:
    held_on = conference.held_on
    if is_within_timescale(held_on, due_on):
        verdict, days_late, outcome = Verdict.within, 0, "within timescale"
    else:
        verdict = Verdict.out
        if rule.unit is DayUnit.working:
            days_late = max(1, rules.calendar.working_days_between(due_on, held_on))
        else:
            days_late = (held_on - due_on).days
        outcome = f"{_days(days_late, rule.unit)} late"
    reason = (
        f"Due {rule.timescale} {counted_from}: {_long_date(due_on)}. "
        f"Held {_long_date(held_on)}, {outcome}."
    )
    return Assessment(
        conference_key=conference.key,
        verdict=verdict,
        unit=rule.unit,
        rule=rule,
        reason=reason,
        due_on=due_on,
        days_late=days_late,
        plan_key=plan_key,
        previous_conference_key=previous_conference_key,
    )


def _not_determinable(
    conference: ConferenceFacts,
    rule: Rule,
    missing: MissingFact,
    why: str,
    *,
    plan_key: str | None = None,
) -> Assessment:
    return Assessment(
        conference_key=conference.key,
        verdict=Verdict.not_determinable,
        unit=rule.unit,
        rule=rule,
        reason=f"Not determinable: {why}.",
        missing=missing,
        plan_key=plan_key,
    )


def _assess_initial(conference: ConferenceFacts, rules: RuleSet) -> Assessment:
    rule = rules._rules[RuleName.initial_conference]
    if conference.strategy_discussion_on is None:
        counted_from = rules.initial_conference_counted_from.removeprefix("the ")
        return _not_determinable(
            conference,
            rule,
            MissingFact.strategy_discussion_date,
            f"no {counted_from} date recorded",
        )
    due_on = initial_conference_due_on(conference.strategy_discussion_on, rules)
    return _judge(
        conference, rule, due_on, f"on {_long_date(conference.strategy_discussion_on)}", rules
    )


def _assess_transfer_in(conference: ConferenceFacts, rules: RuleSet) -> Assessment:
    rule = rules._rules[RuleName.transfer_in_conference]
    if conference.transfer_notification_on is None:
        return _not_determinable(
            conference,
            rule,
            MissingFact.transfer_notification_date,
            "no transfer notification date recorded",
        )
    due_on = transfer_in_conference_due_on(conference.transfer_notification_on, rules)
    return _judge(
        conference, rule, due_on, f"on {_long_date(conference.transfer_notification_on)}", rules
    )


def _assess_review(
    conference: ConferenceFacts,
    conferences: Sequence[ConferenceFacts],
    held_ons: Sequence[dt.date],
    plans: Sequence[PlanFacts],
    rules: RuleSet,
) -> Assessment:
    """``conferences`` in (date, key) order and ``held_ons`` their dates."""
    plan = plan_in_force_for_review(plans, conference.held_on)
    if plan is None:
        return _not_determinable(
            conference,
            rules._rules[RuleName.review_conference],
            MissingFact.plan,
            f"no child protection plan in force on {_long_date(conference.held_on)}",
        )
    # previous_conference_in_plan, by bisection: the last conference held before this one's
    # date is the latest by (date, key); if it precedes the plan's start, so do all before it.
    earlier = bisect_left(held_ons, conference.held_on)
    previous = conferences[earlier - 1] if earlier else None
    if previous is None or previous.held_on < plan.start_on:
        return _not_determinable(
            conference,
            rules._rules[RuleName.review_conference],
            MissingFact.previous_conference,
            "no earlier conference recorded in the plan that started on "
            f"{_long_date(plan.start_on)}",
            plan_key=plan.key,
        )
    name = (
        RuleName.later_review_conference
        if previous.kind is ConferenceKind.review
        else RuleName.first_review_conference
    )
    due_on = review_conference_due_on(previous.held_on, previous.kind, rules)
    previous_kind = previous.kind.replace("_", "-")  # a StrEnum is its value
    return _judge(
        conference,
        rules._rules[name],
        due_on,
        f"({previous_kind}) on {_long_date(previous.held_on)}",
        rules,
        plan_key=plan.key,
        previous_conference_key=previous.key,
    )


def _sorted_unique(conferences: Iterable[ConferenceFacts]) -> list[ConferenceFacts]:
    ordered = sorted(conferences, key=_conference_order)
    keys = [conference.key for conference in ordered]
    if len(set(keys)) != len(keys):
        duplicates = sorted({key for key in keys if keys.count(key) > 1})
        raise ValueError(f"Conference keys must be unique for a child: {', '.join(duplicates)}.")
    return ordered


def assess_child(
    conferences: Iterable[ConferenceFacts], plans: Iterable[PlanFacts], rules: RuleSet
) -> dict[str, Assessment]:
    """Assess every conference of one child against ``rules``, keyed by conference key.

    All of a child's conferences and plans are needed at once because a review is measured from
    the child's previous conference in the same plan. The result does not depend on the order of
    the inputs: conferences are taken in (date, key) order and plans in (start date, key) order,
    and the returned dict follows the conference order.
    """
    ordered_conferences = _sorted_unique(conferences)
    held_ons = [conference.held_on for conference in ordered_conferences]
    ordered_plans = sorted(plans, key=_plan_order)
    assessments: dict[str, Assessment] = {}
    for conference in ordered_conferences:
        if conference.kind is ConferenceKind.initial:
            assessment = _assess_initial(conference, rules)
        elif conference.kind is ConferenceKind.transfer_in:
            assessment = _assess_transfer_in(conference, rules)
        else:
            assessment = _assess_review(
                conference, ordered_conferences, held_ons, ordered_plans, rules
            )
        assessments[conference.key] = assessment
    return assessments


# --------------------------------------------------------------------------------------------
# The diary of an open plan
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class PlanSchedule:
    """What is next due on an open plan.

    ``start_conference_key`` is the plan's earliest conference (normally the initial or transfer-in
    conference that made it); ``latest_conference_key`` is the one the next review counts from.
    Review-related dates are None while no conference is recorded in the plan.
    """

    plan_key: str
    start_conference_key: str | None
    latest_conference_key: str | None
    first_core_group_due_on: dt.date
    next_review_due_on: dt.date | None
    midway_check_due_on: dt.date | None
    pre_review_check_due_on: dt.date | None


def plan_schedule(
    plan: PlanFacts, conferences: Iterable[ConferenceFacts], rules: RuleSet
) -> PlanSchedule:
    """The due dates of an open ``plan``, from the child's ``conferences``.

    The conferences in the plan are those held on or after its start. The first core group is
    counted from the plan's earliest conference (or from the plan's start date when none is
    recorded); the next review, the midway check and the pre-review check from its latest.
    A plan that has ended has no schedule: ValueError.
    """
    if plan.end_on is not None:
        raise ValueError(
            f"Plan {plan.key} ended on {_long_date(plan.end_on)}; only an open plan has a schedule."
        )
    in_plan = sorted((c for c in conferences if c.held_on >= plan.start_on), key=_conference_order)
    start_conference = in_plan[0] if in_plan else None
    latest_conference = in_plan[-1] if in_plan else None
    core_group_from_on = start_conference.held_on if start_conference else plan.start_on
    next_review_due_on = midway_on = pre_review_on = None
    if latest_conference is not None:
        next_review_due_on = review_conference_due_on(
            latest_conference.held_on, latest_conference.kind, rules
        )
        midway_on = midway_check_due_on(latest_conference.held_on, next_review_due_on, rules)
        pre_review_on = pre_review_check_due_on(next_review_due_on, rules)
    return PlanSchedule(
        plan_key=plan.key,
        start_conference_key=start_conference.key if start_conference else None,
        latest_conference_key=latest_conference.key if latest_conference else None,
        first_core_group_due_on=first_core_group_due_on(core_group_from_on, rules),
        next_review_due_on=next_review_due_on,
        midway_check_due_on=midway_on,
        pre_review_check_due_on=pre_review_on,
    )
