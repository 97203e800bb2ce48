"""The report's version 2 figures (report-figures.md, "Version 2 additions"), from plain records.

The version 1 figures are aggregates counted in SQL; these explain them (who is on a plan, for
how long, what changed, how escalations ended, who chaired) and need each record's dates, so the
selectors hand in the few thousand records concerned as plain values and the rules below count
them. Only held conferences count, except where `enquiries.waiting_at_period_end` counts booked
rows too. Choices the specification leaves open are written in docs/report-figures.md.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from decimal import ROUND_HALF_UP, Decimal

from safeguard.domain import vocabulary
from safeguard.domain.calendar import WorkingDayCalendar, add_months
from safeguard.domain.periods import Period, year_earlier
from safeguard.domain.vocabulary import NOT_RECORDED, PLAN_CATEGORIES

AGE_BANDS: tuple[str, ...] = tuple(vocabulary.AGE_BANDS)
SEXES: tuple[str, ...] = (*vocabulary.SEXES, NOT_RECORDED)
ETHNICITY_GROUPS: Mapping[str, tuple[str, ...]] = {
    "white": ("WBRI", "WIRI", "WIRT", "WOTH", "WROM"),
    "mixed": ("MWBC", "MWBA", "MWAS", "MOTH"),
    "asian": ("AIND", "APKN", "ABAN", "AOTH"),
    "black": ("BCRB", "BAFR", "BOTH"),
    "other": ("CHNE", "OOTH"),
    "refused": ("REFU",),
    "not_obtained": ("NOBT",),
    NOT_RECORDED: ("",),
}

GROUP_OF_ETHNICITY: Mapping[str, str] = {
    code: group for group, codes in ETHNICITY_GROUPS.items() for code in codes
}
DISABILITY: tuple[str, ...] = (*vocabulary.DISABILITY, NOT_RECORDED)
LENGTH_BANDS: tuple[str, ...] = tuple(vocabulary.PLAN_LENGTHS)
ESCALATION_STAGES: tuple[str, ...] = (*vocabulary.ESCALATION_STAGES, NOT_RECORDED)
CATEGORY_CODES: tuple[str, ...] = (*PLAN_CATEGORIES, NOT_RECORDED)
REPEAT_WINDOW_MONTHS = 24
INITIAL_CONFERENCE_WORKING_DAYS = 15
# A plan in force at the period end that will have lasted two years within this many months,
# unless it ends first: the report's "plans at risk of lasting two years".
TWO_YEARS_WARNING_MONTHS = 6
PER_CHILDREN = 10_000

HELD = "held"
BOOKED = "booked"
INITIAL = "initial"

_TENTH = Decimal("0.1")
_HUNDREDTH = Decimal("0.01")


# --------------------------------------------------------------------------------------------
# The records, as plain values
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class ChildRecord:
    key: str  # the child's id
    date_of_birth: date | None = None
    sex: str = ""
    ethnicity: str = ""
    disability: bool | None = None


@dataclass(frozen=True)
class PlanRecord:
    child: str
    start_on: date
    end_on: date | None = None
    latest_category: str = ""


@dataclass(frozen=True)
class ConferenceRecord:
    child: str
    kind: str  # initial | review | transfer_in
    held_on: date
    status: str = HELD  # held | booked | cancelled
    outcome: str = ""  # plan | no_plan | blank
    chair: str = ""  # the chair's name; blank when not recorded
    meeting: str = ""  # the meeting's id; blank: a meeting by itself


@dataclass(frozen=True)
class EnquiryRecord:
    child: str
    strategy_discussion_on: date
    outcome: str = ""  # conference | no_further_action | blank


@dataclass(frozen=True)
class EscalationRecord:
    raised_on: date
    organisation: str
    formal: bool = True
    stage: int | None = None
    resolved_on: date | None = None


@dataclass(frozen=True)
class PopulationEstimate:
    year: int
    children: int


@dataclass(frozen=True)
class RecordsV2:
    """The records the version 2 figures read. The selectors may leave out records that cannot
    count (plans long ended, conferences outside the period) but the rules do not rely on it."""

    children: Mapping[str, ChildRecord] = field(default_factory=dict)
    plans: Sequence[PlanRecord] = ()
    conferences: Sequence[ConferenceRecord] = ()
    enquiries: Sequence[EnquiryRecord] = ()
    # False when the records hold no enquiry at all: `enquiries` is then null.
    enquiries_recorded: bool = False
    escalations: Sequence[EscalationRecord] = ()
    population: Sequence[PopulationEstimate] = ()


# --------------------------------------------------------------------------------------------
# The figures
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Counts:
    """Counts by code, in the code list's order (zeros included)."""

    entries: tuple[tuple[str, int], ...]

    def __getitem__(self, code: str) -> int:
        return dict(self.entries)[code]

    @property
    def total(self) -> int:
        return sum(count for _, count in self.entries)

    def as_dict(self) -> dict[str, int]:
        return dict(self.entries)


