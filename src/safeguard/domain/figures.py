"""The Child Protection Report's figures: one pure model that every renderer reads.

`docs/report-figures.md` is the contract. The database layer (selectors) reduces the
records to the plain aggregates of `ReportInputs`; `build_report` turns those into the frozen
`Report` tree (zero-filling, ordering, nulls after the period end, cumulative sums, compliance
percentages), and `report_json.report_to_json` writes exactly the contract's keys. No renderer computes a
figure of its own, so the HTML, PDF, Word, Excel and JSON outputs cannot disagree.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import date
from decimal import ROUND_HALF_UP, Decimal
from enum import StrEnum

from safeguard.domain.calendar import add_months
from safeguard.domain.figures_v2 import FiguresV2
from safeguard.domain.national_statistics import NationalComparison
from safeguard.domain.periods import (
    MONTH_NAMES,
    Period,
    financial_year_of,
    last_complete_financial_year,
    month_ends,
    report_windows,
    year_earlier,
)
from safeguard.domain.timeliness import ConferenceKind
from safeguard.domain.vocabulary import (
    ALERT_ROLES,
    ESCALATION_REASONS,
    NOT_RECORDED,
    PARTICIPATION_CODES,
    PLAN_CATEGORIES,
    VIEWS_SHARED_VIA,
)


class CountBy(StrEnum):
    """What a conference count counts (report-figures.md, "Counting rules")."""

    CHILD = "child"  # one child at one conference: one row of conferences.csv
    MEETING = "meeting"  # one sitting: the rows that share a meeting_id


# Financial-year months, April to March, as the escalations table prints them.
MONTH_ABBREVIATIONS: tuple[str, ...] = (
    "Apr",
    "May",
    "Jun",
    "Jul",
    "Aug",
    "Sep",
    "Oct",
    "Nov",
    "Dec",
    "Jan",
    "Feb",
    "Mar",
)
CALENDAR_MONTH_NAMES: tuple[str, ...] = MONTH_NAMES

MONTH_END_SERIES_LENGTH = 36
CONFERENCE_CALENDAR_YEARS = 8
ESCALATION_FINANCIAL_YEARS = 5
# A plan "ended after 2 years or more" when end_date - start_date >= 730 days (DfE measure).
TWO_YEARS_IN_DAYS = 730


# --------------------------------------------------------------------------------------------
# Inputs: plain aggregates from the database.
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class VerdictCounts:
    """Conferences (or meetings, under count_by=meeting) by timeliness verdict."""

    within: int = 0
    out: int = 0
    not_determinable: int = 0

    @property
    def held(self) -> int:
        return self.within + self.out + self.not_determinable

    def __add__(self, other: VerdictCounts) -> VerdictCounts:
        return VerdictCounts(
            within=self.within + other.within,
            out=self.out + other.out,
            not_determinable=self.not_determinable + other.not_determinable,
        )


@dataclass(frozen=True)
class UnderFourCounts:
    """Of the participation counts, those of conferences coded PN0 (a child under 4): the
    narrative's shares leave them out."""

    conferences: int = 0
    child_attended: int = 0
    advocate_involved: int = 0
    preparation_session: int = 0


@dataclass(frozen=True)
class ParticipationCounts:
    """Conferences held in the period for children already born (always per child)."""

    conferences: int = 0
    child_attended: int = 0
    advocate_involved: int = 0
    preparation_session: int = 0
    # VIEWS_SHARED_VIA codes plus "not_recorded"; absent codes are zero.
    views_shared_via: Mapping[str, int] = field(default_factory=dict)
    # PARTICIPATION_CODES plus "not_recorded"; absent codes are zero.
    participation_code: Mapping[str, int] = field(default_factory=dict)
    under_4: UnderFourCounts = field(default_factory=UnderFourCounts)


