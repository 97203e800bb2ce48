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
from docx.enum.style import WD_STYLE_TYPE
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_BREAK, WD_TAB_ALIGNMENT, WD_TAB_LEADER
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Cm, Emu, Pt, RGBColor

from safeguard.domain.editions import Commentary
from safeguard.domain.figures import Report
from safeguard.domain.report_json import report_to_json
from safeguard.reporting.renderers.charts import Chart, report_charts
from safeguard.reporting.renderers.document import (
    DEFAULT_AUTHORITY,
    Document,
    Figure,
    Table,
    build_document,
    format_cell,
    is_number,
    paragraphs_of,
)

NAVY = RGBColor(0x1F, 0x3B, 0x63)
FONT = "Arial"  # headings and body alike (issue 23: the headings were in the theme's font)
# Room inside every table cell: 0.1 cm above and below, 0.15 cm either side (in twentieths of a
# point).
CELL_MARGINS = {"top": 57, "bottom": 57, "left": 85, "right": 85}


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
    _cell_margins(grid)
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


def _cell_margins(grid) -> None:  # noqa: ANN001
    """The table's default cell margins (w:tblCellMar), which Word and LibreOffice both read."""
    properties = grid._tbl.tblPr
    margins = OxmlElement("w:tblCellMar")
    for side, twips in CELL_MARGINS.items():
        margin = OxmlElement(f"w:{side}")
        margin.set(qn("w:w"), str(twips))
        margin.set(qn("w:type"), "dxa")
        margins.append(margin)
    properties.append(margins)


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


def _add_figure(word, document: Document, figure: Figure, chart: Chart) -> None:  # noqa: ANN001
    picture = word.add_paragraph()
    picture.paragraph_format.keep_with_next = True
    shape = picture.add_run().add_picture(io.BytesIO(chart.png), width=Cm(16))
    _describe_picture(shape, title=chart.title, alt_text=chart.description)
    _caption(word, "Figure", document.number_of(figure), figure.caption)


def _describe_picture(shape, *, title: str, alt_text: str) -> None:  # noqa: ANN001
    """The picture's alternative text (Word's "Alt Text", read by screen readers and kept in a
    PDF that Word exports): the drawing's `descr`, with its title."""
    properties = shape._inline.docPr
    properties.set("descr", alt_text)
    properties.set("title", title)


def _one_font(style) -> None:  # noqa: ANN001
    """`style` in FONT for every script, with the theme's fonts removed: python-docx's
    `font.name` sets only some of w:rFonts, and Word's default heading styles name the theme's
    heading font (Calibri Light), which wins over it."""
    style.font.name = FONT
    fonts = style.element.get_or_add_rPr().get_or_add_rFonts()
    for attribute in ("ascii", "hAnsi", "eastAsia", "cs"):
        fonts.set(qn(f"w:{attribute}"), FONT)
    for attribute in ("asciiTheme", "hAnsiTheme", "eastAsiaTheme", "cstheme"):
        fonts.attrib.pop(qn(f"w:{attribute}"), None)


def _marking_header(section, marking: str) -> None:  # noqa: ANN001
    """The protective marking, centred at the top of every page."""
    paragraph = section.header.paragraphs[0]
    paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
    run = paragraph.add_run(marking)
    run.bold = True
    run.font.size = Pt(9)


def _page_number_footer(section, marking: str) -> None:  # noqa: ANN001
    marking_line = section.footer.paragraphs[0]
    marking_line.alignment = WD_ALIGN_PARAGRAPH.CENTER
    run = marking_line.add_run(marking)
    run.bold = True
    run.font.size = Pt(9)
    paragraph = section.footer.add_paragraph()
    paragraph.alignment = WD_ALIGN_PARAGRAPH.RIGHT

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


def _field(paragraph, instruction: str, cached: str) -> None:  # noqa: ANN001
    """A complex field (w:fldChar begin, instruction, separate, cached result, end)."""
    begin = OxmlElement("w:fldChar")
    begin.set(qn("w:fldCharType"), "begin")
    paragraph.add_run()._r.append(begin)
    code = OxmlElement("w:instrText")
    code.set(qn("xml:space"), "preserve")
    code.text = instruction
    paragraph.add_run()._r.append(code)
    separate = OxmlElement("w:fldChar")
    separate.set(qn("w:fldCharType"), "separate")
    paragraph.add_run()._r.append(separate)
    paragraph.add_run(cached)
    end = OxmlElement("w:fldChar")
    end.set(qn("w:fldCharType"), "end")
    paragraph.add_run()._r.append(end)