@dataclass(frozen=True)
class PopulationProfile:
    age_band: Counts
    sex: Counts
    ethnicity_group: Counts
    disability: Counts
    plan_length: Counts


@dataclass(frozen=True)
class PopulationChange:
    joined: int
    left: int


@dataclass(frozen=True)
class InitialConferences:
    held: int
    plan: int
    no_plan: int
    not_recorded: int

    @property
    def conversion_percent(self) -> Decimal | None:
        return percent(self.plan, self.plan + self.no_plan)


@dataclass(frozen=True)
class Enquiries:
    strategy_discussions: int
    no_further_action: int
    initial_conference_within_15_working_days: int
    waiting_at_period_end: int
    # Of the period's enquiries, those with outcome conference or blank: the denominator of the
    # within-15-working-days share the report prints beside England's.
    towards_conference: int


@dataclass(frozen=True)
class EscalationsResolution:
    resolved: int
    open_at_period_end: int
    median_days_to_resolve: Decimal | None
    by_stage: Counts


@dataclass(frozen=True)
class ChairCount:
    chair: str
    meetings: int
    conferences: int


@dataclass(frozen=True)
class RatePer10000:
    population_year: int
    population: int
    at_period_end: Decimal
    year_earlier_population_year: int | None
    year_earlier: Decimal | None
    plans_started: Decimal


@dataclass(frozen=True)
class FiguresV2:
    population_profile: PopulationProfile
    # The same age bands and the plans' latest categories on the year-earlier date: what grew.
    age_band_year_earlier: Counts
    category_at_period_end: Counts
    category_year_earlier: Counts
    population_change: PopulationChange
    second_or_subsequent_within_2_years: int
    ended_by_length: Counts
    # Plans in force at the period end that reach two years within TWO_YEARS_WARNING_MONTHS.
    reaching_2_years_soon: int
    initial_conferences: InitialConferences
    enquiries: Enquiries | None
    escalations_resolution: EscalationsResolution
    escalations_by_organisation_previous_period: tuple[tuple[str, int], ...]
    previous_period: Period
    chairs: tuple[ChairCount, ...]
    rate_per_10000: RatePer10000 | None


# --------------------------------------------------------------------------------------------
# Rules
# --------------------------------------------------------------------------------------------


def percent(part: int, whole: int) -> Decimal | None:
    """part / whole x 100, half-up to 2 decimals; None when whole is 0."""
    if whole == 0:
        return None
    return (Decimal(part) * 100 / Decimal(whole)).quantize(_HUNDREDTH, rounding=ROUND_HALF_UP)


def rate(part: int, population: int) -> Decimal:
    """part per 10,000 of population, half-up to 1 decimal."""
    return (Decimal(part) * PER_CHILDREN / Decimal(population)).quantize(
        _TENTH, rounding=ROUND_HALF_UP
    )


