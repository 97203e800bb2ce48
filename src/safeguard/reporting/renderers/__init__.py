"""Render the Child Protection Report in every format from one Report object.

render(report, ReportFormat.pdf, authority="Anytown Council") -> bytes
"""

from __future__ import annotations

import json
from enum import StrEnum

from safeguard.domain.editions import Commentary
from safeguard.domain.figures import Report
from safeguard.domain.report_json import report_to_json
from safeguard.reporting.renderers.document import DEFAULT_AUTHORITY


class ReportFormat(StrEnum):
    html = "html"
    pdf = "pdf"
    docx = "docx"
    xlsx = "xlsx"
    json = "json"

    @property
    def media_type(self) -> str:
        return MEDIA_TYPES[self]

    @property
    def extension(self) -> str:
        return self.value


MEDIA_TYPES = {
    ReportFormat.html: "text/html; charset=utf-8",
    ReportFormat.pdf: "application/pdf",
    ReportFormat.docx: "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    ReportFormat.xlsx: "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    ReportFormat.json: "application/json",
}


def render(
    report: Report,
    fmt: ReportFormat | str,
    *,
    authority: str = DEFAULT_AUTHORITY,
    commentary: Commentary | None = None,
    edition_text: str = "",
) -> bytes:
    """The report in the given format, as bytes (HTML and JSON are UTF-8). The manager's
    `commentary` and the `edition_text` appear in the HTML, PDF and Word documents."""
    fmt = ReportFormat(fmt)
    if fmt is ReportFormat.json:
        return json.dumps(report_to_json(report), indent=2, ensure_ascii=False).encode("utf-8")
    if fmt is ReportFormat.html:
        from safeguard.reporting.renderers.html import render_html

        return render_html(
            report, authority=authority, commentary=commentary, edition_text=edition_text
        ).encode("utf-8")
    if fmt is ReportFormat.pdf:
        from safeguard.reporting.renderers.pdf import render_pdf

        return render_pdf(
            report, authority=authority, commentary=commentary, edition_text=edition_text
        )
    if fmt is ReportFormat.docx:
        from safeguard.reporting.renderers.docx import render_docx

        return render_docx(
            report, authority=authority, commentary=commentary, edition_text=edition_text
        )
    from safeguard.reporting.renderers.xlsx import render_xlsx

    return render_xlsx(report, authority=authority)


__all__ = ["DEFAULT_AUTHORITY", "ReportFormat", "render"]
