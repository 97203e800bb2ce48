"""The report as a Word document (python-docx), and rendered into an authority's own template.

`render_docx` builds the document: real Heading styles, tables with a repeated header row,
"Table N:" and "Figure N:" captions in the Caption style, charts as PNG.

`render_into_template(report, template_path)` fills a .docx template with docxtpl, so a council
keeps its own branding. The template sees this context:

- `report`: the `Report` itself (e.g. `{{ report.cp_population.at_period_end }}`);
- `figures`: the contract's JSON (`report_to_json`), e.g. `{{ figures.escalations_total }}`;
- `narrative`: the generated sentences by section, e.g.
  `{% for s in narrative.cp_population %}{{ s }} {% endfor %}`;
- `charts`: each chart as an `InlineImage`, by key (`on_plan`, `conferences_per_month`,
  `conferences_cumulative`, `escalations_by_organisation`, `escalations_per_month`), e.g.
  `{{ charts.on_plan }}`;
- `tables`: each table as `{"caption", "columns", "rows"}` of text, by key;
- `authority`, `title`, `period_text`, `produced_on_text`, `count_by_text`.
"""

from __future__ import annotations

import io
from pathlib import Path
from typing import Any

from docx import Document as new_word_document
from docx.enum.section import WD_ORIENT
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_BREAK
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Cm, Emu, Pt, RGBColor

from safeguard.domain.figures import Report
from safeguard.domain.report_json import report_to_json
from safeguard.reporting.renderers.charts import report_charts
from safeguard.reporting.renderers.document import (
    DEFAULT_AUTHORITY,
    Document,
    Figure,
    Table,
    build_document,
    format_cell,
    is_number,
)

NAVY = RGBColor(0x1F, 0x3B, 0x63)


def _set_repeat_header(row) -> None:  # noqa: ANN001
    properties = row._tr.get_or_add_trPr()
    header = OxmlElement("w:tblHeader")
    header.set(qn("w:val"), "true")
    properties.append(header)
    cant_split = OxmlElement("w:cantSplit")
    cant_split.set(qn("w:val"), "true")
    properties.append(cant_split)


def _shade(cell, fill: str) -> None:  # noqa: ANN001
    shading = OxmlElement("w:shd")
    shading.set(qn("w:val"), "clear")
    shading.set(qn("w:color"), "auto")
    shading.set(qn("w:fill"), fill)
    cell._tc.get_or_add_tcPr().append(shading)


def _cell_text(
    cell, text: str, *, bold: bool = False, right: bool = False, white: bool = False
) -> None:  # noqa: ANN001
    paragraph = cell.paragraphs[0]
    paragraph.paragraph_format.space_after = Pt(0)
    if right:
        paragraph.alignment = WD_ALIGN_PARAGRAPH.RIGHT
    run = paragraph.add_run(text)
    run.font.size = Pt(8.5)
    run.bold = bold
    if white:
        run.font.color.rgb = RGBColor(0xFF, 0xFF, 0xFF)


def _caption(word, label: str, number: int, text: str) -> None:  # noqa: ANN001
    paragraph = word.add_paragraph(style="Caption")
    paragraph.add_run(f"{label} ")
    # A SEQ field, so Word can build a list of tables/figures; the cached result is the number.
    run = paragraph.add_run()
    begin = OxmlElement("w:fldChar")
    begin.set(qn("w:fldCharType"), "begin")
    instruction = OxmlElement("w:instrText")
    instruction.set(qn("xml:space"), "preserve")
    instruction.text = f" SEQ {label} \\* ARABIC "
    separate = OxmlElement("w:fldChar")
    separate.set(qn("w:fldCharType"), "separate")
    run._r.append(begin)
    run._r.append(instruction)
    run._r.append(separate)
    number_run = paragraph.add_run(str(number))
    end = OxmlElement("w:fldChar")
    end.set(qn("w:fldCharType"), "end")
    number_run._r.append(end)
    paragraph.add_run(f": {text}")
    paragraph.paragraph_format.keep_with_next = label == "Table"