def median(values: Iterable[int]) -> Decimal | None:
    """The middle value, or the mean of the two middle values, half-up to 1 decimal."""
    ordered = sorted(values)
    if not ordered:
        return None
    middle = len(ordered) // 2
    value = (
        Decimal(ordered[middle])
        if len(ordered) % 2
        else (Decimal(ordered[middle - 1]) + Decimal(ordered[middle])) / 2
    )
    return value.quantize(_TENTH, rounding=ROUND_HALF_UP)


def age_on(date_of_birth: date, day: date) -> int:
    """Whole years from `date_of_birth` to `day` (born 29 February: a year older on 1 March in
    years without one)."""
    return (
        day.year
        - date_of_birth.year
        - ((day.month, day.day) < (date_of_birth.month, date_of_birth.day))
    )


def age_band(date_of_birth: date | None, day: date) -> str:
    if date_of_birth is None or date_of_birth > day:
        return "unborn"
    age = age_on(date_of_birth, day)
    if age < 1:
        return "under_1"
    if age < 5:
        return "1_to_4"
    if age < 10:
        return "5_to_9"
    if age < 16:
        return "10_to_15"
    return "16_and_over"


def length_band(start_on: date, end_on: date) -> str:
    """The length band of a plan from start_on to end_on ("N months after" as add_months)."""
    if end_on < add_months(start_on, 3):
        return "under_3_months"
    if end_on < add_months(start_on, 6):
        return "3_to_6_months"
    if end_on < add_months(start_on, 12):
        return "6_to_12_months"
    if end_on < add_months(start_on, 24):
        return "1_to_2_years"
    return "2_years_or_more"


def in_force_on(plan: PlanRecord, day: date) -> bool:
    """The counting rule: start <= D and (no end or end > D)."""
    return plan.start_on <= day and (plan.end_on is None or plan.end_on > day)


def previous_period(period: Period) -> Period:
    """The same number of whole months, ending the day before the period starts."""
    start = add_months(period.start_on, -period.month_count)
    return Period(start, period.start_on.fromordinal(period.start_on.toordinal() - 1))


def _counted(codes: Sequence[str], values: Iterable[str]) -> Counts:
    tally = dict.fromkeys(codes, 0)
    for value in values:
        tally[value] += 1
    return Counts(tuple(tally.items()))


def _plans_in_force(plans: Sequence[PlanRecord], day: date) -> dict[str, PlanRecord]:
    return {plan.child: plan for plan in plans if in_force_on(plan, day)}


def _category(plan: PlanRecord) -> str:
    return plan.latest_category if plan.latest_category in PLAN_CATEGORIES else NOT_RECORDED


def _population_profile(
    records: RecordsV2, in_force: Mapping[str, PlanRecord], end_on: date
) -> PopulationProfile:
    children = [records.children.get(key, ChildRecord(key)) for key in in_force]
    return PopulationProfile(
        age_band=_counted(AGE_BANDS, (age_band(c.date_of_birth, end_on) for c in children)),
        sex=_counted(SEXES, (c.sex if c.sex in SEXES[:3] else NOT_RECORDED for c in children)),
        ethnicity_group=_counted(
            tuple(ETHNICITY_GROUPS),
            (GROUP_OF_ETHNICITY.get(c.ethnicity.strip().upper(), NOT_RECORDED) for c in children),
        ),
        disability=_counted(
            DISABILITY,
            (
                NOT_RECORDED if c.disability is None else ("yes" if c.disability else "no")
                for c in children
            ),
        ),
        plan_length=_counted(
            LENGTH_BANDS, (length_band(plan.start_on, end_on) for plan in in_force.values())
        ),
    )


def _repeats_within_2_years(plans: Sequence[PlanRecord], period: Period) -> int:
    by_child: dict[str, list[PlanRecord]] = {}
    for plan in plans:
        by_child.setdefault(plan.child, []).append(plan)
    count = 0
    for plan in plans:
        if plan.start_on not in period:
            continue
        window_start = add_months(plan.start_on, -REPEAT_WINDOW_MONTHS)
        if any(
            earlier.start_on < plan.start_on
            and (earlier.end_on is None or earlier.end_on >= window_start)
            for earlier in by_child[plan.child]
        ):
            count += 1
    return count


