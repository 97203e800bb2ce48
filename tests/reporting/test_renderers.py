"""Every format renders from the same Report and carries its figures."""

from __future__ import annotations

import io
import json
import os
import shutil
import subprocess
import zipfile
from datetime import date, datetime

import pytest
from docx import Document as open_word
from openpyxl import load_workbook

from safeguard.domain.figures import ConferenceKind, LateConference, build_report
from safeguard.reporting.renderers import ReportFormat, render
from safeguard.reporting.renderers.charts import report_charts
from safeguard.reporting.renderers.docx import render_into_template
from safeguard.reporting.renderers.html import render_report_body
from tests.factories_report import seed_like_inputs

HEADLINE = "The number of children subject to a CP Plan on 30th September 2022 was 445"


def test_json_is_the_contract(report):
    figures = json.loads(render(report, ReportFormat.json))
    assert figures["cp_population"]["at_period_end"] == 445
    assert figures["count_by"] == "meeting"
    assert figures["narrative"]["cp_population"][0].startswith(HEADLINE)


def test_charts_have_titles_and_no_xml_prolog(report):
    charts = report_charts(report)
    assert set(charts) == {
        "on_plan",
        "conferences_per_month",
        "conferences_cumulative",
        "escalations_by_organisation",
        "escalations_per_month",
    }
    for chart in charts.values():
        assert chart.svg.startswith("<svg")
        assert chart.title in chart.svg
        assert chart.png.startswith(b"\x89PNG")


def test_html_is_a_standalone_document_with_inline_svg_charts(report):
    html = render(report, "html", authority="Anytown Borough Council").decode()
    assert html.startswith("<!DOCTYPE html>")
    assert "Anytown Borough Council" in html
    assert HEADLINE in html
    assert html.count("<svg") == 5
    assert "Table 1: Children subject to a CP plan" in html
    assert "Conferences are counted per meeting" in html
    assert "thead { display: table-header-group; }" in html
    assert "GP&#x27;s" in html  # escaped, not raw


def test_body_fragment_can_be_embedded(report):
    body = render_report_body(report)
    assert body.lstrip().startswith("<article")
    assert "<html" not in body
    assert "Appendix A: Conferences held out of timescale" in body


def test_pdf_is_an_a4_pdf_with_the_headline(report, tmp_path):
    pdf = render(report, ReportFormat.pdf)
    assert pdf.startswith(b"%PDF")
    if shutil.which("pdftotext") is None:
        pytest.skip("pdftotext is not installed")
    path = tmp_path / "report.pdf"
    path.write_bytes(pdf)
    text = subprocess.run(
        ["pdftotext", "-layout", str(path), "-"], capture_output=True, text=True, check=True
    ).stdout
    assert "Child Protection Report" in text
    assert "Page 1 of" not in text.split("\f")[0]  # no footer on the cover
    assert "Page 2 of" in text
    flat = " ".join(text.split())
    assert HEADLINE in flat
    info = subprocess.run(["pdfinfo", str(path)], capture_output=True, text=True, check=True).stdout
    assert "595.276 x 841.89 pts (A4)" in info


def test_docx_has_real_headings_tables_and_captions(report):
    word = open_word(io.BytesIO(render(report, ReportFormat.docx)))
    headings = [p.text for p in word.paragraphs if p.style.name == "Heading 1"]
    assert headings[:2] == ["Child Protection", "Child protection conferences held"]
    assert [p.text for p in word.paragraphs if p.style.name == "TOC Heading"] == ["Contents"]
    assert "Appendix A: Conferences held out of timescale" in headings
    captions = [p.text for p in word.paragraphs if p.style.name == "Caption"]
    assert "Table 1: Children subject to a CP plan" in captions
    assert any(c.startswith("Figure 1:") for c in captions)
    assert len(word.tables) >= 15
    assert word.tables[0].rows[0].cells[1].text == "Children on a plan"
    assert len(word.inline_shapes) == 5
    assert any(HEADLINE in p.text for p in word.paragraphs)