def _add_table(word, document: Document, table: Table) -> None:  # noqa: ANN001
    _caption(word, "Table", document.number_of(table), table.caption)
    rows = list(table.rows) + ([table.total_row] if table.total_row else [])
    grid = word.add_table(rows=1 + len(rows), cols=len(table.columns))
    grid.style = "Table Grid"
    grid.alignment = WD_TABLE_ALIGNMENT.LEFT
    if table.column_shares:
        _set_column_widths(word, grid, table.column_shares)
    # Rows and cells listed once: python-docx finds `rows[i]` and `cells[j]` by walking them
    # all, which made a long table (England's late conferences) quadratic.
    header, *word_rows = grid.rows
    _set_repeat_header(header)
    # A heading sits over its column: right over numbers, left over text.
    numeric = (
        [is_number(value) for value in rows[0]]
        if rows
        else [index > 0 for index in range(len(table.columns))]
    )
    for cell, column, right in zip(header.cells, table.columns, numeric, strict=True):
        _shade(cell, "1F3B63")
        _cell_text(cell, column, bold=True, right=right, white=True)
    for row_index, (row, word_row) in enumerate(zip(rows, word_rows, strict=True), start=1):
        is_total = table.total_row is not None and row_index == len(rows)
        cant_split = OxmlElement("w:cantSplit")
        cant_split.set(qn("w:val"), "true")
        word_row._tr.get_or_add_trPr().append(cant_split)
        for index, (cell, value) in enumerate(zip(word_row.cells, row, strict=True)):
            if is_total:
                _shade(cell, "E4E9F0")
            _cell_text(
                cell,
                format_cell(value, percent=index in table.percent_columns),
                bold=is_total,
                right=is_number(value),
            )
    if table.note:
        note = word.add_paragraph(table.note)
        note.runs[0].font.size = Pt(8)
    word.add_paragraph()


def _set_column_widths(word, grid, shares: tuple[float, ...]) -> None:  # noqa: ANN001
    """Fixed widths: LibreOffice reads the table's grid, Word each cell's width."""
    section = word.sections[-1]
    usable = section.page_width - section.left_margin - section.right_margin
    grid.autofit = False
    widths = [Emu(int(usable * share)) for share in shares]
    for column, width in zip(grid.columns, widths, strict=True):
        column.width = width
    for row in grid.rows:
        for cell, width in zip(row.cells, widths, strict=True):
            cell.width = width


def _add_figure(word, document: Document, figure: Figure, png: bytes) -> None:  # noqa: ANN001
    picture = word.add_paragraph()
    picture.paragraph_format.keep_with_next = True
    picture.add_run().add_picture(io.BytesIO(png), width=Cm(16))
    _caption(word, "Figure", document.number_of(figure), figure.caption)


def _page_number_footer(section) -> None:  # noqa: ANN001
    paragraph = section.footer.paragraphs[0]
    paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER

    def field(code: str) -> None:
        run = paragraph.add_run()
        for kind, text in (("begin", None), (None, code), ("separate", None)):
            if kind:
                element = OxmlElement("w:fldChar")
                element.set(qn("w:fldCharType"), kind)
            else:
                element = OxmlElement("w:instrText")
                element.set(qn("xml:space"), "preserve")
                element.text = text
            run._r.append(element)
        paragraph.add_run("1")
        end = OxmlElement("w:fldChar")
        end.set(qn("w:fldCharType"), "end")
        paragraph.add_run()._r.append(end)

    paragraph.add_run("Page ")
    field(" PAGE ")
    paragraph.add_run(" of ")
    field(" NUMPAGES ")