def _initial_conferences(
    conferences: Sequence[ConferenceRecord], period: Period
) -> InitialConferences:
    rows = [
        c for c in conferences if c.status == HELD and c.kind == INITIAL and c.held_on in period
    ]
    plan = sum(1 for c in rows if c.outcome == "plan")
    no_plan = sum(1 for c in rows if c.outcome == "no_plan")
    return InitialConferences(
        held=len(rows), plan=plan, no_plan=no_plan, not_recorded=len(rows) - plan - no_plan
    )


def _enquiries(
    records: RecordsV2, period: Period, calendar: WorkingDayCalendar
) -> Enquiries | None:
    if not records.enquiries_recorded:
        return None
    initials: dict[str, list[ConferenceRecord]] = {}
    for conference in records.conferences:
        if conference.kind == INITIAL and conference.status in (HELD, BOOKED):
            initials.setdefault(conference.child, []).append(conference)
    towards = ("conference", "")
    in_period = [e for e in records.enquiries if e.strategy_discussion_on in period]
    within = 0
    for enquiry in in_period:
        if enquiry.outcome not in towards:
            continue
        held_after = [
            c.held_on
            for c in initials.get(enquiry.child, ())
            if c.status == HELD and c.held_on >= enquiry.strategy_discussion_on
        ]
        if held_after and min(held_after) <= calendar.add_working_days(
            enquiry.strategy_discussion_on, INITIAL_CONFERENCE_WORKING_DAYS
        ):
            within += 1
    waiting = sum(
        1
        for enquiry in records.enquiries
        if enquiry.outcome in towards
        and enquiry.strategy_discussion_on <= period.end_on
        and not any(
            enquiry.strategy_discussion_on <= c.held_on <= period.end_on
            for c in initials.get(enquiry.child, ())
        )
    )
    return Enquiries(
        strategy_discussions=len(in_period),
        no_further_action=sum(1 for e in in_period if e.outcome == "no_further_action"),
        initial_conference_within_15_working_days=within,
        waiting_at_period_end=waiting,
        towards_conference=sum(1 for e in in_period if e.outcome in towards),
    )


def _stage(escalation: EscalationRecord) -> str:
    stage = str(escalation.stage) if escalation.stage is not None else NOT_RECORDED
    return stage if stage in ESCALATION_STAGES else NOT_RECORDED


def _escalations_resolution(
    escalations: Sequence[EscalationRecord], period: Period
) -> EscalationsResolution:
    resolved = [e for e in escalations if e.resolved_on is not None and e.resolved_on in period]
    return EscalationsResolution(
        resolved=len(resolved),
        open_at_period_end=sum(
            1
            for e in escalations
            if e.raised_on <= period.end_on
            and (e.resolved_on is None or e.resolved_on > period.end_on)
        ),
        median_days_to_resolve=median(
            (e.resolved_on - e.raised_on).days for e in resolved if e.resolved_on is not None
        ),
        by_stage=_counted(
            ESCALATION_STAGES, (_stage(e) for e in escalations if e.raised_on in period)
        ),
    )


def _by_organisation(
    escalations: Sequence[EscalationRecord], period: Period
) -> tuple[tuple[str, int], ...]:
    tally: dict[str, int] = {}
    for escalation in escalations:
        if escalation.raised_on in period:
            tally[escalation.organisation] = tally.get(escalation.organisation, 0) + 1
    return tuple(sorted(tally.items(), key=lambda entry: (-entry[1], entry[0])))


