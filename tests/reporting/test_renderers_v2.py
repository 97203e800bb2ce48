"""The version 2 figures in every format: each with its table, its chart (with a one-sentence
summary), the same captions in HTML, Word and Excel; the national table compares years."""

from __future__ import annotations

import io
from datetime import date
from decimal import Decimal

import pytest
from docx import Document as open_word
from openpyxl import load_workbook

from safeguard.domain.calendar import Nation, WorkingDayCalendar
from safeguard.domain.figures import Report, build_report
from safeguard.domain.figures_v2 import (
    ChildRecord,
    ConferenceRecord,
    EscalationRecord,
    PlanRecord,
    PopulationEstimate,
    RecordsV2,
    figures_v2,
)
from safeguard.domain.national_statistics import (
    ENGLAND_DATA_VERSION,
    AuthorityYear,
    national_comparison,
    published_figures_from_csv,
)
from safeguard.domain.report_json import report_to_json
from safeguard.reporting.renderers import ReportFormat, render
from safeguard.reporting.renderers.charts import report_charts
from safeguard.reporting.renderers.document import Figure, build_document
from tests.factories_report import SEED_PERIOD, seed_like_inputs

V2_TABLES = (
    "How the number of children on a plan changed over the year",
    "Rates per 10,000 children living in the area",
    "Children on a plan by age band, a year earlier and at the end of the period",
    "Initial conferences held in the period, by outcome",
    "Escalations by organisation: the previous period and this one",
    "How escalations were resolved",
    "Conferences held in the period, by chair",
    "This authority beside England's published figures, year by year",
)


@pytest.fixture(scope="module")
def report() -> Report:
    records = RecordsV2(
        children={"A": ChildRecord("A", date(2020, 1, 1), "F", "WBRI", False)},
        plans=[PlanRecord("A", date(2022, 5, 1), None, "NEG")],
        conferences=[
            ConferenceRecord("A", "initial", date(2022, 5, 1), "held", "plan", "D. Smith", "M1")
        ],
        escalations=[EscalationRecord(date(2022, 1, 5), "GP's", True, 1, date(2022, 5, 1))],
        population=[PopulationEstimate(2022, 50000)],
    )
    additions = figures_v2(
        records,
        period=SEED_PERIOD,
        include_informal=False,
        calendar=WorkingDayCalendar(Nation.england, bank_holidays={}),
    )
    published = published_figures_from_csv(
        "area,year_ending,measure,value,source,note\n"
        "England,2022-03-31,on_plan_rate,41.4,https://example.org,\n"
        "North West,2022-03-31,on_plan_rate,51.2,,\n",
        file_name="test.csv",
    )
    comparison = national_comparison(
        published,
        [AuthorityYear(date(2022, 3, 31), on_plan=200, population=50000)],
        SEED_PERIOD.end_on,
    )
    return build_report(seed_like_inputs(additions=additions, comparison=comparison))


def test_each_new_figure_has_its_table_and_each_chart_its_summary(report):
    document = build_document(report)
    captions = [table.caption for table in document.tables]
    for caption in V2_TABLES:
        assert caption in captions
    figures = [b for s in document.sections for b in s.blocks if isinstance(b, Figure)]
    new = {"age_bands", "plan_lengths", "escalations_change", "chairs"}
    assert new <= {figure.chart_key for figure in figures}
    for figure in figures:
        if figure.chart_key in new:
            assert figure.summary.startswith("Bar chart of ") and figure.summary.endswith(".")
    charts = report_charts(report, formats=("svg",))
    assert new <= set(charts)
    assert charts["chairs"].description == next(
        f.summary for f in figures if f.chart_key == "chairs"
    )


def test_the_national_table_labels_its_year_and_sets_comparators_beside_england(report):
    table = next(t for t in build_document(report).tables if t.key == "National comparison")
    assert table.columns == ("Measure", "Year", "This authority", "England", "North West")
    rate = table.rows[0]
    assert rate == (
        "Children on a plan at 31 March, per 10,000 children",
        "2021/22",
        Decimal("40.0"),
        Decimal("41.4"),
        Decimal("51.2"),
    )
    assert report_to_json(report)["national_comparison"]["rows"][0]["england"]["value"] == 41.4
    # a figure published but not in the file is "Not held"; the table's note says what that means
    started = next(row for row in table.rows if row[0].startswith("Plans started"))
    assert started[3:] == ("Not held", "Not held")
    assert "'Not held': DfE publishes the figure" in table.note
    assert f"data file (version {ENGLAND_DATA_VERSION};" in table.note


def test_a_figure_the_publisher_does_not_publish_for_the_year_reads_not_published():
    published = published_figures_from_csv(
        "area,year_ending,measure,value,source,note\n"
        "England,2022-03-31,on_plan_rate,not published,https://example.org,none that year\n"
        "North West,2022-03-31,on_plan_rate,51.2,,\n",
        file_name="test.csv",
    )
    comparison = national_comparison(published, [], date(2022, 9, 30))
    report = build_report(seed_like_inputs(comparison=comparison))
    table = next(t for t in build_document(report).tables if t.key == "National comparison")
    assert table.rows[0][3:] == ("Not published", Decimal("51.2"))
    row = report_to_json(report)["national_comparison"]["rows"][0]
    assert (row["england"], row["not_published"]) == (None, ["England"])


def test_html_word_and_excel_carry_the_new_tables(report):
    html = render(report, ReportFormat.html).decode("utf-8")
    word = open_word(io.BytesIO(render(report, ReportFormat.docx)))
    word_text = "\n".join(p.text for p in word.paragraphs)
    workbook = load_workbook(io.BytesIO(render(report, ReportFormat.xlsx)))
    for caption in V2_TABLES:
        assert caption.replace("'", "&#x27;") in html
        assert caption in word_text
    assert {"Population change", "Age on plan", "Chairs", "National comparison"} <= set(
        workbook.sheetnames
    )
    assert "Formal escalations only." in html
    assert "Escalations: Escalations" not in html