def build_word(report: Report, *, authority: str = DEFAULT_AUTHORITY):  # noqa: ANN201
    document = build_document(report, authority=authority)
    charts = report_charts(report, formats=("png",))
    word = new_word_document()
    section = word.sections[0]
    section.orientation = WD_ORIENT.PORTRAIT
    section.page_width, section.page_height = Cm(21), Cm(29.7)
    for side in ("left_margin", "right_margin"):
        setattr(section, side, Cm(2))
    section.top_margin = section.bottom_margin = Cm(2)
    _page_number_footer(section)
    normal = word.styles["Normal"]
    normal.font.name = "Arial"
    normal.font.size = Pt(10.5)
    for name, size in (("Title", 28), ("Heading 1", 15), ("Heading 2", 12)):
        style = word.styles[name]
        style.font.name = "Arial"
        style.font.size = Pt(size)
        style.font.color.rgb = NAVY
    word.core_properties.title = f"{document.title} {document.period_text}"
    word.core_properties.author = authority
    word.core_properties.subject = "Child protection"

    # Cover
    cover = word.add_paragraph(authority.upper())
    cover.runs[0].font.color.rgb = RGBColor(0x4F, 0x7C, 0xAC)
    cover.runs[0].font.size = Pt(13)
    word.add_paragraph(document.title, style="Title")
    period = word.add_paragraph(document.period_text)
    period.runs[0].font.size = Pt(15)
    for label, text in (
        ("Produced", document.produced_on_text),
        ("Counting", document.count_by_text),
        ("Escalations", document.escalations_text),
    ):
        fact = word.add_paragraph()
        fact.add_run(f"{label}: ").bold = True
        fact.add_run(text)
    word.add_paragraph().add_run().add_break(WD_BREAK.PAGE)

    # Contents: section titles (Word users can insert a live table of contents from the headings)
    word.add_heading("Contents", level=1)
    for entry in document.sections:
        word.add_paragraph(entry.title, style="List Number")
    word.add_paragraph().add_run().add_break(WD_BREAK.PAGE)

    for entry in document.sections:
        if entry.appendix:
            word.add_paragraph().add_run().add_break(WD_BREAK.PAGE)
        word.add_heading(entry.title, level=1)
        for paragraph in entry.paragraphs:
            word.add_paragraph(paragraph)
        for block in entry.blocks:
            if isinstance(block, Table):
                _add_table(word, document, block)
            else:
                _add_figure(word, document, block, charts[block.chart_key].png)
    return word


def render_docx(report: Report, *, authority: str = DEFAULT_AUTHORITY) -> bytes:
    buffer = io.BytesIO()
    build_word(report, authority=authority).save(buffer)
    return buffer.getvalue()


def template_context(
    report: Report, template, *, authority: str = DEFAULT_AUTHORITY
) -> dict[str, Any]:  # noqa: ANN001
    """The context `render_into_template` gives a docxtpl template (see the module docstring)."""
    from docxtpl import InlineImage

    document = build_document(report, authority=authority)
    charts = report_charts(report, formats=("png",))
    return {
        "report": report,
        "figures": report_to_json(report),
        "narrative": document.narrative.as_dict(),
        "charts": {
            key: InlineImage(template, io.BytesIO(chart.png), width=Cm(16))
            for key, chart in charts.items()
        },
        "tables": {
            table.key: {
                "caption": f"Table {document.number_of(table)}: {table.caption}",
                "columns": list(table.columns),
                "rows": [
                    [format_cell(v, percent=i in table.percent_columns) for i, v in enumerate(row)]
                    for row in (*table.rows, *([table.total_row] if table.total_row else []))
                ],
            }
            for table in document.tables
        },
        "authority": authority,
        "title": document.title,
        "period_text": document.period_text,
        "produced_on_text": document.produced_on_text,
        "count_by_text": document.count_by_text,
    }


def render_into_template(
    report: Report, template_path: str | Path, *, authority: str = DEFAULT_AUTHORITY
) -> bytes:
    """The report rendered into the authority's own .docx template (docxtpl / Jinja2 tags)."""
    from docxtpl import DocxTemplate

    template = DocxTemplate(str(template_path))
    template.render(template_context(report, template, authority=authority), autoescape=True)
    buffer = io.BytesIO()
    template.save(buffer)
    return buffer.getvalue()
