"""The documents for every reader (issue 20, items 5 and 6; issue 23, item 8): a tagged PDF with
the protective marking on every page, alternative text on every chart that gives its message
and main figures, Word headings in the body's font with padded cells and a table of contents
field, and a members' version without identifiers or small numbers below the authority."""

from __future__ import annotations

import io
import re
import subprocess
import zipfile
from dataclasses import replace

import pytest

from safeguard.domain.figures import Audience, for_audience
from safeguard.reporting.renderers.charts import report_charts
from safeguard.reporting.renderers.document import (
    FEWER_THAN_5,
    Table,
    build_document,
    table_for_audience,
)
from safeguard.reporting.renderers.docx import render_docx
from safeguard.reporting.renderers.pdf import render_pdf


@pytest.fixture(scope="module")
def internal_pdf(report) -> bytes:
    return render_pdf(for_audience(report, Audience.INTERNAL))


@pytest.fixture(scope="module")
def word(report) -> dict[str, str]:
    with zipfile.ZipFile(io.BytesIO(render_docx(report))) as archive:
        return {
            name: archive.read(name).decode("utf-8")
            for name in archive.namelist()
            if name.endswith((".xml", ".rels"))
        }


def pdf_pages(content: bytes, tmp_path) -> list[str]:
    path = tmp_path / "report.pdf"
    path.write_bytes(content)
    text = subprocess.run(
        ["pdftotext", "-layout", str(path), "-"], capture_output=True, text=True, check=True
    ).stdout
    return [page for page in text.split("\f") if page.strip()]


def test_the_pdf_is_tagged(internal_pdf, tmp_path):
    path = tmp_path / "report.pdf"
    path.write_bytes(internal_pdf)

    info = subprocess.run(["pdfinfo", str(path)], capture_output=True, text=True, check=True)

    assert re.search(r"^Tagged:\s+yes$", info.stdout, re.MULTILINE)


def test_every_page_of_the_internal_pdf_is_marked_official_sensitive(internal_pdf, tmp_path):
    pages = pdf_pages(internal_pdf, tmp_path)

    assert len(pages) > 5
    for number, page in enumerate(pages, start=1):
        assert page.count("OFFICIAL-SENSITIVE") >= 2, f"page {number} lacks its marking"


def test_every_page_of_the_members_pdf_is_marked_official(report, tmp_path):
    pages = pdf_pages(render_pdf(for_audience(report, Audience.MEMBERS)), tmp_path)

    for number, page in enumerate(pages, start=1):
        assert "OFFICIAL" in page, f"page {number} lacks its marking"
        assert "SENSITIVE" not in page


def test_every_chart_has_alternative_text_that_gives_its_message_and_figures(report):
    charts = report_charts(report, formats=("svg",))

    assert charts
    for chart in charts.values():
        assert chart.message, chart.key
        assert chart.message in chart.description
        assert re.search(r"\d", chart.description), chart.key
        assert 'aria-label="' in chart.svg


def test_the_on_plan_chart_says_how_the_number_moved(report):
    chart = report_charts(report, formats=("svg",))["on_plan"]

    series = report.cp_population.month_end_series
    assert f"from {series[0].count:,} to {series[-1].count:,}" in chart.description


def test_every_word_chart_has_alternative_text(word, report):
    document = word["word/document.xml"]
    pictures = re.findall(r"<wp:docPr [^>]*>", document)
    charts = report_charts(report, formats=("png",))

    assert len(pictures) == len(charts)
    for picture in pictures:
        descr = re.search(r'descr="([^"]+)"', picture)
        assert descr and re.search(r"\d", descr.group(1)), picture


def test_word_headings_are_in_the_body_font(word):
    styles = word["word/styles.xml"]
    for style_id in ("Normal", "Heading1", "Heading2", "Title", "Caption"):
        style = re.search(rf'<w:style [^>]*w:styleId="{style_id}".*?</w:style>', styles, re.S)
        assert style, style_id
        fonts = re.search(r"<w:rFonts [^>]*/>", style.group(0))
        assert fonts and 'w:ascii="Arial"' in fonts.group(0), style_id
        assert "asciiTheme" not in fonts.group(0), style_id


def test_word_has_a_table_of_contents_field_with_a_page_reference_per_section(word, report):
    document = word["word/document.xml"]
    sections = build_document(report).sections

    assert re.search(r'<w:instrText[^>]*> TOC \\o "1-1" \\h \\z \\u </w:instrText>', document)
    assert len(re.findall(r"PAGEREF _Toc\d+ \\h", document)) == len(sections)
    assert len(re.findall(r'<w:bookmarkStart w:id="\d+" w:name="_Toc\d+"/>', document)) == len(
        sections
    )
    assert '<w:updateFields w:val="true"/>' in word["word/settings.xml"]
    cached = [
        int(n)
        for n in re.findall(
            r"PAGEREF _Toc\d+ \\h </w:instrText>.*?<w:t>(\d+)</w:t>", document, re.S
        )
    ]
    assert len(cached) == len(sections)
    assert cached == sorted(cached) and cached[0] == 3


def test_word_tables_have_cell_padding(word):
    document = word["word/document.xml"]

    assert document.count("<w:tblCellMar>") == document.count("<w:tbl>")
    assert '<w:left w:w="85" w:type="dxa"/>' in document


def test_word_carries_the_marking_in_its_header_and_footer(word):
    headers = [text for name, text in word.items() if name.startswith("word/header")]
    footers = [text for name, text in word.items() if name.startswith("word/footer")]

    assert any("OFFICIAL-SENSITIVE" in text for text in headers)
    assert any("OFFICIAL-SENSITIVE" in text for text in footers)


# ---- the members' tables -----------------------------------------------------------------------

BREAKDOWN = Table(
    key="By area",
    caption="Children on a plan by area",
    columns=("Area", "Children"),
    rows=(("North", 3), ("South", 12), ("East", 0)),
    total_row=("Total", 15),
    breakdown=True,
)


def test_a_members_breakdown_shows_counts_under_5_as_fewer_than_5():
    members = table_for_audience(BREAKDOWN, Audience.MEMBERS)

    assert members.rows == (("North", FEWER_THAN_5), ("South", 12), ("East", 0))
    assert members.total_row == ("Total", 15)
    assert "fewer than 5" in members.note


def test_the_internal_breakdown_shows_every_count():
    assert table_for_audience(BREAKDOWN, Audience.INTERNAL) == BREAKDOWN


def test_a_members_table_shows_no_identifying_column():
    chairs = replace(
        BREAKDOWN, rows=(("Jo Bloggs", 40),), identifying_columns=frozenset({0}), breakdown=False
    )

    assert table_for_audience(chairs, Audience.MEMBERS).rows == (("Not shown", 40),)


def test_every_breakdown_of_the_members_report_hides_small_numbers(report):
    document = build_document(for_audience(report, Audience.MEMBERS))

    breakdowns = [table for table in document.tables if table.breakdown]
    assert breakdowns
    for table in breakdowns:
        for row in table.rows:
            for value in row[1:]:
                assert not (isinstance(value, int) and 0 < value < 5), (table.key, row)
