"""The report as an Excel workbook (openpyxl): one sheet per table, numbers as numbers.

A contents sheet comes first (title, period, counting rule, and each table's caption and sheet),
then every table of the report in order. Dates are real dates shown dd/mm/yyyy; percentages are
numbers (99.45) in a column whose heading says so; the header row is bold and frozen. Text is
written as text, never as a formula (safeguard.spreadsheet_cells).
"""

from __future__ import annotations

import io
import re
from datetime import date
from decimal import Decimal

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter

from safeguard.domain.figures import Report
from safeguard.reporting.renderers.document import (
    DEFAULT_AUTHORITY,
    Cell,
    build_document,
)
from safeguard.spreadsheet_cells import neutralised, neutralised_row

HEADER_FILL = PatternFill("solid", fgColor="1F3B63")
HEADER_FONT = Font(bold=True, color="FFFFFF")
BOLD = Font(bold=True)
_FORBIDDEN = re.compile(r"[\[\]:*?/\\]")


def _sheet_name(key: str, used: set[str]) -> str:
    name = _FORBIDDEN.sub(" ", key)[:31].strip()
    candidate, suffix = name, 2
    while candidate.lower() in used:
        candidate = f"{name[:28]} {suffix}"
        suffix += 1
    used.add(candidate.lower())
    return candidate


def _value(value: Cell) -> object:
    if isinstance(value, Decimal):
        return float(value)
    return neutralised(value)


def _marked(sheet, marking: str) -> None:  # noqa: ANN001
    """The protective marking in the printed sheet's header and footer."""
    for part in (sheet.oddHeader.center, sheet.oddFooter.center):
        part.text = marking
        part.font = "Arial,Bold"


def render_xlsx(report: Report, *, authority: str = DEFAULT_AUTHORITY) -> bytes:
    document = build_document(report, authority=authority)
    workbook = Workbook()
    contents = workbook.active
    contents.title = "Contents"
    contents.append(neutralised_row([f"{document.title}: {document.authority}"]))
    contents["A1"].font = Font(bold=True, size=14)
    contents.append(neutralised_row([document.marking]))
    contents.append(neutralised_row([f"Period: {document.period_text}"]))
    contents.append(neutralised_row([f"Produced: {document.produced_on_text}"]))
    contents.append(neutralised_row([document.count_by_text]))
    contents.append(neutralised_row([f"Escalations: {document.escalations_text}"]))
    contents.append([])
    contents.append(["Table", "Caption", "Sheet"])
    for cell in contents[contents.max_row]:
        cell.font = BOLD
    used = {"contents"}
    for table in document.tables:
        name = _sheet_name(table.key, used)
        number = document.number_of(table)
        contents.append(neutralised_row([number, table.caption, name]))
        contents.cell(row=contents.max_row, column=3).hyperlink = f"#'{name}'!A1"
        sheet = workbook.create_sheet(name)
        columns = [
            f"{column} (%)" if index in table.percent_columns else column
            for index, column in enumerate(table.columns)
        ]
        sheet.append(neutralised_row(columns))
        for cell in sheet[1]:
            cell.font = HEADER_FONT
            cell.fill = HEADER_FILL
            cell.alignment = Alignment(wrap_text=True, vertical="top")
        rows = list(table.rows) + ([table.total_row] if table.total_row else [])
        # Rows counted here: openpyxl's `max_row` looks at every cell, so asking it for each
        # row made a long table (England's late conferences) quadratic.
        for row_number, row in enumerate(rows, start=2):
            sheet.append([_value(v) for v in row])
            for index, value in enumerate(row, start=1):
                cell = sheet.cell(row=row_number, column=index)
                if isinstance(value, date):
                    cell.number_format = "dd/mm/yyyy"
                elif isinstance(value, Decimal):
                    cell.number_format = "0.00"
                elif isinstance(value, int):
                    cell.number_format = "#,##0"
        if table.total_row:
            for cell in sheet[sheet.max_row]:
                cell.font = BOLD
        if table.note:
            sheet.append([])
            sheet.append(neutralised_row([table.note]))
        sheet.freeze_panes = "A2"
        _marked(sheet, document.marking)
        for index, column in enumerate(columns, start=1):
            values = [column, *(str(row[index - 1] or "") for row in rows)]
            width = min(60, max(10, *(len(v) for v in values)) + 2)
            sheet.column_dimensions[get_column_letter(index)].width = width
    _marked(contents, document.marking)
    contents.column_dimensions["A"].width = 8
    contents.column_dimensions["B"].width = 80
    contents.column_dimensions["C"].width = 30
    workbook.properties.title = f"{document.title} {document.period_text}"
    workbook.properties.creator = authority
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
