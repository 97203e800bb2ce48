"""The report laid out once: sections, paragraphs, tables and figures, from the Report.

Every renderer (HTML and PDF, Word, Excel) walks this same outline, so the formats carry the
same tables with the same captions in the same order. Cells hold raw values (int, Decimal,
date, str, None); each renderer formats them its own way (Excel keeps numbers as numbers).
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import date
from decimal import Decimal

from safeguard.domain.editions import Commentary
from safeguard.domain.figures import (
    CALENDAR_MONTH_NAMES,
    MONTH_ABBREVIATIONS,
    Audience,
    LateConference,
    Report,
)
from safeguard.domain.figures_v2 import Counts, FiguresV2, percent
from safeguard.domain.narrative import (
    COUNT_BY_DESCRIPTIONS,
    Narrative,
    age_band_summary,
    chair_summary,
    escalation_change_summary,
    narrative_for,
    ordinal_date,
    plan_length_summary,
)
from safeguard.domain.national_statistics import (
    ENGLAND,
    ENGLAND_DATA_VERSION,
    ENGLAND_RELEASE,
    ComparisonRow,
    NationalComparison,
    PublishedFigure,
)
from safeguard.domain.vocabulary import (
    AGE_BANDS,
    ALERT_ROLES,
    CONFERENCE_KINDS,
    DISABILITY,
    ESCALATION_REASONS,
    ESCALATION_STAGES,
    ETHNICITY_GROUPS,
    NOT_RECORDED,
    PARTICIPATION_CODES,
    PLAN_CATEGORIES,
    PLAN_LENGTHS,
    SEXES,
    VIEWS_SHARED_VIA,
    Vocabulary,
)

Cell = int | Decimal | date | str | None

DEFAULT_AUTHORITY = "Safeguard demo authority"
TITLE = "Child Protection Report"


@dataclass(frozen=True)
class Table:
    key: str  # also the Excel sheet's name
    caption: str
    columns: tuple[str, ...]
    rows: tuple[tuple[Cell, ...], ...]
    total_row: tuple[Cell, ...] | None = None
    percent_columns: frozenset[int] = frozenset()  # Decimal cells shown with a % sign
    note: str = ""
    # Each column's share of the page's width, where the text needs room (Word; the PDF's are in
    # report.css, as the web page's security policy allows no inline styles). Empty: equal.
    column_shares: tuple[float, ...] = ()
    # Counts of a part of the authority (an area, a team, a chair, an age band, an ethnicity):
    # the members' version shows a count of 1 to 4 as "fewer than 5" (tables_for_audience).
    breakdown: bool = False
    # Columns that hold a person's name, a record's id or text typed into a record: the
    # members' version shows "Not shown" there (tables_for_audience).
    identifying_columns: frozenset[int] = frozenset()


@dataclass(frozen=True)
class Figure:
    chart_key: str
    caption: str
    # The chart's message in one sentence, with its main figures (its alternative text).
    summary: str = ""


@dataclass(frozen=True)
class Section:
    key: str
    title: str
    paragraphs: tuple[str, ...] = ()
    blocks: tuple[Table | Figure, ...] = ()
    appendix: bool = False
    commentary: str = ""  # the manager's words on this section (Commentary.sections[key])


@dataclass(frozen=True)
class Document:
    title: str
    authority: str
    period_text: str
    produced_on_text: str
    count_by_text: str
    escalations_text: str
    sections: tuple[Section, ...]
    narrative: Narrative
    numbering: dict[int, int] = field(default_factory=dict)  # id(block) -> table/figure number
    # The protective marking at the top and foot of every page (audience_marking).
    marking: str = ""
    audience: Audience = Audience.INTERNAL
    edition_text: str = ""  # "Edition cpr-...: issued 1st October 2022 by ..." when issued

    @property
    def tables(self) -> list[Table]:
        return [b for s in self.sections for b in s.blocks if isinstance(b, Table)]

    def number_of(self, block: Table | Figure) -> int:
        return self.numbering[id(block)]


def _month_grid(report: Report) -> Table:
    """Children on a plan at each month end: months down, calendar years across."""
    series = report.cp_population.month_end_series
    years = sorted({entry.on.year for entry in series})
    by_month = {(entry.on.year, entry.on.month): entry.count for entry in series}
    rows = tuple(
        (name, *(by_month.get((year, month)) for year in years))
        for month, name in enumerate(CALENDAR_MONTH_NAMES, start=1)
    )
    return Table(
        key="On plan month ends",
        caption="Children subject to a CP plan at the end of each month",
        columns=("Month end", *(str(year) for year in years)),
        rows=rows,
    )


def _years_table(key: str, caption: str, years) -> Table:  # noqa: ANN001
    return Table(
        key=key,
        caption=caption,
        columns=("Month", *(str(y.year) for y in years)),
        rows=tuple(
            (name, *(y.months[index] for y in years))
            for index, name in enumerate(CALENDAR_MONTH_NAMES)
        ),
    )


def _timeliness_row(label: str, figures) -> tuple[Cell, ...]:  # noqa: ANN001
    return (
        label,
        figures.held,
        figures.within_timescale,
        figures.out_of_timescale,
        figures.not_determinable,
        figures.compliance_percent,
    )


def _year_name(year_ending_on: date) -> str:
    return f"{year_ending_on.year - 1}/{year_ending_on.year % 100:02d}"


def _national_table(report: Report, comparison: NationalComparison | None) -> Table | None:
    """Each measure for one year ending 31 March: the authority's figure counted for that year
    beside England's (and the comparators') published figure for it: a year with a year, rates
    with rates."""
    if comparison is None:
        return None

    def published(row: ComparisonRow, area: str, figure: PublishedFigure | None) -> Cell:
        if figure is not None:
            return figure.value
        return "Not published" if area in row.not_published else "Not held"

    def own(row: ComparisonRow) -> Cell:
        if row.authority is not None:
            return row.authority
        return "No population estimate" if not row.measure.percent else "None in the year"

    values = 2 + len(comparison.comparator_areas)  # this authority, England, the comparators
    rows = tuple(
        (
            row.measure.label,
            _year_name(row.year_ending_on),
            own(row),
            published(row, ENGLAND, row.england),
            *(
                published(row, area, figure)
                for area, figure in zip(comparison.comparator_areas, row.comparators, strict=True)
            ),
        )
        for row in comparison.rows
    )
    note = (
        "Each row sets one year ending 31 March beside the same year: this authority's figure is "
        "counted from its records for that year, not for the report period, and the year is the "
        "latest one with England's figure held. Source for England: Department for Education, "
        "'Children in need' (formerly 'Characteristics of children in need'), as listed in "
        f"Safeguard's data file (version {ENGLAND_DATA_VERSION}; release: '{ENGLAND_RELEASE}'), "
        "https://explore-education-statistics.service.gov.uk/find-statistics/children-in-need. "
        "'Not held': DfE publishes the figure but Safeguard's file does not hold a checked value "
        "for that year; 'Not published': DfE publishes no figure for that year. England's rates "
        "use DfE's population estimates (those of its latest release). Rates use the population estimates recorded for the authority. Initial "
        "conferences: this authority counts 15 working days from the strategy discussion (its "
        "timeliness rule), DfE from the start of the section 47 enquiry. Categories: the initial "
        "category of the plans of children on a plan at 31 March, as a share of those with one."
    )
    if comparison.comparators_problem:
        note += f" The comparators' figures could not be shown: {comparison.comparators_problem}."
    return Table(
        key="National comparison",
        caption="This authority beside England's published figures, year by year",
        columns=("Measure", "Year", "This authority", "England", *comparison.comparator_areas),
        rows=rows,
        note=note,
        column_shares=(0.44, 0.1, *(0.46 / values for _ in range(values))),
    )


def _late_conferences_table(
    late_conferences: tuple[LateConference, ...], *, identified: bool
) -> Table:
    """The appendix's table: with the child and conference ids and the reason recorded for an
    internal report; without them for members (figures.for_audience has blanked them too)."""
    if identified:
        return Table(
            key="Late conferences",
            caption="Conferences held out of timescale",
            columns=(
                "Child ID",
                "Conference ID",
                "Type",
                "Due",
                "Held",
                "Days late",
                "Unit",
                "Reason recorded",
            ),
            rows=tuple(
                (
                    c.child_id,
                    c.conference_id,
                    CONFERENCE_KINDS.label(c.kind),
                    c.due_on,
                    c.held_on,
                    c.days_late,
                    c.unit,
                    c.reason_recorded or "Not recorded",
                )
                for c in late_conferences
            ),
            column_shares=(0.11, 0.12, 0.09, 0.12, 0.12, 0.07, 0.08, 0.29),
        )
    return Table(
        key="Late conferences",
        caption="Conferences held out of timescale",
        columns=("Type", "Due", "Held", "Days late", "Unit"),
        rows=tuple(
            (
                CONFERENCE_KINDS.label(c.kind),
                c.due_on,
                c.held_on,
                c.days_late,
                c.unit,
            )
            for c in late_conferences
        ),
        column_shares=(0.2, 0.2, 0.2, 0.15, 0.25),
    )


def _appendix_opening(report: Report, *, identified: bool) -> str:
    """What Appendix A lists, with its rows and the meetings they make up counted, so that its
    rows agree with the timeliness sentences whichever way conferences are counted."""
    late = report.late_conferences
    if not late:
        return (
            "No conference was held out of timescale in the last complete year or in this period."
        )
    year = report.timeliness.last_complete_year
    rows = len(late)
    meetings = len({c.meeting or c.conference_id or str(index) for index, c in enumerate(late)})
    opening = (
        f"Each of the {rows:,} {'row' if rows == 1 else 'rows'} below is one child at one "
        "conference held out of timescale, in the last complete year (the year ending "
        f"{ordinal_date(year.end_on)}) or in this period"
    )
    if report.count_by == "meeting":
        opening += (
            f"; they were at {meetings:,} {'meeting' if meetings == 1 else 'meetings'}, as this "
            "report counts them (a meeting is out of timescale when any child's conference at it "
            "is)"
        )
    opening += "."
    if identified:
        return opening + " The reason recorded is shown as typed."
    return opening + " This version holds no child or conference identifier and no reason as typed."


def _with_ids(message: str, record_ids: tuple[str, ...]) -> str:
    """A data-quality item's description, naming its records in the internal report (the
    members' report has no ids: figures.for_audience removed them)."""
    return f"{message}: {', '.join(record_ids)}" if record_ids else message