@dataclass(frozen=True)
class AgencyContribution:
    """One organisation type's invitations to meetings held in the period."""

    organisation: str
    invited: int = 0
    report_received: int = 0
    report_late: int = 0
    attended: int = 0
    apologies: int = 0
    no_report_no_apologies: int = 0


@dataclass(frozen=True)
class MeetingCounts:
    """Meetings held in the period (always per meeting, whatever the report counts by), by
    quoracy and by parents' attendance; a project addition (docs/report-figures.md). A meeting
    is not quorate when any of its rows says so, else quorate when any says so, else not
    recorded; a parent or carer attended when any row says so, else did not when any row says
    not, else not recorded."""

    quorate: int = 0
    not_quorate: int = 0
    quoracy_not_recorded: int = 0
    parents_attended: int = 0
    parents_not_attended: int = 0
    parents_not_recorded: int = 0

    @property
    def held(self) -> int:
        return self.quorate + self.not_quorate + self.quoracy_not_recorded


@dataclass(frozen=True)
class MonitoringCounts:
    """Chairs' checks completed in the period, and the alerts they raised, by role."""

    midway_completed: int = 0
    midway_concerns: int = 0
    pre_review_completed: int = 0
    pre_review_concerns: int = 0
    # ALERT_ROLES; absent roles are zero.
    alerts: Mapping[str, int] = field(default_factory=dict)


@dataclass(frozen=True)
class PlanCounts:
    """The national statistics' measures for the period."""

    started: int = 0
    second_or_subsequent: int = 0
    ended: int = 0
    ended_after_2_years_or_more: int = 0
    # latest_category of the plans open at the end of the period end: PLAN_CATEGORIES plus
    # "not_recorded"; absent codes are zero.
    open_by_category: Mapping[str, int] = field(default_factory=dict)


@dataclass(frozen=True)
class LateConference:
    """One conference held out of timescale in the period (the report's appendix)."""

    child_id: str
    conference_id: str
    kind: ConferenceKind
    due_on: date
    held_on: date
    days_late: int  # held_on - due_on in calendar days
    # The organisational unit (team / area) the child's case sits with, when recorded.
    unit: str = ""
    # out_of_timescale_reason as recorded; blank when none was recorded.
    reason_recorded: str = ""
    # The meeting the conference was part of (its meeting_id, or the conference's own id when it
    # had none): the appendix counts the meetings its rows make up. Never shown.
    meeting: str = ""


@dataclass(frozen=True)
class DataQualityItem:
    """A gap or inconsistency in the records that the reader should know about."""

    code: str
    message: str
    count: int
    # the records counted, by id: read in the internal report only (for_audience blanks them)
    record_ids: tuple[str, ...] = ()


@dataclass(frozen=True)
class ReportInputs:
    """Everything the database gives the report: aggregates, not rows.

    Mappings may leave out zero entries; `build_report` fills them in.
    """

    period: Period
    count_by: CountBy
    include_informal: bool
    # Children on a plan at the end of each day: the 36 month ends ending with the period end's
    # month, plus year_earlier(period end).
    on_plan_at: Mapping[date, int]
    unborn_initial_year_to_period_end: int
    unborn_initial_previous_year: int
    # (year, month) -> conferences held; covers the 8 calendar years ending with the period
    # end's year.
    conferences_per_month: Mapping[tuple[int, int], int]
    timeliness_last_complete_year: Mapping[ConferenceKind, VerdictCounts]
    timeliness_period: Mapping[ConferenceKind, VerdictCounts]
    escalations_by_organisation: Mapping[str, int]
    escalations_by_reason: Mapping[str, int]
    # (year, month) -> escalations raised; covers the 5 financial years ending with the one
    # that holds the period end.
    escalations_per_month: Mapping[tuple[int, int], int]
    participation: ParticipationCounts
    agency_contributions: Sequence[AgencyContribution]
    monitoring: MonitoringCounts
    plans: PlanCounts
    late_conferences: Sequence[LateConference]
    data_quality: Sequence[DataQualityItem]
    generated_on: date
    meetings: MeetingCounts = field(default_factory=MeetingCounts)
    # The version 2 figures (report-figures.md, "Version 2 additions"), counted from plain
    # records by figures_v2; None where a caller builds a report without them.
    additions: FiguresV2 | None = None
    # England's published figures and the authority's comparators beside its own, year by year.
    comparison: NationalComparison | None = None