def _bookmark(paragraph, name: str, number: int) -> None:  # noqa: ANN001
    """A bookmark around the paragraph's text, for the contents' page references."""
    start = OxmlElement("w:bookmarkStart")
    start.set(qn("w:id"), str(number))
    start.set(qn("w:name"), name)
    end = OxmlElement("w:bookmarkEnd")
    end.set(qn("w:id"), str(number))
    paragraph._p.insert(1 if paragraph._p.pPr is not None else 0, start)
    paragraph._p.append(end)


def _toc_bookmark(index: int) -> str:
    return f"_Toc{index:08d}"


# The page model behind the contents' cached page numbers (centimetres of an A4 page with 2 cm
# margins), measured against LibreOffice's layout of this document.
_PAGE_HEIGHT = 25.2
_LINE = 0.47  # a line of body text
_CHARS_PER_LINE = 95  # of body text across 17 cm
_HEADING = 1.6  # a Heading 1 with the space above it
_AFTER_PARAGRAPH = 0.28
_ROW = 0.66  # a table row of one line, padding included
_ROW_LINE = 0.36  # each further line in a row
_CAPTION = 0.75


def _png_aspect(png: bytes) -> float:
    """Height over width, from the PNG's header."""
    if len(png) < 24:
        return 0.5
    width = int.from_bytes(png[16:20], "big")
    height = int.from_bytes(png[20:24], "big")
    return height / width if width else 0.5