# --------------------------------------------------------------------------------------------
# The version 2 figures' tables and charts (report-figures.md, "Version 2 additions")


def _change(before: int, after: int) -> int:
    return after - before


def _counts_table(
    key: str, caption: str, heading: str, counts: Counts, labels: Vocabulary, total: str = "Total"
) -> Table:
    return Table(
        key=key,
        caption=caption,
        columns=(heading, "Children", "Share"),
        rows=tuple(
            (labels.label(code), count, percent(count, counts.total))
            for code, count in counts.entries
        ),
        total_row=(total, counts.total, None),
        percent_columns=frozenset({2}),
        breakdown=True,
    )


def _population_change_table(report: Report, additions: FiguresV2) -> Table:
    population = report.cp_population
    change = additions.population_change
    return Table(
        key="Population change",
        caption="How the number of children on a plan changed over the year",
        columns=("Measure", "Children"),
        rows=(
            (f"On a plan on {ordinal_date(population.year_earlier_on)}", population.year_earlier),
            ("Joined: made subject to a plan, and on one at the end", change.joined),
            ("Left: on a plan a year earlier, and not at the end", change.left),
            (f"On a plan on {ordinal_date(population.at_period_end_on)}", population.at_period_end),
        ),
        note="The number at the end is the number a year earlier, plus those who joined, less "
        "those who left. A child whose plan ended and who was on a new plan again at the end "
        "counts in neither.",
    )


