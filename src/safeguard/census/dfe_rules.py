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
from safeguard.conferences.models import Conference, ConferenceStatus
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
        child=OuterRef("child"),
        held_on=OuterRef("start_on"),
        kind__in=ICPC_KINDS,
        status=ConferenceStatus.HELD,
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
    reviews = Conference.objects.filter(
        scope.dated("held_on"), kind="review", status=ConferenceStatus.HELD
    )
    return _child_ids(reviews.exclude(Exists(covering_plan)))


def rule_8840(scope: Scope) -> list[str]:
    """8840: a plan does not start and end on the same day."""
    return _child_ids(Plan.objects.filter(scope.dated("end_on"), end_on=F("start_on")))


def rule_8875(scope: Scope) -> list[str]:
    """8875: an initial conference is not held on a Saturday or Sunday."""
    rows = Conference.objects.filter(
        kind__in=ICPC_KINDS, held_on__lte=scope.end_on, status=ConferenceStatus.HELD
    )
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


# --- The DfE rules on the census file (`safeguard check`) -------------------------------------
#
# `safeguard check` builds, in memory, the file `cin-census export` would write for a collection
# year (`exporter.census_document`), checks each child against the DfE schema, then applies the
# DfE's rules to the file as the DfE applies them: to the file's children, with its reference
# date. Each rule below is written as D2I's csc-validator-be-cin (the DfE rules in Python, 0.1.13)
# reads it, and tests/census/test_cin_validator_agreement.py holds the two to the same children.


@dataclass(frozen=True)
class CensusPlan:
    start_on: dt.date | None
    end_on: dt.date | None
    reviews: tuple[dt.date | None, ...]
    initial_category: str = "NEG"
    latest_category: str = "NEG"
    previous_plans: str = "0"  # as written


@dataclass(frozen=True)
class CensusEnquiry:
    started_on: dt.date | None
    conference_on: dt.date | None
    not_required: str  # as written: "1", "0" or ""
    target_on: dt.date | None = None


@dataclass(frozen=True)
class CensusEpisode:
    referral_on: dt.date | None
    conference_on: dt.date | None
    enquiries: tuple[CensusEnquiry, ...]
    plans: tuple[CensusPlan, ...]
    referral_source: str = ""
    primary_need: str = ""
    closure_on: dt.date | None = None
    closure_reason: str = ""
    referral_nfa: str = ""  # as written: "1", "0", "true", "false" or ""
    assessments: int = 0  # only a census import gives them

    @property
    def no_further_action(self) -> bool:
        return self.referral_nfa.lower() in ("1", "true")

    @property
    def further_action(self) -> bool:
        return self.referral_nfa.lower() in ("0", "false")


@dataclass(frozen=True)
class CensusChild:
    child_id: str
    born_on: dt.date | None
    expected_on: dt.date | None
    sex: str
    episodes: tuple[CensusEpisode, ...]
    ethnicity: str = "NOBT"
    upn: str = ""
    upn_unknown: str = ""

    @property
    def plans(self) -> list[CensusPlan]:
        return [plan for episode in self.episodes for plan in episode.plans]


def _text(element, path: str) -> str:
    return (element.findtext(path) or "").strip()


def _day(element, path: str) -> dt.date | None:
    text = element.findtext(path)
    try:
        return dt.date.fromisoformat(text.strip()) if text else None
    except ValueError:
        return None