def _table_height(table: Table) -> float:
    shares = table.column_shares or tuple(1 / len(table.columns) for _ in table.columns)
    rows = [table.columns, *table.rows, *([table.total_row] if table.total_row else [])]
    height = _CAPTION + _LINE  # the caption, and the empty paragraph after the table
    for row in rows:
        lines = max(
            1,
            *(
                -(-len(format_cell(value)) // max(1, int(share * 125)))
                for value, share in zip(row, shares, strict=False)
            ),
        )
        height += _ROW + (lines - 1) * _ROW_LINE
    if table.note:
        height += (-(-len(table.note) // 115)) * 0.4
    return height


def estimated_section_pages(document: Document, charts: dict[str, Chart]) -> list[int]:
    """The page each section starts on in the Word layout, estimated (the cover is page 1, the
    contents page 2). Word replaces them when it updates the field on opening; LibreOffice
    shows them as they are until its index is updated."""
    page, used = 3, 0.0
    starts = []

    def place(height: float, *, splits: bool = False) -> None:
        nonlocal page, used
        if used + height <= _PAGE_HEIGHT:
            used += height
            return
        if splits:  # a long table runs on over the page
            height -= _PAGE_HEIGHT - used
            while height > _PAGE_HEIGHT:
                page += 1
                height -= _PAGE_HEIGHT
            page += 1
            used = height
            return
        page += 1
        used = height

    for section in document.sections:
        if section.appendix and used > 0:
            page, used = page + 1, 0.0
        if used + _HEADING + 2 * _LINE > _PAGE_HEIGHT:
            page, used = page + 1, 0.0
        starts.append(page)
        used += _HEADING
        texts = [*section.paragraphs, *paragraphs_of(section.commentary)]
        for text in texts:
            place((-(-len(text) // _CHARS_PER_LINE)) * _LINE + _AFTER_PARAGRAPH)
        for block in section.blocks:
            if isinstance(block, Table):
                place(_table_height(block), splits=True)
            else:
                chart = charts.get(block.chart_key)
                place(16 * _png_aspect(chart.png if chart else b"") + _CAPTION)
    return starts


def _contents_field(word, document: Document, pages: list[int] | None = None) -> None:  # noqa: ANN001
    """The contents as Word writes them: a TOC field over Heading 1 whose result is one line
    per section, each with a PAGEREF field to its heading's bookmark. Word and LibreOffice
    compute the page references when they lay the document out, and the settings' updateFields
    asks Word to rebuild the whole table when the file is opened."""
    section = word.sections[-1]
    usable = section.page_width - section.left_margin - section.right_margin
    lines = []
    for index, entry in enumerate(document.sections):
        line = word.add_paragraph(style="toc 1")
        line.paragraph_format.tab_stops.add_tab_stop(
            usable, WD_TAB_ALIGNMENT.RIGHT, WD_TAB_LEADER.DOTS
        )
        line.add_run(f"{entry.title}\t")
        _field(line, f" PAGEREF {_toc_bookmark(index)} \\h ", str(pages[index]) if pages else "")
        lines.append(line)
    if not lines:
        return
    first, last = lines[0], lines[-1]
    begin = OxmlElement("w:fldChar")
    begin.set(qn("w:fldCharType"), "begin")
    code = OxmlElement("w:instrText")
    code.set(qn("xml:space"), "preserve")
    code.text = ' TOC \\o "1-1" \\h \\z \\u '
    separate = OxmlElement("w:fldChar")
    separate.set(qn("w:fldCharType"), "separate")
    runs = [OxmlElement("w:r") for _ in range(3)]
    for run, element in zip(runs, (begin, code, separate), strict=True):
        run.append(element)
    anchor = first._p.pPr
    for offset, run in enumerate(runs, start=1):
        first._p.insert(list(first._p).index(anchor) + offset, run)
    end = OxmlElement("w:fldChar")
    end.set(qn("w:fldCharType"), "end")
    last.add_run()._r.append(end)
    update = OxmlElement("w:updateFields")
    update.set(qn("w:val"), "true")
    word.settings.element.append(update)


def build_word(
    report: Report,
    *,
    authority: str = DEFAULT_AUTHORITY,
    commentary: Commentary | None = None,
    edition_text: str = "",
):  # noqa: ANN201
    document = build_document(
        report, authority=authority, commentary=commentary, edition_text=edition_text
    )
    charts = report_charts(report, formats=("png",))
    word = new_word_document()
    section = word.sections[0]
    section.orientation = WD_ORIENT.PORTRAIT
    section.page_width, section.page_height = Cm(21), Cm(29.7)
    for side in ("left_margin", "right_margin"):
        setattr(section, side, Cm(2))
    section.top_margin = section.bottom_margin = Cm(2)
    _marking_header(section, document.marking)
    _page_number_footer(section, document.marking)
    normal = word.styles["Normal"]
    _one_font(normal)
    normal.font.size = Pt(10.5)
    for name, size in (
        ("Title", 28),
        ("Heading 1", 15),
        ("Heading 2", 12),
        ("Heading 3", 11),
        ("Caption", 9),
        ("TOC Heading", 15),
    ):
        style = word.styles[name]
        _one_font(style)
        style.font.size = Pt(size)
        style.font.color.rgb = NAVY
    for level in (1, 2):
        name = f"toc {level}"
        if name not in [s.name for s in word.styles]:
            word.styles.add_style(name, WD_STYLE_TYPE.PARAGRAPH).base_style = normal
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
        ("Marking", document.marking),
        *((("Edition", document.edition_text),) if document.edition_text else ()),
    ):
        fact = word.add_paragraph()
        fact.add_run(f"{label}: ").bold = True
        fact.add_run(text)
    word.add_paragraph().add_run().add_break(WD_BREAK.PAGE)

    # Contents: a table of contents field over the headings, with page numbers. Its cached
    # entries list the headings (numbers appear when Word or LibreOffice updates the field,
    # which the document asks for on opening: w:updateFields).
    contents = word.add_paragraph("Contents", style="TOC Heading")
    contents.paragraph_format.keep_with_next = True
    _contents_field(word, document, estimated_section_pages(document, charts))
    word.add_paragraph().add_run().add_break(WD_BREAK.PAGE)

    for index, entry in enumerate(document.sections):
        if entry.appendix:
            word.add_paragraph().add_run().add_break(WD_BREAK.PAGE)
        _bookmark(word.add_heading(entry.title, level=1), _toc_bookmark(index), index)
        for paragraph in entry.paragraphs:
            word.add_paragraph(paragraph)
        if entry.commentary:
            word.add_heading("Commentary", level=2)
            for paragraph in paragraphs_of(entry.commentary):
                word.add_paragraph(paragraph)
        for block in entry.blocks:
            if isinstance(block, Table):
                _add_table(word, document, block)
            else:
                _add_figure(word, document, block, charts[block.chart_key])
    return word


def render_docx(
    report: Report,
    *,
    authority: str = DEFAULT_AUTHORITY,
    commentary: Commentary | None = None,
    edition_text: str = "",
) -> bytes:
    buffer = io.BytesIO()
    build_word(report, authority=authority, commentary=commentary, edition_text=edition_text).save(
        buffer
    )
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