# --------------------------------------------------------------------------------------------
# The report: the JSON contract as a tree of frozen dataclasses.
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class CodeCount:
    code: str
    count: int


@dataclass(frozen=True)
class MonthEndCount:
    on: date
    count: int


@dataclass(frozen=True)
class CpPopulation:
    at_period_end_on: date
    at_period_end: int
    year_earlier_on: date
    year_earlier: int
    month_end_series: tuple[MonthEndCount, ...]

    @property
    def change(self) -> int:
        return self.at_period_end - self.year_earlier


@dataclass(frozen=True)
class UnbornInitialConferences:
    year_to_period_end: int
    previous_year: int
    year_to_period_end_period: Period
    previous_year_period: Period


@dataclass(frozen=True)
class CalendarYearMonths:
    """Twelve monthly figures, January to December; None after the period end's month."""

    year: int
    months: tuple[int | None, ...]


@dataclass(frozen=True)
class TimelinessFigures:
    held: int
    within_timescale: int
    out_of_timescale: int
    not_determinable: int
    compliance_percent: Decimal | None

    @classmethod
    def from_counts(cls, counts: VerdictCounts) -> TimelinessFigures:
        return cls(
            held=counts.held,
            within_timescale=counts.within,
            out_of_timescale=counts.out,
            not_determinable=counts.not_determinable,
            compliance_percent=percent(counts.within, counts.held),
        )


@dataclass(frozen=True)
class TimelinessYear:
    name: str  # "2021/22"
    start_on: date
    end_on: date
    figures: TimelinessFigures


@dataclass(frozen=True)
class KindTimeliness:
    kind: ConferenceKind
    figures: TimelinessFigures


@dataclass(frozen=True)
class Timeliness:
    last_complete_year: TimelinessYear
    period: TimelinessFigures
    period_by_type: tuple[KindTimeliness, ...]  # every ConferenceKind, in the enum's order

    def for_kind(self, kind: ConferenceKind) -> TimelinessFigures:
        return next(entry.figures for entry in self.period_by_type if entry.kind == kind)


@dataclass(frozen=True)
class OrganisationCount:
    organisation: str
    count: int


@dataclass(frozen=True)
class FinancialYearMonth:
    abbreviation: str  # "Apr"
    year: int
    month: int
    count: int | None  # None after the period end's month


@dataclass(frozen=True)
class FinancialYearMonths:
    name: str  # "2022/23"
    months: tuple[FinancialYearMonth, ...]  # April to March
    total: int  # the sum of the months that are not None


@dataclass(frozen=True)
class ParticipationFigures:
    conferences: int
    child_attended: int
    advocate_involved: int
    preparation_session: int
    views_shared_via: tuple[CodeCount, ...]  # VIEWS_SHARED_VIA then not_recorded
    participation_code: tuple[CodeCount, ...]  # PN0..PN7 then not_recorded
    under_4: UnderFourCounts = field(default_factory=UnderFourCounts)


@dataclass(frozen=True)
class CheckCounts:
    completed: int
    concerns: int


@dataclass(frozen=True)
class MonitoringFigures:
    midway: CheckCounts
    pre_review: CheckCounts
    alerts: tuple[CodeCount, ...]  # ALERT_ROLES

    @property
    def alerts_total(self) -> int:
        return sum(alert.count for alert in self.alerts)


