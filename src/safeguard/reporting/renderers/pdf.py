"""The report as an A4 PDF, typeset by WeasyPrint from the standalone HTML.

The cover, contents (page numbers by target-counter), "Page N of M" footers, repeated table
headers and unsplit rows all come from the print stylesheet (templates/reporting/report.css).
"""

from __future__ import annotations

from safeguard.domain.editions import Commentary
from safeguard.domain.figures import Report
from safeguard.reporting.renderers.charts import report_charts
from safeguard.reporting.renderers.document import DEFAULT_AUTHORITY, build_document
from safeguard.reporting.renderers.html import render_document_html


def render_pdf(
    report: Report,
    *,
    authority: str = DEFAULT_AUTHORITY,
    commentary: Commentary | None = None,
    edition_text: str = "",
) -> bytes:
    from weasyprint import HTML  # imported here: slow to import, and only the PDF needs it

    document = build_document(
        report, authority=authority, commentary=commentary, edition_text=edition_text
    )
    html = render_document_html(
        document, report_charts(report, formats=("svg",)), charts_as_images=True
    )
    # A tagged PDF: headings, tables, lists and each chart's alternative text reach a screen
    # reader (Public Sector Bodies Accessibility Regulations 2018). WeasyPrint's "pdf/ua-1"
    # variant adds little a reader uses (the tags are the same) and doubled the typesetting time
    # (about 4 seconds more for the seed report), so the tags alone are written.
    return HTML(string=html, base_url=None).write_pdf(
        pdf_identifier=b"safeguard-cp-report",
        custom_metadata=False,
        pdf_tags=True,
    )