def _rate_table(additions: FiguresV2) -> Table | None:
    rate = additions.rate_per_10000
    if rate is None:
        return None
    return Table(
        key="Rates per 10000",
        caption="Rates per 10,000 children living in the area",
        columns=("Measure", "Rate per 10,000", "Population estimate used"),
        rows=(
            (
                "Children on a plan at the end of the period",
                rate.at_period_end,
                f"{rate.population_year}: {rate.population:,}",
            ),
            (
                "Children on a plan a year earlier",
                rate.year_earlier,
                ""
                if rate.year_earlier_population_year is None
                else str(rate.year_earlier_population_year),
            ),
            ("Plans started in the period", rate.plans_started, str(rate.population_year)),
        ),  # fmt: skip
        note="Each rate uses the latest population estimate for a year on or before the date's "
        "year. A rate for plans started in a period shorter than a year is not an annual rate.",
    )


def _profile_blocks(report: Report, additions: FiguresV2) -> tuple[Table | Figure, ...]:
    profile = additions.population_profile
    earlier = additions.age_band_year_earlier
    population = report.cp_population
    return (
        Table(
            key="Age on plan",
            caption="Children on a plan by age band, a year earlier and at the end of the period",
            columns=(
                "Age band",
                ordinal_date(population.year_earlier_on),
                ordinal_date(population.at_period_end_on),
                "Change",
            ),
            rows=tuple(
                (AGE_BANDS.label(code), earlier[code], count, _change(earlier[code], count))
                for code, count in profile.age_band.entries
            ),
            total_row=(
                "Total",
                earlier.total,
                profile.age_band.total,
                _change(earlier.total, profile.age_band.total),
            ),
            note="Age on the day, in whole years; unborn: no date of birth, or one after the day.",
        ),
        Figure(
            "age_bands",
            "Children on a plan by age band, a year earlier and at the end of the period",
            summary=age_band_summary(report),
        ),
        _counts_table(
            "Sex on plan",
            "Children on a plan at the end of the period, by sex",
            "Sex",
            profile.sex,
            SEXES,
        ),  # fmt: skip
        _counts_table(
            "Ethnicity on plan",
            "Children on a plan at the end of the period, by ethnic group",
            "Ethnic group",
            profile.ethnicity_group,
            ETHNICITY_GROUPS,
        ),
        _counts_table(
            "Disability on plan",
            "Children on a plan at the end of the period, by disability",
            "Disability",
            profile.disability,
            DISABILITY,
        ),
        Table(
            key="Plan lengths",
            caption="How long plans had lasted: plans in force at the end of the period, and plans "
            "that ended in it",
            columns=("Length", "In force at the end", "Ended in the period"),
            rows=tuple(
                (PLAN_LENGTHS.label(code), count, additions.ended_by_length[code])
                for code, count in profile.plan_length.entries
            ),
            total_row=("Total", profile.plan_length.total, additions.ended_by_length.total),
            note="In force: from the plan's start to the end of the period. Ended: from its start "
            "to its end. Lengths are counted in calendar months (3 months after 31 January is 30 "
            "April).",
        ),
        Figure(
            "plan_lengths",
            "Plans by length: in force at the end of the period, and ended in it",
            summary=plan_length_summary(report),
        ),
    )


