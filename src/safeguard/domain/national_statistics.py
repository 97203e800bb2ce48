"""England's published child protection figures, and an authority's comparators, beside its own.

England's figures ship as a versioned data file (reporting/data/england-children-in-need.csv:
Department for Education, "Characteristics of children in need" / "Children in need", years
ending 31 March); an authority may add its region's and statistical neighbours' figures in a file
of the same columns (docs/report-figures.md, "England and comparators"). Both are read here from
their text: this module reads no file.

Like is compared with like: each measure is a rate or a percentage for a year ending 31 March,
and the authority's figure beside it is counted for that same year (`AuthorityYear`), never its
report period. For each measure the year is the latest year ending on or before the period end
for which England's figure is held; without one, the last complete year, with England "not held"
(or "not published", where the file says DfE publishes nothing for that year).
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

from safeguard.domain.periods import last_complete_financial_year
from safeguard.domain.vocabulary import PLAN_CATEGORIES

ENGLAND = "England"
# The version of the shipped England file (its first line says it; a test holds the two together),
# and the DfE release its figures come from: both named in the report beside England's figures.
ENGLAND_DATA_VERSION = 3
ENGLAND_RELEASE = "Children in need, reporting year 2025"
COLUMNS = ("area", "year_ending", "measure", "value", "source", "note")
# The value of a row saying the publisher gives no figure for the measure that year (as opposed
# to a figure published but not in the file, which is simply absent).
NOT_PUBLISHED = "not published"
_TENTH = Decimal("0.1")
PER_CHILDREN = 10_000


@dataclass(frozen=True)
class Measure:
    code: str
    label: str
    percent: bool  # a percentage (else a rate per 10,000 children)


MEASURES: tuple[Measure, ...] = (
    Measure("on_plan_rate", "Children on a plan at 31 March, per 10,000 children", False),
    Measure("started_rate", "Plans started in the year, per 10,000 children", False),
    Measure(
        "second_or_subsequent_percent",
        "Plans started in the year that were a second or subsequent plan (%)",
        True,
    ),
    Measure(
        "ended_2_years_or_more_percent",
        "Plans ended in the year that had lasted two years or more (%)",
        True,
    ),
    Measure(
        "initial_within_15_working_days_percent",
        "Initial conferences held within 15 working days (%)",
        True,
    ),
    *(
        Measure(
            f"category_{code}_percent",
            f"Children on a plan at 31 March: {PLAN_CATEGORIES.phrase(code)} (%)",
            True,
        )
        for code in PLAN_CATEGORIES
    ),
)
MEASURES_BY_CODE: Mapping[str, Measure] = {measure.code: measure for measure in MEASURES}


class PublishedFiguresError(ValueError):
    """A figures file that cannot be read; the message names the file, line, field and reason."""


@dataclass(frozen=True)
class PublishedFigure:
    area: str
    year_ending_on: date
    measure: str
    value: Decimal
    source: str = ""
    note: str = ""


@dataclass(frozen=True)
class PublishedFigures:
    """The figures of one or more files, by (area, year ending, measure), and the rows saying a
    measure is not published at all for a year."""

    figures: tuple[PublishedFigure, ...] = ()
    not_published: frozenset[tuple[str, date, str]] = frozenset()

    def value(self, area: str, year_ending_on: date, measure: str) -> PublishedFigure | None:
        return next(
            (
                f
                for f in self.figures
                if (f.area, f.year_ending_on, f.measure) == (area, year_ending_on, measure)
            ),
            None,
        )

    def is_not_published(self, area: str, year_ending_on: date, measure: str) -> bool:
        return (area, year_ending_on, measure) in self.not_published

    @property
    def comparator_areas(self) -> tuple[str, ...]:
        """The areas other than England, in the order they first appear."""
        areas = [f.area for f in self.figures] + sorted(a for a, _, _ in self.not_published)
        return tuple(dict.fromkeys(a for a in areas if a != ENGLAND))

    def __add__(self, other: PublishedFigures) -> PublishedFigures:
        return PublishedFigures(
            self.figures + other.figures, self.not_published | other.not_published
        )


def published_figures_from_csv(text: str, *, file_name: str) -> PublishedFigures:
    """The figures of a file in COLUMNS (lines starting with # are comments), refused with
    PublishedFiguresError naming the file, the line, the field and the reason."""
    lines = [line for line in text.splitlines() if not line.lstrip().startswith("#")]
    numbers = [
        n for n, line in enumerate(text.splitlines(), 1) if not line.lstrip().startswith("#")
    ]
    reader = csv.DictReader(io.StringIO("\n".join(lines)))
    missing = [
        c for c in ("area", "year_ending", "measure", "value") if c not in (reader.fieldnames or ())
    ]
    if missing:
        raise PublishedFiguresError(
            f"{file_name}: the header must name the columns {', '.join(COLUMNS)}; "
            f"{', '.join(missing)} {'is' if len(missing) == 1 else 'are'} missing"
        )
    figures: list[PublishedFigure] = []
    not_published: set[tuple[str, date, str]] = set()
    seen: set[tuple[str, date, str]] = set()
    for index, row in enumerate(reader, start=1):
        line = numbers[index] if index < len(numbers) else index + 1

        def refuse(column: str, reason: str) -> PublishedFiguresError:
            return PublishedFiguresError(f"{file_name}, line {line}, {column}: {reason}")  # noqa: B023

        area = (row.get("area") or "").strip()
        if not area:
            raise refuse("area", "blank; name the area, for example England")
        try:
            year_ending_on = date.fromisoformat((row.get("year_ending") or "").strip())
        except ValueError:
            raise refuse("year_ending", "expected a date as YYYY-MM-DD") from None
        if (year_ending_on.month, year_ending_on.day) != (3, 31):
            raise refuse("year_ending", "the figures are for years ending 31 March")
        measure = (row.get("measure") or "").strip()
        if measure not in MEASURES_BY_CODE:
            raise refuse("measure", f"{measure!r} is not one of {', '.join(MEASURES_BY_CODE)}")
        value_text = (row.get("value") or "").strip()
        value: Decimal | None = None
        if value_text.lower() != NOT_PUBLISHED:
            try:
                value = Decimal(value_text)
            except InvalidOperation:
                raise refuse(
                    "value", f"expected a number, such as 42.8, or '{NOT_PUBLISHED}'"
                ) from None
            if (
                not value.is_finite()
                or value < 0
                or (MEASURES_BY_CODE[measure].percent and value > 100)
            ):
                raise refuse("value", "out of range for the measure")
        key = (area, year_ending_on, measure)
        if key in seen:
            raise refuse("measure", "given twice for this area and year")
        seen.add(key)
        if value is None:
            not_published.add(key)
            continue
        figures.append(
            PublishedFigure(
                area,
                year_ending_on,
                measure,
                value,
                (row.get("source") or "").strip(),
                (row.get("note") or "").strip(),
            )
        )
    return PublishedFigures(tuple(figures), frozenset(not_published))


# --------------------------------------------------------------------------------------------
# The authority's own figures for a year ending 31 March
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class AuthorityYear:
    """The authority's counts for one year ending 31 March, as DfE counts them."""

    year_ending_on: date
    on_plan: int = 0  # children on a plan at the end of 31 March
    started: int = 0
    second_or_subsequent: int = 0
    ended: int = 0
    ended_2_years_or_more: int = 0
    initial_held: int = 0
    initial_within: int = 0
    # initial_category of the plans in force at the end of 31 March (blank ones left out)
    initial_category: Mapping[str, int] = field(default_factory=dict)
    # the population estimate for the year (latest on or before the year's end), if any
    population: int | None = None

    def value(self, measure: str) -> Decimal | None:
        def share(part: int, whole: int) -> Decimal | None:
            if whole == 0:
                return None
            return (Decimal(part) * 100 / whole).quantize(_TENTH, rounding=ROUND_HALF_UP)

        def rate(part: int) -> Decimal | None:
            if not self.population:
                return None
            return (Decimal(part) * PER_CHILDREN / self.population).quantize(
                _TENTH, rounding=ROUND_HALF_UP
            )

        if measure == "on_plan_rate":
            return rate(self.on_plan)
        if measure == "started_rate":
            return rate(self.started)
        if measure == "second_or_subsequent_percent":
            return share(self.second_or_subsequent, self.started)
        if measure == "ended_2_years_or_more_percent":
            return share(self.ended_2_years_or_more, self.ended)
        if measure == "initial_within_15_working_days_percent":
            return share(self.initial_within, self.initial_held)
        code = measure.removeprefix("category_").removesuffix("_percent")
        return share(self.initial_category.get(code, 0), sum(self.initial_category.values()))


# --------------------------------------------------------------------------------------------
# The comparison
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class ComparisonRow:
    measure: Measure
    year_ending_on: date
    authority: Decimal | None
    england: PublishedFigure | None
    comparators: tuple[PublishedFigure | None, ...]  # in NationalComparison.comparator_areas
    # the areas (England or a comparator) whose publisher gives no figure for this year: their
    # cell says "not published" rather than "not held"
    not_published: frozenset[str] = frozenset()


@dataclass(frozen=True)
class NationalComparison:
    rows: tuple[ComparisonRow, ...]
    comparator_areas: tuple[str, ...] = ()
    # A comparators file that could not be read: its message (the report still goes out).
    comparators_problem: str = ""


def comparison_years(published: PublishedFigures, period_end_on: date) -> dict[str, date]:
    """For each measure, the year ending 31 March to compare: the latest one on or before the
    period end with England's figure held, else the last complete financial year."""
    fallback = last_complete_financial_year(period_end_on).end_on
    years: dict[str, date] = {}
    for measure in MEASURES:
        held = [
            f.year_ending_on
            for f in published.figures
            if f.area == ENGLAND and f.measure == measure.code and f.year_ending_on <= period_end_on
        ]
        years[measure.code] = max(held, default=fallback)
    return years


def national_comparison(
    published: PublishedFigures,
    authority_years: Iterable[AuthorityYear],
    period_end_on: date,
    *,
    comparators_problem: str = "",
) -> NationalComparison:
    by_year = {year.year_ending_on: year for year in authority_years}
    areas = published.comparator_areas
    rows = []
    for measure in MEASURES:
        year_ending_on = comparison_years(published, period_end_on)[measure.code]
        authority = by_year.get(year_ending_on)
        rows.append(
            ComparisonRow(
                measure=measure,
                year_ending_on=year_ending_on,
                authority=None if authority is None else authority.value(measure.code),
                england=published.value(ENGLAND, year_ending_on, measure.code),
                comparators=tuple(
                    published.value(area, year_ending_on, measure.code) for area in areas
                ),
                not_published=frozenset(
                    area
                    for area in (ENGLAND, *areas)
                    if published.is_not_published(area, year_ending_on, measure.code)
                ),
            )
        )
    return NationalComparison(tuple(rows), areas, comparators_problem)


def needed_years(published: PublishedFigures, period_end_on: date) -> Sequence[date]:
    """The years ending 31 March whose authority figures the comparison needs."""
    return sorted(set(comparison_years(published, period_end_on).values()))