@dataclass(frozen=True)
class PlanFigures:
    started: int
    second_or_subsequent: int
    ended: int
    ended_after_2_years_or_more: int
    open_by_category: tuple[CodeCount, ...]  # PLAN_CATEGORIES then not_recorded

    @property
    def second_or_subsequent_percent(self) -> Decimal | None:
        return percent(self.second_or_subsequent, self.started)

    @property
    def ended_after_2_years_or_more_percent(self) -> Decimal | None:
        return percent(self.ended_after_2_years_or_more, self.ended)

    @property
    def open_total(self) -> int:
        return sum(category.count for category in self.open_by_category)

    def open_category_percent(self, code: str) -> Decimal | None:
        """Share of open plans with this category, of those with a category recorded."""
        recorded = sum(c.count for c in self.open_by_category if c.code != NOT_RECORDED)
        count = next(c.count for c in self.open_by_category if c.code == code)
        return percent(count, recorded)


@dataclass(frozen=True)
class Report:
    period: Period
    count_by: CountBy
    include_informal: bool
    generated_on: date
    cp_population: CpPopulation
    unborn_initial_conferences: UnbornInitialConferences
    conferences_by_month: tuple[CalendarYearMonths, ...]  # oldest year first
    conferences_cumulative: tuple[CalendarYearMonths, ...]
    timeliness: Timeliness
    escalations_by_organisation: tuple[OrganisationCount, ...]
    escalations_total: int
    escalations_by_reason: tuple[CodeCount, ...]  # ESCALATION_REASONS order, zeros included
    escalations_by_month: tuple[FinancialYearMonths, ...]  # oldest FY first
    participation: ParticipationFigures
    agency_contributions: tuple[AgencyContribution, ...]
    monitoring_checks: MonitoringFigures
    plans: PlanFigures
    late_conferences: tuple[LateConference, ...]
    data_quality: tuple[DataQualityItem, ...]
    # England's published figures (and comparators') beside the authority's, for like years.
    comparison: NationalComparison | None = None
    additions: FiguresV2 | None = None
    # Who the report is for (`for_audience`): internal readers see the appendix's ids and
    # reasons; members (and analysts) never do.
    audience: Audience = field(default_factory=lambda: Audience.INTERNAL)
    meetings: MeetingCounts = field(default_factory=MeetingCounts)


class Audience(StrEnum):
    """Who a report is built for. INTERNAL: the unit's chairs and managers, with the late
    conferences' child and conference ids and the reasons recorded. MEMBERS: elected members,
    partners and analysts: the same figures with no identifier and no free text."""

    INTERNAL = "internal"
    MEMBERS = "members"


def for_audience(report: Report, audience: Audience | str) -> Report:
    """`report` as `audience` may read it: for members the late conferences keep their type,
    dates, days late and unit, and lose the child id, the conference id and the reason typed.
    Every renderer and the JSON read the result, so no format can show what was removed."""
    audience = Audience(audience)
    if audience is Audience.INTERNAL:
        return replace(report, audience=audience)
    # Meetings become numbers in order of first appearance: still distinct, so the appendix can
    # count them, and no longer ids.
    meeting_numbers: dict[str, str] = {}
    for late in report.late_conferences:
        meeting_numbers.setdefault(late.meeting, str(len(meeting_numbers) + 1))
    return replace(
        report,
        audience=audience,
        late_conferences=tuple(
            replace(
                late,
                child_id="",
                conference_id="",
                reason_recorded="",
                meeting=meeting_numbers[late.meeting],
            )
            for late in report.late_conferences
        ),
        data_quality=tuple(replace(item, record_ids=()) for item in report.data_quality),
    )


# --------------------------------------------------------------------------------------------
# Rules
# --------------------------------------------------------------------------------------------

_HUNDREDTH = Decimal("0.01")


def percent(part: int, whole: int) -> Decimal | None:
    """part / whole x 100, rounded half-up to 2 decimals; None when whole is 0.

    report-figures.md: "compliance_percent = within / held x 100, rounded half-up to 2
    decimals ... Held 0 gives null". Decimal arithmetic, so 0.125 rounds to 0.13 rather than
    to whatever binary floating point makes of it.
    """
    if whole == 0:
        return None
    return (Decimal(part) * 100 / Decimal(whole)).quantize(_HUNDREDTH, rounding=ROUND_HALF_UP)