def census_child(element) -> CensusChild:
    """A <Child> of a census file, as the rules read it."""
    return CensusChild(
        child_id=(element.findtext("ChildIdentifiers/LAchildID") or "").strip(),
        born_on=_day(element, "ChildIdentifiers/PersonBirthDate"),
        expected_on=_day(element, "ChildIdentifiers/ExpectedPersonBirthDate"),
        sex=(element.findtext("ChildIdentifiers/Sex") or "").strip(),
        episodes=tuple(
            CensusEpisode(
                referral_on=_day(details, "CINreferralDate"),
                conference_on=_day(details, "DateOfInitialCPC"),
                enquiries=tuple(
                    CensusEnquiry(
                        started_on=_day(enquiry, "S47ActualStartDate"),
                        conference_on=_day(enquiry, "DateOfInitialCPC"),
                        not_required=(enquiry.findtext("ICPCnotRequired") or "").strip(),
                        target_on=_day(enquiry, "InitialCPCtarget"),
                    )
                    for enquiry in details.iterfind("Section47")
                ),
                plans=tuple(
                    CensusPlan(
                        start_on=_day(plan, "CPPstartDate"),
                        end_on=_day(plan, "CPPendDate"),
                        reviews=tuple(
                            _day(review, ".") for review in plan.iterfind("Reviews/CPPreviewDate")
                        ),
                        initial_category=_text(plan, "InitialCategoryOfAbuse"),
                        latest_category=_text(plan, "LatestCategoryOfAbuse"),
                        previous_plans=_text(plan, "NumberOfPreviousCPP"),
                    )
                    for plan in details.iterfind("ChildProtectionPlans")
                ),
                referral_source=_text(details, "ReferralSource"),
                primary_need=_text(details, "PrimaryNeedCode"),
                closure_on=_day(details, "CINclosureDate"),
                closure_reason=_text(details, "ReasonForClosure"),
                referral_nfa=_text(details, "ReferralNFA"),
                assessments=len(details.findall("Assessments")),
            )
            for details in element.iterfind("CINdetails")
        ),
        ethnicity=_text(element, "ChildCharacteristics/Ethnicity"),
        upn=_text(element, "ChildIdentifiers/UPN"),
        upn_unknown=_text(element, "ChildIdentifiers/UPNunknown"),
    )


@dataclass(frozen=True)
class CensusPeriod:
    """The DfE's census period: the day after the reference date a year before, to it. A year
    checked to date (`opened_on`) starts on its 1 April instead, as its final return will."""

    reference_on: dt.date
    opened_on: dt.date | None = None

    @property
    def start_on(self) -> dt.date:
        from safeguard.domain.calendar import add_months

        if self.opened_on is not None:
            return self.opened_on
        return add_months(self.reference_on, -12) + dt.timedelta(days=1)

    def holds(self, day: dt.date | None) -> bool:
        return day is not None and self.start_on <= day <= self.reference_on


def census_2885(child: CensusChild, period: CensusPeriod) -> bool:
    """A plan starting in the period starts on the day of an initial conference of its episode
    (a section 47's, unless marked not required, or the episode's own)."""
    for episode in child.episodes:
        conferences = {e.conference_on for e in episode.enquiries if e.not_required != "1"}
        conferences.add(episode.conference_on)
        for plan in episode.plans:
            if period.holds(plan.start_on) and plan.start_on not in conferences:
                return True
    return False


def census_8525q(child: CensusChild, period: CensusPeriod) -> bool:
    """Either a date of birth or an expected one, not both and not neither."""
    return (child.born_on is None) == (child.expected_on is None)


def _before(day: dt.date | None, other: dt.date | None) -> bool:
    """Both dates are known and `day` is earlier than `other`."""
    return day is not None and other is not None and day < other


def census_8520(child: CensusChild, period: CensusPeriod) -> bool:
    return child.born_on is not None and child.born_on > period.reference_on


def census_8750(child: CensusChild, period: CensusPeriod) -> bool:
    """An unborn child (expected date of birth only) has sex U."""
    return child.born_on is None and child.expected_on is not None and child.sex != "U"


def census_4180(child: CensusChild, period: CensusPeriod) -> bool:
    return child.sex not in ("M", "F", "U")


def census_8875(child: CensusChild, period: CensusPeriod) -> bool:
    """A section 47's initial conference is not on a Saturday or Sunday."""
    return any(
        enquiry.conference_on is not None and enquiry.conference_on.weekday() >= 5
        for episode in child.episodes
        for enquiry in episode.enquiries
    )


def census_8675q(child: CensusChild, period: CensusPeriod) -> bool:
    """A section 47 started more than 15 working days before the reference date (which counts as
    the first) has an initial conference, or is marked as not needing one."""
    try:
        cutoff = calendar_for("england").add_working_days(
            period.reference_on, -(S47_WORKING_DAYS - 1)
        )
    except CalendarRangeError:
        return False
    return any(
        enquiry.conference_on is None
        and enquiry.not_required in ("0", "false")
        and enquiry.started_on is not None
        and enquiry.started_on < cutoff
        for episode in child.episodes
        for enquiry in episode.enquiries
    )