def _initial_blocks(additions: FiguresV2) -> tuple[Table | Figure, ...]:
    initial = additions.initial_conferences
    blocks: list[Table | Figure] = [
        Table(
            key="Initial outcomes",
            caption="Initial conferences held in the period, by outcome",
            columns=("Outcome", "Initial conferences"),
            rows=(
                ("A child protection plan", initial.plan),
                ("No plan", initial.no_plan),
                ("Outcome not recorded", initial.not_recorded),
                ("Conversion to a plan (of those with an outcome)", initial.conversion_percent),
            ),
            total_row=None,
            percent_columns=frozenset({1}),
            note=f"Initial conferences held: {initial.held:,}. Each child at a conference counts "
            "once.",
        )
    ]
    enquiries = additions.enquiries
    if enquiries is not None:
        blocks.append(
            Table(
                key="Enquiries",
                caption="Enquiries (section 47) and the initial conferences that followed",
                columns=("Measure", "Enquiries"),
                rows=(
                    ("Strategy discussions in the period", enquiries.strategy_discussions),
                    ("of which no further action", enquiries.no_further_action),
                    (
                        "of which going towards a conference (or outcome blank)",
                        enquiries.towards_conference,
                    ),
                    (
                        "of those, initial conference within 15 working days",
                        enquiries.initial_conference_within_15_working_days,
                    ),
                    (
                        "Waiting at the end of the period: no initial conference held or booked",
                        enquiries.waiting_at_period_end,
                    ),
                ),  # fmt: skip
                note="An enquiry is matched to the child's first initial conference held on or "
                "after its strategy discussion. Waiting counts enquiries from any earlier period.",
            )
        )
    return tuple(blocks)


def _escalation_blocks(report: Report, additions: FiguresV2) -> tuple[Table | Figure, ...]:
    previous = dict(additions.escalations_by_organisation_previous_period)
    current = {e.organisation: e.count for e in report.escalations_by_organisation}
    names = sorted(set(previous) | set(current), key=lambda n: (-current.get(n, 0), n))
    period = additions.previous_period
    resolution = additions.escalations_resolution
    return (
        Table(
            key="Escalations by period",
            caption="Escalations by organisation: the previous period and this one",
            columns=("Organisation", "Previous period", "This period", "Change"),
            rows=tuple(
                (
                    name,
                    previous.get(name, 0),
                    current.get(name, 0),
                    _change(previous.get(name, 0), current.get(name, 0)),
                )
                for name in names
            ),  # fmt: skip
            total_row=(
                "Total",
                sum(previous.values()),
                report.escalations_total,
                _change(sum(previous.values()), report.escalations_total),
            ),
            note=f"The previous period: {ordinal_date(period.start_on)} – "
            f"{ordinal_date(period.end_on)}, the same number of months.",
        ),
        Figure(
            "escalations_change",
            "Escalations by organisation: the previous period and this one",
            summary=escalation_change_summary(report),
        ),
        Table(
            key="Escalation outcomes",
            caption="How escalations were resolved",
            columns=("Measure", "Escalations"),
            rows=(
                ("Resolved in the period (whenever raised)", resolution.resolved),
                ("Median days from raised to resolved", resolution.median_days_to_resolve),
                ("Open at the end of the period", resolution.open_at_period_end),
                *(
                    (
                        f"Raised in the period, now at {ESCALATION_STAGES.label(code).lower()}"
                        if code != NOT_RECORDED
                        else "Raised in the period, stage not recorded",
                        count,
                    )
                    for code, count in resolution.by_stage.entries
                ),
            ),  # fmt: skip
        ),
    )