def _chairs(conferences: Sequence[ConferenceRecord], period: Period) -> tuple[ChairCount, ...]:
    conferences_by: dict[str, int] = {}
    meetings_by: dict[str, set[tuple[str, str]]] = {}
    for index, conference in enumerate(conferences):
        if conference.status != HELD or conference.held_on not in period:
            continue
        chair = conference.chair or NOT_RECORDED
        conferences_by[chair] = conferences_by.get(chair, 0) + 1
        meeting = ("meeting", conference.meeting) if conference.meeting else ("row", str(index))
        meetings_by.setdefault(chair, set()).add(meeting)
    return tuple(
        sorted(
            (
                ChairCount(chair, len(meetings_by[chair]), count)
                for chair, count in conferences_by.items()
            ),
            key=lambda entry: (-entry.conferences, entry.chair),
        )
    )


def _estimate_for(population: Sequence[PopulationEstimate], year: int) -> PopulationEstimate | None:
    eligible = [p for p in population if p.year <= year and p.children > 0]
    return max(eligible, key=lambda p: p.year, default=None)


def _rate_per_10000(
    population: Sequence[PopulationEstimate],
    period: Period,
    at_period_end: int,
    year_earlier_count: int,
    plans_started: int,
) -> RatePer10000 | None:
    estimate = _estimate_for(population, period.end_on.year)
    if estimate is None:
        return None
    earlier = _estimate_for(population, year_earlier(period.end_on).year)
    return RatePer10000(
        population_year=estimate.year,
        population=estimate.children,
        at_period_end=rate(at_period_end, estimate.children),
        year_earlier_population_year=None if earlier is None else earlier.year,
        year_earlier=None if earlier is None else rate(year_earlier_count, earlier.children),
        plans_started=rate(plans_started, estimate.children),
    )


def figures_v2(
    records: RecordsV2,
    *,
    period: Period,
    include_informal: bool,
    calendar: WorkingDayCalendar,
) -> FiguresV2:
    """Every version 2 figure for `period` from `records` (pure: no I/O, no clock)."""
    end_on = period.end_on
    earlier_on = year_earlier(end_on)
    at_end = _plans_in_force(records.plans, end_on)
    at_earlier = _plans_in_force(records.plans, earlier_on)
    escalations = [e for e in records.escalations if include_informal or e.formal]
    ended = [p for p in records.plans if p.end_on is not None and p.end_on in period]
    started = sum(1 for p in records.plans if p.start_on in period)
    previous = previous_period(period)
    warning_on = add_months(end_on, TWO_YEARS_WARNING_MONTHS)
    return FiguresV2(
        population_profile=_population_profile(records, at_end, end_on),
        age_band_year_earlier=_counted(
            AGE_BANDS,
            (
                age_band(records.children.get(key, ChildRecord(key)).date_of_birth, earlier_on)
                for key in at_earlier
            ),
        ),
        category_at_period_end=_counted(CATEGORY_CODES, (_category(p) for p in at_end.values())),
        category_year_earlier=_counted(CATEGORY_CODES, (_category(p) for p in at_earlier.values())),
        population_change=PopulationChange(
            joined=len(at_end.keys() - at_earlier.keys()),
            left=len(at_earlier.keys() - at_end.keys()),
        ),
        second_or_subsequent_within_2_years=_repeats_within_2_years(records.plans, period),
        ended_by_length=_counted(
            LENGTH_BANDS, (length_band(p.start_on, p.end_on) for p in ended if p.end_on is not None)
        ),
        reaching_2_years_soon=sum(
            1
            for plan in at_end.values()
            if add_months(plan.start_on, 24) > end_on
            and add_months(plan.start_on, 24) <= warning_on
        ),
        initial_conferences=_initial_conferences(records.conferences, period),
        enquiries=_enquiries(records, period, calendar),
        escalations_resolution=_escalations_resolution(escalations, period),
        escalations_by_organisation_previous_period=_by_organisation(escalations, previous),
        previous_period=previous,
        chairs=_chairs(records.conferences, period),
        rate_per_10000=_rate_per_10000(
            records.population, period, len(at_end), len(at_earlier), started
        ),
    )