def census_8615(child: CensusChild, period: CensusPeriod) -> bool:
    """A section 47's start is present and not after its initial conference."""
    return any(
        enquiry.started_on is None
        or (enquiry.conference_on is not None and enquiry.started_on > enquiry.conference_on)
        for episode in child.episodes
        for enquiry in episode.enquiries
    )


def census_2889(child: CensusChild, period: CensusPeriod) -> bool:
    """A section 47 does not start before its episode's referral."""
    return any(
        _before(enquiry.started_on, episode.referral_on)
        for episode in child.episodes
        for enquiry in episode.enquiries
    )


def census_1104(child: CensusChild, period: CensusPeriod) -> bool:
    """A section 47's initial conference is not before its episode's referral."""
    return any(
        _before(enquiry.conference_on, episode.referral_on)
        for episode in child.episodes
        for enquiry in episode.enquiries
    )


def census_1105(child: CensusChild, period: CensusPeriod) -> bool:
    """A plan does not start before its episode's referral."""
    return any(
        _before(plan.start_on, episode.referral_on)
        for episode in child.episodes
        for plan in episode.plans
    )


def census_8840(child: CensusChild, period: CensusPeriod) -> bool:
    return any(plan.start_on is not None and plan.start_on == plan.end_on for plan in child.plans)


def census_8925(child: CensusChild, period: CensusPeriod) -> bool:
    return any(_before(plan.end_on, plan.start_on) for plan in child.plans)


def census_8841(child: CensusChild, period: CensusPeriod) -> bool:
    """A review is after the start of the plan it is recorded under."""
    return any(
        plan.start_on is not None and review is not None and review <= plan.start_on
        for plan in child.plans
        for review in plan.reviews
    )


def census_8940(child: CensusChild, period: CensusPeriod) -> bool:
    """No plan starts on or after another's start and on or before its end (or, while that one
    is open, the reference date)."""
    plans = [plan for plan in child.plans if plan.start_on is not None]
    return any(
        a.start_on >= b.start_on  # type: ignore[operator]
        and (
            a.start_on <= b.end_on  # type: ignore[operator]
            if b.end_on is not None
            else a.start_on <= period.reference_on  # type: ignore[operator]
        )
        for i, a in enumerate(plans)
        for j, b in enumerate(plans)
        if i != j
    )


def census_1570(child: CensusChild, period: CensusPeriod) -> bool:
    return len(child.child_id) > 20


def census_1580(child: CensusChild, period: CensusPeriod) -> bool:
    """LAchildID is letters and digits only (the DfE's check, Python's `str.isalnum`)."""
    return not child.child_id.isalnum()


def census_8530q(child: CensusChild, period: CensusPeriod) -> bool:
    """An expected date of birth falls after 30 days before the reference date and before nine
    months after it."""
    from safeguard.domain.calendar import add_months

    expected = child.expected_on
    return expected is not None and (
        expected >= add_months(period.reference_on, 9)
        or expected <= period.reference_on - dt.timedelta(days=30)
    )


def census_8775q(child: CensusChild, period: CensusPeriod) -> bool:
    """A child 25 or over at the reference date has no episode open, or closed after 25."""
    from safeguard.domain.calendar import add_months

    if child.born_on is None or child.born_on >= add_months(period.reference_on, -300):
        return False
    aged_25 = add_months(child.born_on, 300)
    return any(e.closure_on is None or e.closure_on > aged_25 for e in child.episodes)


def census_8590(child: CensusChild, period: CensusPeriod) -> bool:
    return not child.episodes


def census_8600(child: CensusChild, period: CensusPeriod) -> bool:
    """Each episode's referral date is present and not after the reference date."""
    return any(e.referral_on is None or e.referral_on > period.reference_on for e in child.episodes)


def census_8606(child: CensusChild, period: CensusPeriod) -> bool:
    """No referral more than 40 weeks (280 days) before the (expected) date of birth."""
    births = [day for day in (child.born_on, child.expected_on) if day is not None]
    return any(
        e.referral_on is not None and e.referral_on < born - dt.timedelta(days=280)
        for e in child.episodes
        for born in births
    )


def census_8610(child: CensusChild, period: CensusPeriod) -> bool:
    """A referral that led to further action has a primary need code."""
    return any(e.further_action and not e.primary_need for e in child.episodes)


def census_8620(child: CensusChild, period: CensusPeriod) -> bool:
    return any(e.closure_on is not None and not period.holds(e.closure_on) for e in child.episodes)