def _chair_blocks(report: Report, additions: FiguresV2) -> tuple[Table | Figure, ...]:
    if not additions.chairs:
        return ()
    return (
        Table(
            key="Chairs",
            caption="Conferences held in the period, by chair",
            columns=("Chair", "Meetings", "Conferences"),
            identifying_columns=frozenset({0}),
            rows=tuple(
                ("Not recorded" if c.chair == NOT_RECORDED else c.chair, c.meetings, c.conferences)
                for c in additions.chairs
            ),
            total_row=("Total", None, sum(c.conferences for c in additions.chairs)),
            note="A meeting whose children had two chairs recorded counts once for each, so "
            "meetings are not totalled.",
        ),
        Figure(
            "chairs", "Conferences held in the period, by chair", summary=chair_summary(report)
        ),  # fmt: skip
    )


def build_document(
    report: Report,
    *,
    authority: str = DEFAULT_AUTHORITY,
    commentary: Commentary | None = None,
    edition_text: str = "",
) -> Document:
    narrative = narrative_for(report)
    period = report.period
    population = report.cp_population
    unborn = report.unborn_initial_conferences
    timeliness = report.timeliness
    year = timeliness.last_complete_year
    participation = report.participation
    monitoring = report.monitoring_checks
    period_text = f"{ordinal_date(period.start_on)} – {ordinal_date(period.end_on)}"
    span = f"{period.start_on:%B} – {period.end_on:%B %Y}"
    kind = "formal and informal" if report.include_informal else "formal"
    identified = report.audience is Audience.INTERNAL
    additions = report.additions
    rate_table = None if additions is None else _rate_table(additions)

    sections = [
        Section(
            "child-protection",
            "Child Protection",
            (
                *narrative.cp_population,
                *narrative.population_change,
                *narrative.rates,
                *narrative.unborn,
            ),
            (
                Table(
                    key="On plan",
                    caption="Children subject to a CP plan",
                    columns=("Date", "Children on a plan"),
                    rows=(
                        (population.year_earlier_on, population.year_earlier),
                        (population.at_period_end_on, population.at_period_end),
                    ),
                ),
                *(() if additions is None else (_population_change_table(report, additions),)),
                *(() if rate_table is None else (rate_table,)),
                Figure("on_plan", "Children subject to a CP plan at each month end, three years"),
                _month_grid(report),
                Table(
                    key="Unborn initial",
                    caption="Initial CP conferences for unborn children",
                    columns=("From", "To", "Initial conferences"),
                    rows=(
                        (
                            unborn.previous_year_period.start_on,
                            unborn.previous_year_period.end_on,
                            unborn.previous_year,
                        ),
                        (
                            unborn.year_to_period_end_period.start_on,
                            unborn.year_to_period_end_period.end_on,
                            unborn.year_to_period_end,
                        ),
                    ),
                ),
            ),
        ),
        *(
            ()
            if additions is None
            else (
                Section(
                    "profile",
                    "Children on a plan: who they are and for how long",
                    (*narrative.population_profile, *narrative.plan_lengths),
                    _profile_blocks(report, additions),
                ),
            )
        ),
        Section(
            "conferences",
            "Child protection conferences held",
            narrative.conferences,
            (
                _years_table(
                    "Cumulative conferences",
                    f"Cumulative number of CP conferences {report.conferences_cumulative[0].year}"
                    f"–{report.conferences_cumulative[-1].year}",
                    report.conferences_cumulative,
                ),
                Figure("conferences_cumulative", "Cumulative CP conferences in each year"),
                _years_table(
                    "Conferences per month",
                    f"Number of CP conferences per month ({report.conferences_by_month[0].year}"
                    f"–{report.conferences_by_month[-1].year})",
                    report.conferences_by_month,
                ),
                Figure("conferences_per_month", "CP conferences held each month"),
            ),
        ),
        Section(
            "timeliness",
            "Timeliness of conferences",
            narrative.timeliness,
            (
                Table(
                    key="Timeliness",
                    caption=(
                        f"Conferences within timescale: the last complete year ({year.name}) and "
                        "this period, by type"
                    ),
                    columns=(
                        "Conferences",
                        "Held",
                        "Within timescale",
                        "Out of timescale",
                        "Not determinable",
                        "Compliance",
                    ),
                    rows=(
                        _timeliness_row(f"Year {year.name}", year.figures),
                        _timeliness_row("This period: all types", timeliness.period),
                        *(
                            _timeliness_row(
                                f"This period: {CONFERENCE_KINDS.phrase(e.kind)}",
                                e.figures,
                            )
                            for e in timeliness.period_by_type
                        ),
                    ),
                    percent_columns=frozenset({5}),
                    note=(
                        "Compliance is the share held within timescale, rounded half-up to two "
                        "decimal places; conferences that could not be assessed count as held "
                        "but not within timescale. Every conference held out of timescale is "
                        "listed in Appendix A."
                    ),
                ),
            ),
        ),
        *(
            ()
            if additions is None
            else (
                Section(
                    "initial-conferences",
                    "Initial conferences and enquiries",
                    narrative.initial_conferences,
                    _initial_blocks(additions),
                ),
            )
        ),
        Section(
            "participation",
            "Children and young people's preparation and involvement in conferences",
            narrative.participation,
            (
                Table(
                    key="Participation",
                    caption="Children's participation in conferences held in the period",
                    columns=("Measure", "Conferences"),
                    rows=(
                        ("Conferences for children already born", participation.conferences),
                        ("The child attended", participation.child_attended),
                        ("An advocate was involved", participation.advocate_involved),
                        (
                            "Preparation session before the conference",
                            participation.preparation_session,
                        ),
                    ),
                ),
                Table(
                    key="Views shared",
                    caption="How the child's views were shared",
                    columns=("How views were shared", "Conferences"),
                    rows=tuple(
                        (VIEWS_SHARED_VIA.label(c.code), c.count)
                        for c in participation.views_shared_via
                    ),
                    total_row=("Total", sum(c.count for c in participation.views_shared_via)),
                    breakdown=True,
                ),
                Table(
                    key="Participation codes",
                    caption="Participation codes (PN0–PN7)",
                    columns=("Participation code", "Conferences"),
                    rows=tuple(
                        (PARTICIPATION_CODES.label(c.code), c.count)
                        for c in participation.participation_code
                    ),
                    total_row=("Total", sum(c.count for c in participation.participation_code)),
                    breakdown=True,
                ),
                Table(
                    key="Meetings",
                    caption=(
                        "Meetings held in the period: quoracy and parents' attendance "
                        "(counted per meeting)"
                    ),
                    columns=("Measure", "Yes", "No", "Not recorded"),
                    rows=(
                        (
                            "The meeting was quorate",
                            report.meetings.quorate,
                            report.meetings.not_quorate,
                            report.meetings.quoracy_not_recorded,
                        ),
                        (
                            "A parent or carer attended",
                            report.meetings.parents_attended,
                            report.meetings.parents_not_attended,
                            report.meetings.parents_not_recorded,
                        ),
                    ),
                ),
            ),
        ),
        Section(
            "monitoring",
            "Activities between Child Protection Reviews",
            (
                "Chairs undertake a monitoring check at the midway point between conferences and "
                "a check when preparing for reviews, to make sure that statutory tasks have been "
                "undertaken and that the plan is progressing. Where there are concerns the chair "
                "alerts the relevant member of the team.",
                *narrative.monitoring,
            ),
            (
                Table(
                    key="Monitoring checks",
                    caption="Chairs' monitoring checks completed in the period",
                    columns=("Check", "Completed", "Concerns raised"),
                    rows=(
                        ("Midway", monitoring.midway.completed, monitoring.midway.concerns),
                        (
                            "Pre-review",
                            monitoring.pre_review.completed,
                            monitoring.pre_review.concerns,
                        ),
                    ),
                ),
                Table(
                    key="Alerts",
                    caption="Alerts raised by chairs, by role alerted",
                    columns=("Role alerted", "Alerts"),
                    rows=tuple((ALERT_ROLES.label(a.code), a.count) for a in monitoring.alerts),
                    total_row=("Total", monitoring.alerts_total),
                ),
            ),
        ),
        Section(
            "escalations",
            "Identifying good practice, problem resolution and escalation",
            (*narrative.escalations, *narrative.escalation_changes),
            (
                Table(
                    key="Escalations by organisation",
                    caption=f"Child Protection Conference escalations raised in the period {span}",
                    columns=("Organisation", "Number of escalations"),
                    rows=tuple(
                        (e.organisation, e.count) for e in report.escalations_by_organisation
                    ),
                    total_row=("Total escalations raised in this period", report.escalations_total),
                ),
                Figure(
                    "escalations_by_organisation",
                    "Escalations raised in the period, by organisation",
                ),
                Table(
                    key="Escalations by reason",
                    caption="Escalations raised in the period, by reason",
                    columns=("Reason", "Number of escalations"),
                    rows=tuple(
                        (ESCALATION_REASONS.label(r.code), r.count)
                        for r in report.escalations_by_reason
                    ),
                    total_row=("Total", sum(r.count for r in report.escalations_by_reason)),
                ),
                Table(
                    key="Escalations per month",
                    caption="Number of Child Protection Conference escalations raised each month",
                    columns=("Month", *(fy.name for fy in report.escalations_by_month)),
                    rows=tuple(
                        (
                            abbreviation,
                            *(fy.months[index].count for fy in report.escalations_by_month),
                        )
                        for index, abbreviation in enumerate(MONTH_ABBREVIATIONS)
                    ),
                    total_row=("Total", *(fy.total for fy in report.escalations_by_month)),
                ),
                Figure("escalations_per_month", "Escalations raised each month, by financial year"),
                *(() if additions is None else _escalation_blocks(report, additions)),
            ),
        ),
        Section(
            "agencies",
            "Agencies' contributions to conferences",
            narrative.agencies,
            (
                Table(
                    key="Agency contributions",
                    caption="Agencies' contributions to meetings held in the period",
                    columns=(
                        "Organisation",
                        "Invited",
                        "Report received",
                        "Report late",
                        "Attended",
                        "Apologies",
                        "No report, no apologies",
                    ),
                    rows=tuple(
                        (
                            a.organisation,
                            a.invited,
                            a.report_received,
                            a.report_late,
                            a.attended,
                            a.apologies,
                            a.no_report_no_apologies,
                        )
                        for a in report.agency_contributions
                    ),
                    total_row=(
                        "Total",
                        *(
                            sum(getattr(a, name) for a in report.agency_contributions)
                            for name in (
                                "invited",
                                "report_received",
                                "report_late",
                                "attended",
                                "apologies",
                                "no_report_no_apologies",
                            )
                        ),
                    ),
                ),
            ),
        ),
        *(
            ()
            if additions is None or not additions.chairs
            else (
                Section(
                    "chairs",
                    "Chairs' workload",
                    narrative.chairs,
                    _chair_blocks(report, additions),
                ),
            )
        ),
        Section(
            "national",
            "Child protection plans and the national picture",
            (*narrative.plans, *narrative.national),
            (
                Table(
                    key="Plans",
                    caption="Child protection plans in the period",
                    columns=("Measure", "Plans"),
                    rows=(
                        ("Plans started", report.plans.started),
                        ("of which second or subsequent plans", report.plans.second_or_subsequent),
                        *(
                            ()
                            if additions is None
                            else (
                                (
                                    "of which within two years of an earlier plan ending",
                                    additions.second_or_subsequent_within_2_years,
                                ),
                            )
                        ),
                        ("Plans ended", report.plans.ended),
                        (
                            "of which lasted two years or more",
                            report.plans.ended_after_2_years_or_more,
                        ),
                    ),
                ),
                Table(
                    key="Open plans by category",
                    caption="Plans open at the end of the period, by latest category of abuse",
                    columns=("Category of abuse", "Plans"),
                    rows=tuple(
                        (PLAN_CATEGORIES.label(c.code), c.count)
                        for c in report.plans.open_by_category
                    ),
                    total_row=("Total", report.plans.open_total),
                    breakdown=True,
                ),
                *(
                    ()
                    if (national := _national_table(report, report.comparison)) is None
                    else (national,)
                ),
            ),
        ),
        Section(
            "data-quality",
            "Data quality",
            (
                COUNT_BY_DESCRIPTIONS[str(report.count_by)],
                f"Escalations: {kind} escalations are counted.",
                "The items below are gaps or inconsistencies found in the records used for this "
                "report. They do not change the figures above, but they limit what can be said."
                if report.data_quality
                else "No data quality issues were found in the records used for this report.",
            ),
            (
                (
                    Table(
                        key="Data quality",
                        caption="Data quality checks",
                        columns=("Check", "Description", "Records"),
                        rows=tuple(
                            (d.code, _with_ids(d.message, d.record_ids), d.count)
                            for d in report.data_quality
                        ),
                    ),
                )
                if report.data_quality
                else ()
            ),
        ),
        Section(
            "appendix-late",
            "Appendix A: Conferences held out of timescale",
            (_appendix_opening(report, identified=identified),),
            (
                (_late_conferences_table(report.late_conferences, identified=identified),)
                if report.late_conferences
                else ()
            ),
            appendix=True,
        ),
    ]
    sections = with_commentary(sections, commentary or Commentary())
    sections = [
        replace(section, blocks=tables_for_audience(section.blocks, report.audience))
        for section in sections
    ]
    numbering: dict[int, int] = {}
    tables = figures = 0
    for section in sections:
        for block in section.blocks:
            if isinstance(block, Table):
                tables += 1
                numbering[id(block)] = tables
            else:
                figures += 1
                numbering[id(block)] = figures
    return Document(
        title=TITLE,
        authority=authority,
        period_text=period_text,
        produced_on_text=ordinal_date(report.generated_on),
        count_by_text=COUNT_BY_DESCRIPTIONS[str(report.count_by)],
        escalations_text=(
            "Formal escalations only."
            if not report.include_informal
            else "Formal and informal escalations."
        ),
        sections=tuple(sections),
        narrative=narrative,
        numbering=numbering,
        marking=audience_marking(report.audience),
        audience=report.audience,
        edition_text=edition_text,
    )


