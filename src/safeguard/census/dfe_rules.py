"""The DfE CIN census validation rules about child protection, checked against the records.

Each rule is defined once here, with the DfE rule number and message as the DfE publishes them
(checked against the community validator, SocialFinanceDigitalLabs CIN-validator, rules for the
2022/23 census onwards). `safeguard check` prints them; the report's data-quality section counts
them (`dfe_rule_failures`). A number the DfE source could not confirm is said to be so."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass

from django.db.models import Count, Exists, F, OuterRef, Q, QuerySet, Subquery
from django.db.models.functions import Coalesce

from safeguard.cases.models import Plan
from safeguard.conferences.models import Conference
from safeguard.domain.calendar import CalendarRangeError, calendar_for
from safeguard.domain.figures import DataQualityItem

from .models import PlanCensusDetail, Section47Enquiry

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

    def dated(self, field: str) -> Q:
        """The records whose `field` falls in the scope."""
        within = Q(**{f"{field}__lte": self.end_on})
        return within & Q(**{f"{field}__gte": self.start_on}) if self.start_on else within


@dataclass(frozen=True)
class RuleFailure:
    rule: str
    message: str
    child_ids: tuple[str, ...]  # the children affected, each once, in order
    count: int  # the records that fail (a child can fail more than once)

    def __str__(self) -> str:
        return f"DfE rule {self.rule}: {self.message}"


# Each rule is one query: the plans known at the reference date are those started by then, and
# a plan's end is never before its start (a database constraint), which the queries rely on.


def _child_ids(rows: QuerySet, child: str = "child__child_id") -> list[str]:
    return list(rows.order_by().values_list(child, flat=True))


def rule_2885(scope: Scope) -> list[str]:
    """2885: a plan starting in the period starts on the day of an initial conference."""
    starting_conference = Conference.objects.filter(
        child=OuterRef("child"), held_on=OuterRef("start_on"), kind__in=ICPC_KINDS
    )
    return _child_ids(
        Plan.objects.filter(scope.dated("start_on")).exclude(Exists(starting_conference))
    )


def rule_8940(scope: Scope) -> list[str]:
    """8940: no plan starts between another plan's start and its end (or the reference date,
    while it is open), the end day included as the DfE counts it. Of plans starting on the same
    day, all but one fail."""
    overlapped_by = (
        Plan.objects.filter(child=OuterRef("child"), start_on__lte=OuterRef("start_on"))
        .filter(Q(end_on__isnull=True) | Q(end_on__gte=OuterRef("start_on")))
        .filter(Q(start_on__lt=OuterRef("start_on")) | Q(pk__lt=OuterRef("pk")))
    )
    return _child_ids(Plan.objects.filter(scope.dated("start_on"), Exists(overlapped_by)))


def rule_8935(scope: Scope) -> list[str]:
    """8935: a child has at most one open plan (no end date) at the reference date."""
    open_by_child = (
        Plan.objects.filter(start_on__lte=scope.end_on)
        .filter(Q(end_on__isnull=True) | Q(end_on__gt=scope.end_on))
        .values("child__child_id")
        .annotate(open_plans=Count("pk"))
        .filter(open_plans__gt=1)
        .order_by()
    )
    return [row["child__child_id"] for row in open_by_child for _ in range(row["open_plans"] - 1)]


def rule_8841(scope: Scope) -> list[str]:
    """8841: a review conference is held after its plan's start, never on or before it: each
    review in the period falls after the start of a plan of the child, on or before its end."""
    covering_plan = Plan.objects.filter(
        Q(end_on__isnull=True) | Q(end_on__gte=OuterRef("held_on")),
        child=OuterRef("child"),
        start_on__lt=OuterRef("held_on"),
    )
    reviews = Conference.objects.filter(scope.dated("held_on"), kind="review")
    return _child_ids(reviews.exclude(Exists(covering_plan)))


def rule_8840(scope: Scope) -> list[str]:
    """8840: a plan does not start and end on the same day."""
    return _child_ids(Plan.objects.filter(scope.dated("end_on"), end_on=F("start_on")))


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
    earlier_plans = (
        Plan.objects.filter(child=OuterRef("plan__child"), start_on__lt=OuterRef("plan__start_on"))
        .order_by()
        .values("child")
        .annotate(count=Count("pk"))
        .values("count")
    )
    rows = PlanCensusDetail.objects.filter(
        previous_plans__isnull=False,
        plan__start_on__lte=scope.end_on,
        previous_plans__lt=Coalesce(Subquery(earlier_plans), 0),
    )
    if scope.start_on:
        rows = rows.filter(Q(plan__end_on__isnull=True) | Q(plan__end_on__gte=scope.start_on))
    return _child_ids(rows, "plan__child__child_id")


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