def census_8630(child: CensusChild, period: CensusPeriod) -> bool:
    return any(_before(e.closure_on, e.referral_on) for e in child.episodes)


CLOSURE_REASONS = {f"RC{n}" for n in range(1, 10)}
PRIMARY_NEEDS = {f"N{n}" for n in range(10)}
REFERRAL_SOURCES = {
    *("1A", "1B", "1C", "1D", "2A", "2B", "3A", "3B", "3C", "3D", "3E", "3F", "4"),
    *("5A", "5B", "5C", "5D", "6", "7", "8", "9", "10"),
}


def census_8640(child: CensusChild, period: CensusPeriod) -> bool:
    return any(e.closure_reason and e.closure_reason not in CLOSURE_REASONS for e in child.episodes)


def census_8650(child: CensusChild, period: CensusPeriod) -> bool:
    return any(e.primary_need and e.primary_need not in PRIMARY_NEEDS for e in child.episodes)


def census_8805(child: CensusChild, period: CensusPeriod) -> bool:
    return any(e.closure_on is not None and not e.closure_reason for e in child.episodes)


def census_8810(child: CensusChild, period: CensusPeriod) -> bool:
    return any(e.closure_reason and e.closure_on is None for e in child.episodes)


def census_8820(child: CensusChild, period: CensusPeriod) -> bool:
    """No episode starts on or after another's referral and before its closure (or, while that
    one is open and not a referral with no further action, the reference date)."""
    episodes = [e for e in child.episodes if e.referral_on is not None]
    return any(
        a.referral_on >= b.referral_on  # type: ignore[operator]
        and (
            a.referral_on < b.closure_on  # type: ignore[operator]
            if b.closure_on is not None
            else (a.referral_on < period.reference_on and b.further_action)  # type: ignore[operator]
        )
        for i, a in enumerate(episodes)
        for j, b in enumerate(episodes)
        if i != j
    )


def census_8832(child: CensusChild, period: CensusPeriod) -> bool:
    """No plan under a referral with no further action."""
    return any(e.no_further_action and e.plans for e in child.episodes)


def census_8866(child: CensusChild, period: CensusPeriod) -> bool:
    return any(
        e.referral_on is not None
        and e.referral_on >= dt.date(2013, 4, 1)
        and e.referral_source not in REFERRAL_SOURCES
        for e in child.episodes
    )


def census_8868(child: CensusChild, period: CensusPeriod) -> bool:
    """In a closed episode each section 47 has its initial conference, or is marked as not
    needing one, not both."""
    return any(
        (enquiry.conference_on is None) == (enquiry.not_required not in ("1", "true"))
        for e in child.episodes
        if e.closure_on is not None
        for enquiry in e.enquiries
    )


def census_8569q(child: CensusChild, period: CensusPeriod) -> bool:
    """A referral more than one working day before the collection year's start is not a referral
    with no further action (it would have been reported last year)."""
    try:
        # pandas' "start less 0 working days": the start, or the next working day after it.
        before = calendar_for("england").add_working_days(period.start_on - dt.timedelta(days=1), 1)
    except CalendarRangeError:
        return False
    return any(
        e.referral_on is not None and e.referral_on < before and not e.further_action
        for e in child.episodes
    )


ETHNICITIES = {
    *("ABAN", "AIND", "AOTH", "APKN", "BAFR", "BCRB", "BOTH", "CHNE", "MOTH", "MWAS"),
    *("MWBA", "MWBC", "NOBT", "OOTH", "REFU", "WBRI", "WIRI", "WIRT", "WOTH", "WROM"),
}
CATEGORIES = {"NEG", "PHY", "SAB", "EMO", "MUL"}


def _enquiries(child: CensusChild) -> list[CensusEnquiry]:
    return [enquiry for episode in child.episodes for enquiry in episode.enquiries]


def census_4220(child: CensusChild, period: CensusPeriod) -> bool:
    return child.ethnicity not in ETHNICITIES


def census_8500(child: CensusChild, period: CensusPeriod) -> bool:
    return not child.child_id


def census_8568(child: CensusChild, period: CensusPeriod) -> bool:
    return any(e.referral_nfa.lower() not in ("1", "0", "true", "false") for e in child.episodes)