MARKINGS = {Audience.INTERNAL: "OFFICIAL-SENSITIVE", Audience.MEMBERS: "OFFICIAL"}
FEWER_THAN_5 = "fewer than 5"
NOT_SHOWN = "Not shown"


def audience_marking(audience: Audience) -> str:
    """The Government Security Classification marking of the audience's version: the internal
    report names children's records (OFFICIAL-SENSITIVE); the members' holds no identifier."""
    return MARKINGS[Audience(audience)]


def _small_number_hidden(value: Cell) -> Cell:
    if isinstance(value, int) and not isinstance(value, bool) and 0 < value < 5:
        return FEWER_THAN_5
    return value


def table_for_audience(table: Table, audience: Audience) -> Table:
    """`table` as `audience` may read it. The members' version: a breakdown's counts of 1 to 4
    read "fewer than 5" (totals at the authority's level stay), and identifying columns read
    "Not shown". The internal version is the table itself."""
    if audience is Audience.INTERNAL or not (table.breakdown or table.identifying_columns):
        return table

    def row_for_members(row: tuple[Cell, ...], *, total: bool = False) -> tuple[Cell, ...]:
        return tuple(
            NOT_SHOWN
            if index in table.identifying_columns and not total
            else (_small_number_hidden(value) if table.breakdown and not total else value)
            for index, value in enumerate(row)
        )

    note = table.note
    if table.breakdown:
        note = (
            f"{note} " if note else ""
        ) + "Counts from 1 to 4 are shown as 'fewer than 5' so that no child can be identified."
    return replace(
        table,
        rows=tuple(row_for_members(row) for row in table.rows),
        total_row=table.total_row,
        note=note,
    )


