"""The DfE CIN census validation rules about child protection, checked against the records.

Each rule is defined once here, with the DfE rule number and message as the DfE publishes them
(checked against the community validator, SocialFinanceDigitalLabs CIN-validator, rules for the
2022/23 census onwards). `safeguard check` prints them; the report's data-quality section counts
them (`dfe_rule_failures`). A number the DfE source could not confirm is said to be so."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass
from functools import cached_property

from django.db.models import Exists, OuterRef, Q

from safeguard.cases.models import Plan
from safeguard.census.models import PlanCensusDetail, Section47Enquiry
from safeguard.conferences.models import Conference
from safeguard.domain.calendar import CalendarRangeError, calendar_for
from safeguard.domain.figures import DataQualityItem

# The census's "initial child protection conference" (DateOfInitialCPC): an initial conference,
# or the transfer-in conference at which a plan is taken over from another authority.
ICPC_KINDS = ("initial", "transfer_in")
S47_WORKING_DAYS = 15


@dataclass(frozen=True)
class Scope:
    """Which records a check looks at: those dated from `start_on` to `end_on`, as they stood
    at `end_on` (the census's reference date). No dates: every record, as at `end_on`."""

    end_on: dt.date
    start_on: dt.date | None = None

    def holds(self, day: dt.date | None) -> bool:
        return (
            day is not None
            and (self.start_on is None or day >= self.start_on)
            and (day <= self.end_on)
        )

    @cached_property
    def plans(self) -> dict[str, list[_Plan]]:
        """Every child's plans up to `end_on`, read once for all the rules of one check."""
        return _plans(self)


@dataclass(frozen=True)
class RuleFailure:
    rule: str
    message: str
    child_ids: tuple[str, ...]  # the children affected, each once, in order
    count: int  # the records that fail (a child can fail more than once)

    def __str__(self) -> str:
        return f"DfE rule {self.rule}: {self.message}"


@dataclass(frozen=True)
class _Plan:
    child_id: str
    plan_id: str
    start_on: dt.date
    end_on: dt.date | None


def _plans(scope: Scope) -> dict[str, list[_Plan]]:
    by_child: dict[str, list[_Plan]] = defaultdict(list)
    rows = Plan.objects.filter(start_on__lte=scope.end_on).values_list(
        "child__child_id", "plan_id", "start_on", "end_on"
    )
    for child_id, plan_id, start_on, end_on in rows.order_by("child__child_id", "start_on"):
        by_child[child_id].append(_Plan(child_id, plan_id, start_on, end_on))
    return by_child


def rule_2885(scope: Scope) -> list[str]:
    """2885: a plan starting in the period starts on the day of an initial conference."""
    starting_conference = Conference.objects.filter(
        child=OuterRef("child"), held_on=OuterRef("start_on"), kind__in=ICPC_KINDS
    )
    plans = Plan.objects.filter(start_on__lte=scope.end_on).exclude(Exists(starting_conference))
    if scope.start_on:
        plans = plans.filter(start_on__gte=scope.start_on)
    return list(
        plans.order_by("child__child_id", "start_on").values_list("child__child_id", flat=True)
    )


def rule_8940(scope: Scope) -> list[str]:
    """8940: no plan starts between another plan's start and its end (or the reference date,
    while it is open), the end day included as the DfE counts it."""
    failing = []
    for plans in scope.plans.values():
        for plan in plans:
            for other in plans:
                if other is plan or not scope.holds(plan.start_on):
                    continue
                until = other.end_on if other.end_on is not None else scope.end_on
                if other.start_on <= plan.start_on <= until and (
                    other.start_on != plan.start_on or other.plan_id < plan.plan_id
                ):
                    failing.append(plan.child_id)
                    break
    return failing


def rule_8935(scope: Scope) -> list[str]:
    """8935: a child has at most one open plan (no end date) at the reference date."""
    failing = []
    for child_id, plans in scope.plans.items():
        open_plans = [p for p in plans if p.end_on is None or p.end_on > scope.end_on]
        if len(open_plans) > 1:
            failing.extend([child_id] * (len(open_plans) - 1))
    return failing


def rule_8841(scope: Scope) -> list[str]:
    """8841: a review conference is held after its plan's start, never on or before it: each
    review in the period falls after the start of a plan of the child, on or before its end."""
    plans = scope.plans
    failing = []
    reviews = Conference.objects.filter(kind="review", held_on__lte=scope.end_on)
    if scope.start_on:
        reviews = reviews.filter(held_on__gte=scope.start_on)
    for child_id, held_on in reviews.values_list("child__child_id", "held_on"):
        if not any(
            p.start_on < held_on and (p.end_on is None or held_on <= p.end_on)
            for p in plans.get(child_id, ())
        ):
            failing.append(child_id)
    return failing


def rule_8840(scope: Scope) -> list[str]:
    """8840: a plan does not start and end on the same day."""
    return [
        plan.child_id
        for plans in scope.plans.values()
        for plan in plans
        if plan.end_on == plan.start_on and scope.holds(plan.end_on)
    ]


def rule_8875(scope: Scope) -> list[str]:
    """8875: an initial conference is not held on a Saturday or Sunday."""
    rows = Conference.objects.filter(kind__in=ICPC_KINDS, held_on__lte=scope.end_on)
    if scope.start_on:
        rows = rows.filter(held_on__gte=scope.start_on)
    return [
        child_id
        for child_id, held_on in rows.values_list("child__child_id", "held_on")
        if held_on.weekday() >= 5
    ]


def rule_8675q(scope: Scope) -> list[str]:
    """8675Q: a section 47 enquiry that started more than 15 working days before the reference
    date has an initial conference, or is marked as not needing one."""
    calendar = calendar_for("england")
    try:
        # DfE: S47ActualStartDate before ReferenceDate minus 15 working days, the reference
        # date counting as the first of them.
        cutoff = calendar.add_working_days(scope.end_on, -(S47_WORKING_DAYS - 1))
    except CalendarRangeError:
        return []
    rows = Section47Enquiry.objects.filter(
        Q(initial_conference_on__isnull=True) | Q(initial_conference_on__gt=scope.end_on),
        ~Q(icpc_not_required=True),
        started_on__lt=cutoff,
    )
    if scope.start_on:
        rows = rows.filter(started_on__gte=scope.start_on)
    return list(rows.values_list("child__child_id", flat=True))


def rule_8730(scope: Scope) -> list[str]:
    """8730: a plan reported in the census has its NumberOfPreviousCPP (0 or more)."""
    rows = PlanCensusDetail.objects.filter(
        previous_plans__isnull=True, plan__start_on__lte=scope.end_on
    )
    if scope.start_on:
        rows = rows.filter(Q(plan__end_on__isnull=True) | Q(plan__end_on__gte=scope.start_on))
    return list(rows.values_list("plan__child__child_id", flat=True))


def previous_plans_consistent(scope: Scope) -> list[str]:
    """NumberOfPreviousCPP is not fewer than the child's earlier plans that are held here."""
    plans = scope.plans
    failing = []
    rows = PlanCensusDetail.objects.filter(
        previous_plans__isnull=False, plan__start_on__lte=scope.end_on
    ).values_list("plan__child__child_id", "plan__start_on", "plan__end_on", "previous_plans")
    for child_id, start_on, end_on, previous in rows:
        if scope.start_on and end_on is not None and end_on < scope.start_on:
            continue
        earlier = sum(1 for p in plans.get(child_id, ()) if p.start_on < start_on)
        if previous < earlier:
            failing.append(child_id)
    return failing


@dataclass(frozen=True)
class DfeRule:
    number: str
    message: str
    check: Callable[[Scope], list[str]]


RULES: tuple[DfeRule, ...] = (
    DfeRule(
        "2885",
        "Child protection plan shown as starting a different day to the initial child "
        "protection conference",
        rule_2885,
    ),
    DfeRule("8940", "Child Protection Plan data contains overlapping dates", rule_8940),
    DfeRule(
        "8935",
        "This child is showing more than one open Child Protection plan, i.e. with no End Date",
        rule_8935,
    ),
    DfeRule(
        "8841",
        "The review date cannot be on the same day or before the Child protection Plan start date",
        rule_8841,
    ),
    DfeRule("8840", "Child Protection Plan cannot start and end on the same day", rule_8840),
    DfeRule(
        "8875",
        "The Date of Initial Child Protection Conference cannot be a weekend",
        rule_8875,
    ),
    DfeRule(
        "8675Q",
        "S47 Enquiry started more than 15 working days before the end of the census year. "
        "However, there is no date of Initial Child Protection Conference",
        rule_8675q,
    ),
    DfeRule("8730", "Total Number of previous Child Protection Plans missing", rule_8730),
    DfeRule(
        "(rule number not confirmed)",
        "Number of previous child protection plans is fewer than the earlier plans recorded",
        previous_plans_consistent,
    ),
)


def dfe_rules_check(*, end_on: dt.date, start_on: dt.date | None = None) -> list[RuleFailure]:
    """Every rule that some record fails, with the children affected."""
    scope = Scope(end_on=end_on, start_on=start_on)
    failures = []
    for rule in RULES:
        child_ids = rule.check(scope)
        if child_ids:
            failures.append(
                RuleFailure(
                    rule=rule.number,
                    message=rule.message,
                    child_ids=tuple(dict.fromkeys(sorted(child_ids))),
                    count=len(child_ids),
                )
            )
    return failures


def dfe_rule_failures(period) -> list[DataQualityItem]:
    """The report's data-quality lines: records of the period that fail a DfE census rule."""
    return [
        DataQualityItem(
            code=f"dfe_{failure.rule if failure.rule[0].isdigit() else 'unconfirmed'}",
            message=f"DfE rule {failure.rule}: {failure.message}",
            count=failure.count,
        )
        for failure in dfe_rules_check(end_on=period.end_on, start_on=period.start_on)
    ]