def census_8715(child: CensusChild, period: CensusPeriod) -> bool:
    """A section 47's initial conference falls in the census period."""
    return any(
        e.conference_on is not None and not period.holds(e.conference_on) for e in _enquiries(child)
    )


def census_8720(child: CensusChild, period: CensusPeriod) -> bool:
    """A plan's start is present and not after the reference date."""
    return any(p.start_on is None or p.start_on > period.reference_on for p in child.plans)


def census_8730(child: CensusChild, period: CensusPeriod) -> bool:
    """A plan has its number of previous plans, 0 or more."""
    return any(not p.previous_plans.isdigit() for p in child.plans)


def census_8740(child: CensusChild, period: CensusPeriod) -> bool:
    """A section 47 with no initial conference, and not marked as not needing one, started in
    the census period."""
    return any(
        e.conference_on is None and e.not_required == "0" and not period.holds(e.started_on)
        for e in _enquiries(child)
        if e.started_on is not None
    )


def census_8816(child: CensusChild, period: CensusPeriod) -> bool:
    """Only the latest referral's episode may be open (unless a referral with no further
    action)."""
    episodes = [e for e in child.episodes if e.referral_on is not None]
    if not episodes:
        return False
    latest = max(episodes, key=lambda e: e.referral_on)  # type: ignore[arg-type, return-value]
    return any(e is not latest and e.closure_on is None and e.further_action for e in episodes)


def census_8870q(child: CensusChild, period: CensusPeriod) -> bool:
    """A section 47's target date for the initial conference is not on a weekend."""
    return any(e.target_on is not None and e.target_on.weekday() >= 5 for e in _enquiries(child))


def census_8890(child: CensusChild, period: CensusPeriod) -> bool:
    """No section 47 starts while another of the episode is ongoing: from its start to its
    initial conference, or, with none and not marked as not needing one, to the reference date."""

    def ongoing_on(other: CensusEnquiry, day: dt.date) -> bool:
        if other.started_on is None or day < other.started_on:
            return False
        if other.conference_on is not None:
            return day <= other.conference_on
        return day <= period.reference_on and other.not_required.lower() not in ("1", "true")

    return any(
        a.started_on is not None
        and (a.started_on, a.conference_on) != (b.started_on, b.conference_on)  # not itself
        and ongoing_on(b, a.started_on)
        for episode in child.episodes
        for a in episode.enquiries
        for b in episode.enquiries
    )


def census_8905(child: CensusChild, period: CensusPeriod) -> bool:
    return any(p.initial_category not in CATEGORIES for p in child.plans)


def census_8910(child: CensusChild, period: CensusPeriod) -> bool:
    return any(p.latest_category not in CATEGORIES for p in child.plans)


def census_8930(child: CensusChild, period: CensusPeriod) -> bool:
    """A plan's end falls in the census period."""
    return any(p.end_on is not None and not period.holds(p.end_on) for p in child.plans)


def census_8770q(child: CensusChild, period: CensusPeriod) -> bool:
    """A child of school age (five by the 31 August after the reference date, as the DfE
    reckons it), referred for further action, has a UPN or a reason it is unknown (UN2-UN7).
    Safeguard keeps no UPNs, so its census file has none: the DfE queries each such child."""
    from safeguard.domain.calendar import add_months

    school_start = add_months(period.reference_on, 4) + dt.timedelta(days=31)
    return (
        child.born_on is not None
        and child.born_on <= add_months(school_start, -72)
        and any(
            e.referral_nfa in ("0",) or e.referral_nfa.lower() == "false" for e in child.episodes
        )
        and not child.upn
        and child.upn_unknown.upper() not in {f"UN{n}" for n in range(2, 8)}
    )


def census_2991q(child: CensusChild, period: CensusPeriod) -> bool:
    """An episode with a section 47 enquiry has an assessment. Assessments come only from a
    census import: the DfE queries each episode of other doors' records with a section 47."""
    return any(e.enquiries and not e.assessments for e in child.episodes)


@dataclass(frozen=True)
class CensusRule:
    number: str
    message: str
    check: Callable[[CensusChild, CensusPeriod], bool]

    @property
    def is_query(self) -> bool:
        return self.number.endswith("Q")


