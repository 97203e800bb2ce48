"""The report as an A4 PDF, typeset by WeasyPrint from the standalone HTML.

The cover, contents (page numbers by target-counter), "Page N of M" footers, repeated table
headers and unsplit rows all come from the print stylesheet (templates/reporting/report.css).
"""

from __future__ import annotations

import ctypes.util
import sys
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

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
    HTML = _weasyprint_html()
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


_IMPORTING = threading.Lock()


def _weasyprint_html() -> Any:
    """WeasyPrint's HTML class. It is imported here, on first use: it is slow to import, and
    only the PDF needs it."""
    with _IMPORTING:
        if "weasyprint" not in sys.modules and sys.platform.startswith("linux"):
            try:
                with _libraries_opened_by_file_name():
                    import weasyprint  # noqa: F401
            except OSError:  # a system whose libraries have other file names: search as usual
                pass
        from weasyprint import HTML
    return HTML


@contextmanager
def _libraries_opened_by_file_name() -> Iterator[None]:
    """While WeasyPrint loads, its C libraries are opened by their file names alone.

    WeasyPrint tries several names for each library (pango, harfbuzz, fontconfig...), the
    Windows-style "libpango-1.0-0" first; cffi looks such a name up with ctypes' find_library,
    which on Linux runs ldconfig, gcc and ld (some fifty processes for the seven libraries: a
    fifth of a second of CPU and a third of a second or more before the PDF can start) only to
    find nothing, before WeasyPrint's later name "libpango-1.0.so.0" opens straight away."""
    search = ctypes.util.find_library
    ctypes.util.find_library = lambda name: None
    try:
        yield
    finally:
        ctypes.util.find_library = search
