"""The report as HTML: a standalone document (the download and WeasyPrint's input) and a body
fragment the web app embeds. Templates render through a standalone Django template engine, so
this works with or without Django settings.
"""

from __future__ import annotations

import base64
import re
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

from django.template import Context, Engine
from django.utils.html import format_html

from safeguard.domain.editions import Commentary
from safeguard.domain.figures import Report
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

TEMPLATES = Path(__file__).resolve().parent.parent / "templates"


@cache
def template_engine() -> Engine:
    return Engine(dirs=[str(TEMPLATES)], autoescape=True, debug=False)


def stylesheet() -> str:
    return (TEMPLATES / "reporting" / "report.css").read_text(encoding="utf-8")


@dataclass(frozen=True)
class _Cell:
    text: str
    number: bool


def _cells(row, percent_columns) -> list[_Cell]:  # noqa: ANN001
    return [
        _Cell(format_cell(value, percent=index in percent_columns), is_number(value))
        for index, value in enumerate(row)
    ]


def _css_class(key: str) -> str:
    """The table's key as a class name ("Late conferences" -> "late-conferences")."""
    return re.sub(r"[^a-z0-9]+", "-", key.lower()).strip("-")


def _numeric_column(table: Table, index: int) -> bool:
    """True when the column holds numbers (blanks aside), so its heading aligns with them."""
    values = [row[index] for row in table.rows if row[index] is not None]
    return bool(values) and all(is_number(value) for value in values)


def _chart_image(chart: Chart) -> str:
    """The chart as an image of its SVG, for WeasyPrint: it then reads the chart with its SVG
    reader alone, rather than also styling every element of it as part of the page (about a
    tenth of the PDF's typesetting)."""
    data = base64.b64encode(chart.svg.encode("utf-8")).decode("ascii")
    return format_html(
        '<img class="chart-image" alt="{}" src="data:image/svg+xml;base64,{}">',
        chart.description,
        data,
    )


def _block_view(
    document: Document, block: Table | Figure, charts: dict[str, Chart], charts_as_images: bool
) -> dict[str, Any]:
    number = document.number_of(block)
    if isinstance(block, Table):
        return {
            "is_table": True,
            "number": str(number),
            "css_class": _css_class(block.key),
            "caption": block.caption,
            "columns": [
                {"title": title, "numeric": index > 0 and _numeric_column(block, index)}
                for index, title in enumerate(block.columns)
            ],
            "rows": [_cells(row, block.percent_columns) for row in block.rows],
            "total": _cells(block.total_row, block.percent_columns) if block.total_row else None,
            "note": block.note,
        }
    return {
        "is_table": False,
        "number": str(number),
        "caption": block.caption,
        "chart": (
            _chart_image(charts[block.chart_key])
            if charts_as_images
            else charts[block.chart_key].svg
        ),
    }


def _context(
    document: Document, charts: dict[str, Chart], charts_as_images: bool = False
) -> dict[str, Any]:
    return {
        "title": document.title,
        "authority": document.authority,
        "period_text": document.period_text,
        "produced_on_text": document.produced_on_text,
        "count_by_text": document.count_by_text,
        "escalations_text": document.escalations_text,
        "marking": document.marking,
        "edition_text": document.edition_text,
        "sections": [
            {
                "key": section.key,
                "title": section.title,
                "appendix": section.appendix,
                "paragraphs": section.paragraphs,
                "commentary": paragraphs_of(section.commentary),
                "blocks": [
                    _block_view(document, block, charts, charts_as_images)
                    for block in section.blocks
                ],
            }
            for section in document.sections
        ],
    }


def _render(name: str, context: dict[str, Any]) -> str:
    # No localisation: every value arrives as text, formatted by the renderer.
    return (
        template_engine().get_template(name).render(Context(context, use_l10n=False, use_tz=False))
    )


def render_document_body(document: Document, charts: dict[str, Chart]) -> str:
    return _render("reporting/report_body.html", _context(document, charts))


def render_report_body(
    report: Report, *, authority: str = DEFAULT_AUTHORITY, commentary: Commentary | None = None
) -> str:
    """The report's sections as an HTML fragment, for the web app to embed in its own page."""
    return render_document_body(
        build_document(report, authority=authority, commentary=commentary),
        report_charts(report, formats=("svg",)),
    )


def render_document_html(
    document: Document, charts: dict[str, Chart], *, charts_as_images: bool = False
) -> str:
    """The standalone document; `charts_as_images` embeds each chart as an `<img>` of its SVG
    (for WeasyPrint) instead of inline SVG."""
    context = _context(document, charts, charts_as_images)
    context["body"] = _render("reporting/report_body.html", context)
    context["css"] = stylesheet()
    return _render("reporting/report.html", context)


def render_html(
    report: Report,
    *,
    authority: str = DEFAULT_AUTHORITY,
    commentary: Commentary | None = None,
    edition_text: str = "",
) -> str:
    """The whole report as one standalone HTML document with its print stylesheet."""
    return render_document_html(
        build_document(
            report, authority=authority, commentary=commentary, edition_text=edition_text
        ),
        report_charts(report, formats=("svg",)),
    )