def test_docx_converts_cleanly_with_libreoffice(report, tmp_path):
    soffice = shutil.which("soffice")
    if soffice is None or shutil.which("pdftotext") is None:
        if os.environ.get("CI"):  # .ci/run installs both: the check must run there
            pytest.fail("CI needs LibreOffice (libreoffice-writer-nogui) and pdftotext")
        pytest.skip("LibreOffice or pdftotext is not installed")
    source = tmp_path / "report.docx"
    source.write_bytes(render(report, ReportFormat.docx))
    subprocess.run(
        [soffice, f"-env:UserInstallation=file://{tmp_path}/profile", "--headless",
         "--convert-to", "pdf", "--outdir", str(tmp_path), str(source)],
        capture_output=True, check=True, timeout=120,
    )  # fmt: skip
    text = subprocess.run(
        ["pdftotext", "-layout", str(tmp_path / "report.pdf"), "-"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    flat = " ".join(text.split())
    assert HEADLINE in flat
    assert "Appendix A: Conferences held out of timescale" in flat
    assert "Table 1: Children subject to a CP plan" in flat
    assert len(text.split("\f")) > 8  # pages, not a document collapsed onto one


def test_xlsx_has_one_sheet_per_table_with_numbers_as_numbers(report):
    workbook = load_workbook(io.BytesIO(render(report, ReportFormat.xlsx)))
    assert workbook.sheetnames[0] == "Contents"
    assert "Escalations by organisation" in workbook.sheetnames
    organisations = workbook["Escalations by organisation"]
    assert organisations["A2"].value == "GP's"
    assert organisations["B2"].value == 21
    assert isinstance(organisations["B2"].value, int)
    assert organisations["A1"].font.bold
    assert organisations.freeze_panes == "A2"
    timeliness = workbook["Timeliness"]
    assert timeliness["F2"].value == pytest.approx(99.45)
    late = workbook["Late conferences"]
    assert isinstance(late["D2"].value, datetime)
    assert late["D2"].number_format == "dd/mm/yyyy"
    per_month = workbook["Escalations per month"]
    assert per_month["F8"].value is None  # October 2022: after the period end


def test_xlsx_writes_text_a_chair_typed_as_text_never_as_a_formula():
    typed = '=HYPERLINK("http://x","y")'
    late = LateConference(
        "-C1", "@CF1", ConferenceKind.initial, date(2022, 2, 28), date(2022, 3, 1), 1, "+North",
        typed,
    )  # fmt: skip
    report = build_report(seed_like_inputs(late_conferences=[late]))

    sheet = load_workbook(io.BytesIO(render(report, ReportFormat.xlsx)))["Late conferences"]

    row = list(sheet[2])
    assert row[7].value == "'" + typed and row[7].data_type == "s"
    assert [c.value for c in row[:2]] + [row[6].value] == ["'-C1", "'@CF1", "'+North"]
    assert row[5].value == 1 and row[5].data_type == "n"  # days late: still a number
    assert all(cell.data_type != "f" for cells in sheet.iter_rows() for cell in cells)


def test_render_into_an_authority_template(report, tmp_path):
    from docx import Document as new_word

    template = new_word()
    template.add_paragraph("Anytown Council – {{ title }}")
    template.add_paragraph("{{ period_text }}")
    template.add_paragraph("{% for s in narrative.cp_population %}{{ s }} {% endfor %}")
    template.add_paragraph("Escalations: {{ figures.escalations_total }}")
    template.add_paragraph("{{ charts.on_plan }}")
    path = tmp_path / "template.docx"
    template.save(path)

    word = open_word(io.BytesIO(render_into_template(report, path)))
    text = "\n".join(p.text for p in word.paragraphs)
    assert "Anytown Council – Child Protection Report" in text
    assert HEADLINE in text
    assert "Escalations: 45" in text
    assert len(word.inline_shapes) == 1


def test_a_report_with_no_escalations_or_late_conferences_still_renders():
    report = build_report(
        seed_like_inputs(
            escalations_by_organisation={},
            escalations_by_reason={},
            escalations_per_month={},
            late_conferences=[],
            data_quality=[],
        )
    )
    html = render(report, "html").decode()
    assert "No formal escalations were raised in the period." in html
    assert "No conference was held out of timescale" in html
    with zipfile.ZipFile(io.BytesIO(render(report, "xlsx"))) as archive:
        assert archive.testzip() is None


def test_every_format_shows_the_meetings_quoracy_and_parents_attendance_table():
    from safeguard.domain.figures import MeetingCounts

    report = build_report(
        seed_like_inputs(meetings=MeetingCounts(quorate=7, not_quorate=2, quoracy_not_recorded=3,
                                                parents_attended=8, parents_not_attended=1,
                                                parents_not_recorded=3))
    )  # fmt: skip
    caption = "Meetings held in the period: quoracy and parents' attendance (counted per meeting)"

    figures = json.loads(render(report, ReportFormat.json))
    assert figures["meetings_quoracy"] == {"quorate": 7, "not_quorate": 2, "not_recorded": 3}
    assert figures["parents_attendance"] == {"attended": 8, "not_attended": 1, "not_recorded": 3}
    html = render(report, ReportFormat.html).decode()
    assert caption.replace("'", "&#x27;") in html
    word = open_word(io.BytesIO(render(report, ReportFormat.docx)))
    assert any(p.text.endswith(caption) for p in word.paragraphs if p.style.name == "Caption")
    sheet = load_workbook(io.BytesIO(render(report, ReportFormat.xlsx)))["Meetings"]
    assert [c.value for c in sheet[2]] == ["The meeting was quorate", 7, 2, 3]
    assert [c.value for c in sheet[3]] == ["A parent or carer attended", 8, 1, 3]