CENSUS_RULES: tuple[CensusRule, ...] = (
    CensusRule(
        "1104",
        "The date of the initial child protection conference cannot be before the referral date",
        census_1104,
    ),
    CensusRule(
        "1105",
        "The child protection plan start date cannot be before the referral date",
        census_1105,
    ),
    CensusRule("2885", RULES[0].message, census_2885),
    CensusRule("2889", "The S47 start date cannot be before the referral date.", census_2889),
    CensusRule("4180", "Sex must be provided and equal M, F, or U", census_4180),
    CensusRule(
        "8520",
        "Date of Birth is after data collection period (must be on or before the "
        "end of the census period)",
        census_8520,
    ),
    CensusRule(
        "8615",
        "Section 47 Enquiry Start Date must be present and cannot be later than "
        "the date of the initial Child Protection Conference",
        census_8615,
    ),
    CensusRule("8750", "Sex must equal U for an unborn child", census_8750),
    CensusRule("8840", "Child Protection Plan cannot start and end on the same day", census_8840),
    CensusRule(
        "8841",
        "The review date cannot be on the same day or before the Child protection Plan start date.",
        census_8841,
    ),
    CensusRule(
        "8875", "The Date of Initial Child Protection Conference cannot be a weekend", census_8875
    ),
    CensusRule("8925", "Child Protection Plan End Date earlier than Start Date", census_8925),
    CensusRule("8940", "Child Protection Plan data contains overlapping dates", census_8940),
    CensusRule("1570", "LA Child ID must not be longer than 20 characters", census_1570),
    CensusRule("1580", "LA Child ID must not contain any non-alphanumeric characters", census_1580),
    CensusRule("8590", "Child does not have a recorded CIN episode.", census_8590),
    CensusRule("8600", "Child referral date missing or after data collection period", census_8600),
    CensusRule(
        "8606", "Child referral date is more than 40 weeks before DOB or expected DOB", census_8606
    ),
    CensusRule(
        "8610",
        "Primary Need code is missing for a referral which led to further action.",
        census_8610,
    ),
    CensusRule(
        "8620", "CIN Closure Date present and does not fall within the Census year", census_8620
    ),
    CensusRule(
        "8630", "CIN Closure Date is before CIN Referral Date for the same CIN episode", census_8630
    ),
    CensusRule(
        "8640",
        "CIN Reason for closure code invalid (see Reason for Closure table in CIN Census code set)",
        census_8640,
    ),
    CensusRule(
        "8650",
        "Primary Need Code invalid (see Primary Need table in CIN census code set)",
        census_8650,
    ),
    CensusRule(
        "8805",
        "A CIN case cannot have a CIN closure date without a Reason for Closure",
        census_8805,
    ),
    CensusRule(
        "8810",
        "A CIN case cannot have a Reason for Closure without a CIN Closure Date",
        census_8810,
    ),
    CensusRule("8820", "The dates on the CIN episodes for this child overlap", census_8820),
    CensusRule(
        "8832",
        "Child Protection details provided for a referral with no further action.",
        census_8832,
    ),
    CensusRule("8866", "Source of Referral is missing or an invalid code", census_8866),
    CensusRule(
        "8868",
        "CIN episode is shown as closed, however Section 47 enquiry is not shown "
        "as completed by ICPC date or ICPC not required flag",
        census_8868,
    ),
    CensusRule(
        "8530Q",
        "Expected Date of Birth is outside the expected range (more than 30 days "
        "before, or nine months or more after, the reference date)",
        census_8530q,
    ),
    CensusRule(
        "8569Q",
        "A case with referral date before one working day prior to the collection "
        "start date must not be flagged as a no further action case",
        census_8569q,
    ),
    CensusRule("8775Q", "Child is over 25 years old", census_8775q),
    CensusRule("4220", "Ethnicity is missing or invalid (see Ethnicity table)", census_4220),
    CensusRule("8500", "LA Child ID missing", census_8500),
    CensusRule("8568", "RNFA flag is missing or invalid", census_8568),
    CensusRule(
        "8715",
        "Date of Initial Child Protection Conference must fall within the census year",
        census_8715,
    ),
    CensusRule(
        "8720",
        "Child Protection Plan Start Date missing or out of data collection period",
        census_8720,
    ),
    CensusRule("8730", RULES[7].message, census_8730),
    CensusRule(
        "8740",
        "For a Section 47 Enquiry that has not held the Initial Child Protection "
        "Conference by the end of the census year, the start date must fall within the "
        "census year",
        census_8740,
    ),
    CensusRule(
        "8816",
        "An open CIN episode is shown and case is not a referral with no further "
        "action, but it is not the latest episode.",
        census_8816,
    ),
    CensusRule(
        "8890",
        "A Section 47 enquiry is shown as starting when there is another Section "
        "47 Enquiry ongoing",
        census_8890,
    ),
    CensusRule(
        "8905",
        "Initial Category of Abuse code missing or invalid (see Category of Abuse "
        "table in CIN Census code set)",
        census_8905,
    ),
    CensusRule(
        "8910",
        "Latest Category of Abuse code missing or invalid (see Category of Abuse "
        "table in CIN Census code set)",
        census_8910,
    ),
    CensusRule(
        "8930", "Child Protection Plan End Date must fall within the census year", census_8930
    ),
    CensusRule(
        "8870Q",
        "The Target Date for Initial Child Protection Conference is a weekend",
        census_8870q,
    ),
    CensusRule(
        "8770Q",
        "UPN is missing or reason UPN is missing is not valid for a child of school age",
        census_8770q,
    ),
    CensusRule(
        "2991Q",
        "A Section 47 module is recorded and there is no assessment on the episode",
        census_2991q,
    ),
    CensusRule(
        "8525Q",
        "Either Date of Birth or Expected Date of Birth must be provided (but not both)",
        census_8525q,
    ),
    CensusRule("8675Q", RULES[6].message, census_8675q),
)