def _ordered_by_count_then_name(counts: Mapping[str, int]) -> tuple[OrganisationCount, ...]:
    # Names compare as plain strings (code-point order): "GP's" < "Health Visitor" < "gp".
    entries = [OrganisationCount(name, count) for name, count in counts.items() if count > 0]
    return tuple(sorted(entries, key=lambda entry: (-entry.count, entry.organisation)))


def _zero_filled(
    counts: Mapping[str, int], codes: Sequence[str], label: str
) -> tuple[CodeCount, ...]:
    unknown = sorted(set(counts) - set(codes))
    if unknown:
        raise ValueError(f"unknown {label} code(s): {', '.join(unknown)}")
    return tuple(CodeCount(code, counts.get(code, 0)) for code in codes)


def _cp_population(inputs: ReportInputs) -> CpPopulation:
    end_on = inputs.period.end_on
    earlier_on = year_earlier(end_on)
    series = tuple(
        MonthEndCount(on, inputs.on_plan_at.get(on, 0))
        for on in sorted(month_ends(end_on, MONTH_END_SERIES_LENGTH))
    )
    return CpPopulation(
        at_period_end_on=end_on,
        at_period_end=inputs.on_plan_at.get(end_on, 0),
        year_earlier_on=earlier_on,
        year_earlier=inputs.on_plan_at.get(earlier_on, 0),
        month_end_series=series,
    )


def _unborn(inputs: ReportInputs) -> UnbornInitialConferences:
    windows = report_windows(inputs.period)
    return UnbornInitialConferences(
        year_to_period_end=inputs.unborn_initial_year_to_period_end,
        previous_year=inputs.unborn_initial_previous_year,
        year_to_period_end_period=windows.unborn_year,
        previous_year_period=windows.unborn_previous_year,
    )


def _conference_years(
    inputs: ReportInputs,
) -> tuple[tuple[CalendarYearMonths, ...], tuple[CalendarYearMonths, ...]]:
    end = (inputs.period.end_on.year, inputs.period.end_on.month)
    monthly: list[CalendarYearMonths] = []
    cumulative: list[CalendarYearMonths] = []
    for year in range(end[0] - CONFERENCE_CALENDAR_YEARS + 1, end[0] + 1):
        months: list[int | None] = []
        running: list[int | None] = []
        total = 0
        for month in range(1, 13):
            if (year, month) > end:
                months.append(None)
                running.append(None)
                continue
            count = inputs.conferences_per_month.get((year, month), 0)
            total += count
            months.append(count)
            running.append(total)
        monthly.append(CalendarYearMonths(year, tuple(months)))
        cumulative.append(CalendarYearMonths(year, tuple(running)))
    return tuple(monthly), tuple(cumulative)


def _timeliness(inputs: ReportInputs) -> Timeliness:
    year = last_complete_financial_year(inputs.period.end_on)
    kinds = tuple(ConferenceKind)
    year_counts = sum(
        (inputs.timeliness_last_complete_year.get(kind, VerdictCounts()) for kind in kinds),
        VerdictCounts(),
    )
    by_kind = tuple(
        KindTimeliness(
            kind, TimelinessFigures.from_counts(inputs.timeliness_period.get(kind, VerdictCounts()))
        )
        for kind in kinds
    )
    period_counts = sum(
        (inputs.timeliness_period.get(kind, VerdictCounts()) for kind in kinds), VerdictCounts()
    )
    return Timeliness(
        last_complete_year=TimelinessYear(
            name=year.name,
            start_on=year.start_on,
            end_on=year.end_on,
            figures=TimelinessFigures.from_counts(year_counts),
        ),
        period=TimelinessFigures.from_counts(period_counts),
        period_by_type=by_kind,
    )