def tables_for_audience(
    blocks: tuple[Table | Figure, ...], audience: Audience
) -> tuple[Table | Figure, ...]:
    """Every table of a section as `audience` may read it (table_for_audience)."""
    return tuple(
        table_for_audience(block, audience) if isinstance(block, Table) else block
        for block in blocks
    )


def with_commentary(sections: list[Section], commentary: Commentary) -> list[Section]:
    """The report's sections with the manager's words: the executive summary and "What we said,
    what we did, what changed" first, each section's commentary in it, and the priorities for
    the next period before the appendices."""
    sections = [replace(s, commentary=commentary.section(s.key)) for s in sections]
    opening: list[Section] = []
    if commentary.executive_summary.strip():
        opening.append(
            Section(
                "executive-summary",
                "Executive summary",
                tuple(paragraphs_of(commentary.executive_summary)),
            )
        )
    if commentary.reviews:
        opening.append(
            Section(
                "priorities-review",
                "Our priorities for this period: what we said, what we did, what changed",
                (
                    "The priorities set in the last report"
                    + (f" ({commentary.previous_edition})" if commentary.previous_edition else "")
                    + ", what was done about each, and the figure linked to it then and now.",
                ),
                (
                    Table(
                        key="Priorities review",
                        caption="The last report's priorities",
                        columns=("What we said", "What we did", "What changed"),
                        rows=tuple(
                            (r.said, r.did or "Not recorded", r.changed) for r in commentary.reviews
                        ),
                        column_shares=(0.34, 0.33, 0.33),
                    ),
                ),
            )
        )
    closing: list[Section] = []
    if commentary.priorities:
        closing.append(
            Section(
                "priorities",
                "Priorities for the next period",
                (),
                (
                    Table(
                        key="Priorities",
                        caption="Priorities for the next period",
                        columns=("Priority", "Measured by"),
                        rows=tuple(
                            (p.text, p.figure or "No figure linked") for p in commentary.priorities
                        ),
                        column_shares=(0.65, 0.35),
                    ),
                ),
            )
        )
    body = [s for s in sections if not s.appendix]
    appendices = [s for s in sections if s.appendix]
    return [*opening, *body, *closing, *appendices]


def paragraphs_of(text: str) -> list[str]:
    return [part.strip() for part in text.replace("\r\n", "\n").split("\n\n") if part.strip()]


def format_cell(value: Cell, *, percent: bool = False) -> str:
    """A cell as text for HTML and Word: 1,234; 99.45%; 30/09/2022; blank for None."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "Yes" if value else "No"
    if isinstance(value, int):
        return f"{value:,}"
    if isinstance(value, Decimal):
        text = f"{value:,.2f}" if value != value.to_integral_value() else f"{int(value):,}"
        if value != value.to_integral_value() and value.as_tuple().exponent == -1:
            text = f"{value:,.1f}"
        return f"{text}%" if percent else text
    if isinstance(value, date):
        return value.strftime("%d/%m/%Y")
    return str(value)


def is_number(value: Cell) -> bool:
    """A number, or a number withheld ("fewer than 5"), which sits right with the numbers."""
    return (isinstance(value, int | Decimal) and not isinstance(value, bool)) or (
        value == FEWER_THAN_5
    )