@dataclass(frozen=True)
class CensusFinding:
    """A rule, or the schema, that children of the census file fail."""

    rule: str  # a DfE rule number, or "schema"
    message: str
    kind: str  # "error" or "query"
    child_ids: tuple[str, ...]


def census_rules_check(
    children: list[CensusChild], reference_on: dt.date, *, opened_on: dt.date | None = None
) -> list[CensusFinding]:
    """Every DfE rule some child of the file fails, errors then queries, by rule number."""
    period = CensusPeriod(reference_on, opened_on)
    findings = []
    for rule in sorted(CENSUS_RULES, key=lambda r: (r.is_query, r.number)):
        failing = sorted({child.child_id for child in children if rule.check(child, period)})
        if failing:
            findings.append(
                CensusFinding(
                    rule=rule.number,
                    message=rule.message,
                    kind="query" if rule.is_query else "error",
                    child_ids=tuple(failing),
                )
            )
    return findings


@dataclass(frozen=True)
class CensusCheck:
    year_name: str
    reference_on: dt.date
    children: int
    findings: list[CensusFinding]

    @property
    def errors(self) -> list[CensusFinding]:
        return [finding for finding in self.findings if finding.kind == "error"]

    @property
    def queries(self) -> list[CensusFinding]:
        return [finding for finding in self.findings if finding.kind == "query"]


def census_check(year, *, as_of: dt.date | None = None) -> CensusCheck:
    """What the DfE would say of the census file `cin-census export` would write for `year` (to
    `as_of`, when given and before the year's end): each child's schema faults, then the DfE
    rules' errors and queries."""
    from .exporter import census_document
    from .reader import SchemaVersion, _error_text, census_schema

    document = census_document(year, as_of=as_of)
    reference_on = dt.date.fromisoformat(document.root.findtext("Header/*/ReferenceDate") or "")
    schema = census_schema(SchemaVersion.CIN_2026)
    schema_faults: dict[str, set[str]] = {}
    for child_id, reason in document.faults:
        schema_faults.setdefault(reason, set()).add(child_id)
    elements = document.root.findall("Children/Child")
    for element in elements:
        if not schema.validate(element):
            child_id = element.findtext("ChildIdentifiers/LAchildID") or ""
            for error in schema.error_log:
                name, reason = _error_text(error, None)
                schema_faults.setdefault(f"{name}: {reason}", set()).add(child_id)
    findings = [
        CensusFinding(rule="schema", message=reason, kind="error", child_ids=tuple(sorted(ids)))
        for reason, ids in sorted(schema_faults.items())
    ]
    opened_on = year.start_on if reference_on < year.end_on else None
    findings += census_rules_check(
        [census_child(e) for e in elements], reference_on, opened_on=opened_on
    )
    return CensusCheck(
        year_name=year.name, reference_on=reference_on, children=len(elements), findings=findings
    )