def _escalation_years(inputs: ReportInputs) -> tuple[FinancialYearMonths, ...]:
    end_on = inputs.period.end_on
    end = (end_on.year, end_on.month)
    latest = financial_year_of(end_on)
    years: list[FinancialYearMonths] = []
    for back in range(ESCALATION_FINANCIAL_YEARS - 1, -1, -1):
        start_year = latest.start_on.year - back
        fy = financial_year_of(date(start_year, 4, 1))
        months: list[FinancialYearMonth] = []
        for offset, abbreviation in enumerate(MONTH_ABBREVIATIONS):
            first = add_months(fy.start_on, offset)
            year, month = first.year, first.month
            count = (
                None if (year, month) > end else inputs.escalations_per_month.get((year, month), 0)
            )
            months.append(FinancialYearMonth(abbreviation, year, month, count))
        total = sum(m.count for m in months if m.count is not None)
        years.append(FinancialYearMonths(fy.name, tuple(months), total))
    return tuple(years)


def _participation(counts: ParticipationCounts) -> ParticipationFigures:
    return ParticipationFigures(
        conferences=counts.conferences,
        child_attended=counts.child_attended,
        advocate_involved=counts.advocate_involved,
        preparation_session=counts.preparation_session,
        views_shared_via=_zero_filled(
            counts.views_shared_via, (*VIEWS_SHARED_VIA, NOT_RECORDED), "views_shared_via"
        ),
        participation_code=_zero_filled(
            counts.participation_code, (*PARTICIPATION_CODES, NOT_RECORDED), "participation_code"
        ),
        under_4=counts.under_4,
    )


def build_report(inputs: ReportInputs) -> Report:
    """The report's figures from the database's aggregates (pure; no I/O, no clock)."""
    by_month, cumulative = _conference_years(inputs)
    by_organisation = _ordered_by_count_then_name(inputs.escalations_by_organisation)
    agencies = tuple(
        sorted(inputs.agency_contributions, key=lambda a: (-a.invited, a.organisation))
    )
    monitoring = inputs.monitoring
    plans = inputs.plans
    return Report(
        period=inputs.period,
        count_by=CountBy(inputs.count_by),
        include_informal=inputs.include_informal,
        generated_on=inputs.generated_on,
        cp_population=_cp_population(inputs),
        unborn_initial_conferences=_unborn(inputs),
        conferences_by_month=by_month,
        conferences_cumulative=cumulative,
        timeliness=_timeliness(inputs),
        escalations_by_organisation=by_organisation,
        escalations_total=sum(entry.count for entry in by_organisation),
        escalations_by_reason=_zero_filled(
            inputs.escalations_by_reason, ESCALATION_REASONS, "escalation reason"
        ),
        escalations_by_month=_escalation_years(inputs),
        participation=_participation(inputs.participation),
        agency_contributions=agencies,
        monitoring_checks=MonitoringFigures(
            midway=CheckCounts(monitoring.midway_completed, monitoring.midway_concerns),
            pre_review=CheckCounts(monitoring.pre_review_completed, monitoring.pre_review_concerns),
            alerts=_zero_filled(monitoring.alerts, ALERT_ROLES, "alert role"),
        ),
        plans=PlanFigures(
            started=plans.started,
            second_or_subsequent=plans.second_or_subsequent,
            ended=plans.ended,
            ended_after_2_years_or_more=plans.ended_after_2_years_or_more,
            open_by_category=_zero_filled(
                plans.open_by_category, (*PLAN_CATEGORIES, NOT_RECORDED), "plan category"
            ),
        ),
        late_conferences=tuple(
            sorted(inputs.late_conferences, key=lambda c: (c.held_on, c.child_id, c.conference_id))
        ),
        data_quality=tuple(inputs.data_quality),
        meetings=inputs.meetings,
        comparison=inputs.comparison,
        additions=inputs.additions,
    )
