"""England's published figures and an authority's comparators beside its own: each measure for
one year ending 31 March, a year with a year and rates with rates; files refused with the file,
line, field and reason."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from importlib import resources

import pytest

from safeguard.domain.national_statistics import (
    ENGLAND,
    MEASURES,
    AuthorityYear,
    PublishedFigures,
    PublishedFiguresError,
    comparison_years,
    national_comparison,
    published_figures_from_csv,
)

HEADER = "area,year_ending,measure,value,source,note\n"


def england_file() -> PublishedFigures:
    text = (
        resources.files("safeguard.reporting")
        .joinpath("data", "england-children-in-need.csv")
        .read_text("utf-8")
    )
    return published_figures_from_csv(text, file_name="england-children-in-need.csv")


def test_the_shipped_england_file_reads_and_names_a_source_for_every_figure():
    figures = england_file()
    assert figures.figures
    assert {f.area for f in figures.figures} == {ENGLAND}
    assert all(f.source.startswith("https://explore-education-statistics") for f in figures.figures)
    assert figures.value(ENGLAND, date(2020, 3, 31), "on_plan_rate").value == Decimal("42.8")


def test_england_s_category_shares_of_a_year_add_up_to_about_100():
    figures = england_file()
    for year in (2016, 2017, 2018, 2019, 2020):
        shares = [
            f.value
            for f in figures.figures
            if f.year_ending_on.year == year and f.measure.startswith("category_")
        ]
        assert len(shares) == 5
        assert Decimal("99.8") <= sum(shares) <= Decimal("100.2")


def test_each_measure_compares_the_latest_year_held_on_or_before_the_period_end():
    years = comparison_years(england_file(), date(2022, 9, 30))
    assert years["on_plan_rate"] == date(2020, 3, 31)
    assert years["ended_2_years_or_more_percent"] == date(2020, 3, 31)
    # nothing held up to 2022: the last complete year, England's cell "not held"
    assert years["initial_within_15_working_days_percent"] == date(2022, 3, 31)
    later = comparison_years(england_file(), date(2025, 3, 31))
    assert later["initial_within_15_working_days_percent"] == date(2025, 3, 31)
    assert later["ended_2_years_or_more_percent"] == date(2025, 3, 31)


def test_the_authority_s_figure_is_counted_for_england_s_year_and_rates_need_a_population():
    published = published_figures_from_csv(
        HEADER
        + "England,2020-03-31,on_plan_rate,42.8,s,\n"
        + "England,2020-03-31,ended_2_years_or_more_percent,3.6,s,\n"
        + "North West,2020-03-31,on_plan_rate,51.2,s,\n",
        file_name="f.csv",
    )
    year = AuthorityYear(
        date(2020, 3, 31), on_plan=300, ended=40, ended_2_years_or_more=3, population=60000
    )
    comparison = national_comparison(published, [year], date(2022, 9, 30))
    rows = {row.measure.code: row for row in comparison.rows}
    assert comparison.comparator_areas == ("North West",)
    assert rows["on_plan_rate"].authority == Decimal("50.0")
    assert rows["on_plan_rate"].england.value == Decimal("42.8")
    assert rows["on_plan_rate"].comparators[0].value == Decimal("51.2")
    assert rows["ended_2_years_or_more_percent"].authority == Decimal("7.5")
    assert rows["ended_2_years_or_more_percent"].comparators == (None,)
    assert len(comparison.rows) == len(MEASURES)
    without = national_comparison(
        published, [AuthorityYear(date(2020, 3, 31), on_plan=300)], date(2022, 9, 30)
    )
    assert next(r for r in without.rows if r.measure.code == "on_plan_rate").authority is None


def test_category_shares_are_of_the_plans_with_an_initial_category():
    year = AuthorityYear(date(2020, 3, 31), initial_category={"NEG": 3, "EMO": 1})
    assert year.value("category_NEG_percent") == Decimal("75.0")
    assert year.value("category_MUL_percent") == Decimal("0.0")


@pytest.mark.parametrize(
    ("row", "message"),
    [
        ("England,2020-03-30,on_plan_rate,42.8,,", "line 4, year_ending: the figures are for years ending 31 March"),
        ("England,31/03/2020,on_plan_rate,42.8,,", "line 4, year_ending: expected a date as YYYY-MM-DD"),
        ("England,2020-03-31,plans_per_head,42.8,,", "line 4, measure: 'plans_per_head' is not one of"),
        ("England,2020-03-31,on_plan_rate,lots,,", "line 4, value: expected a number"),
        ("England,2020-03-31,category_NEG_percent,120,,", "line 4, value: out of range"),
        (",2020-03-31,on_plan_rate,42.8,,", "line 4, area: blank"),
        ("England,2020-03-31,on_plan_rate,42.8,,", "line 4, measure: given twice"),
    ],
)  # fmt: skip
def test_a_bad_row_is_refused_naming_the_file_line_field_and_reason(row, message):
    text = "# a comment line\n" + HEADER + "England,2020-03-31,on_plan_rate,42.8,,\n" + row + "\n"
    with pytest.raises(PublishedFiguresError) as refused:
        published_figures_from_csv(text, file_name="comparators.csv")
    assert str(refused.value).startswith("comparators.csv, " + message)


def test_a_file_without_the_columns_is_refused_by_its_header():
    with pytest.raises(PublishedFiguresError, match="comparators.csv: the header must name"):
        published_figures_from_csv("area,year,value\n", file_name="comparators.csv")
