"""The report's charts, drawn with matplotlib from the Report (never from the records).

Each chart is a `Chart` (title, alt text, SVG for HTML/PDF, PNG for Word). SVG text has no XML
prolog so it can be inlined in HTML.
"""

from __future__ import annotations

import io
import json
import re
import threading
from collections import OrderedDict
from collections.abc import Iterable
from contextvars import ContextVar
from dataclasses import dataclass
from typing import Any

# pyplot is not imported: it loads every backend's machinery (half a second) and the charts
# are drawn on Figure objects, which save as SVG or PNG without it.
from matplotlib import rc_context
from matplotlib.axes import Axes
from matplotlib.figure import Figure
from matplotlib.ticker import MaxNLocator
from matplotlib.typing import RcKeyType

from safeguard.domain.figures import MONTH_ABBREVIATIONS, Report
from safeguard.domain.narrative import (
    age_band_summary,
    chair_summary,
    escalation_change_summary,
    plan_length_summary,
)
from safeguard.domain.report_json import report_to_json
from safeguard.domain.vocabulary import AGE_BANDS, NOT_RECORDED, PLAN_LENGTHS

# A restrained palette: navy first, then muted tones that stay distinct in greyscale print.
PALETTE = (
    "#1f3b63",
    "#4f7cac",
    "#8a9bb0",
    "#c9a227",
    "#6b8e6b",
    "#a05a4f",
    "#7d6b91",
    "#2e8a8a",
)
TEXT = "#222222"
GRID = "#d9d9d9"
CALENDAR_MONTHS = (
    "Jan",
    "Feb",
    "Mar",
    "Apr",
    "May",
    "Jun",
    "Jul",
    "Aug",
    "Sep",
    "Oct",
    "Nov",
    "Dec",
)

_RC: dict[RcKeyType, Any] = {
    "font.family": "DejaVu Sans",
    "font.size": 9,
    "axes.edgecolor": "#888888",
    "axes.labelcolor": TEXT,
    "axes.titlesize": 11,
    "axes.titleweight": "bold",
    "axes.titlecolor": TEXT,
    "axes.spines.top": False,
    "axes.spines.right": False,
    "axes.grid": True,
    "grid.color": GRID,
    "grid.linewidth": 0.6,
    "xtick.color": TEXT,
    "ytick.color": TEXT,
    "legend.frameon": False,
    "svg.fonttype": "none",  # text stays text in the SVG: searchable, selectable, crisp
    "svg.hashsalt": "safeguard",  # stable element ids, so renders are reproducible
}


@dataclass(frozen=True)
class Chart:
    key: str
    title: str
    description: str  # alt text
    svg: str  # empty when not asked for
    png: bytes  # empty when not asked for


def _new_figure(width: float = 7.0, height: float = 3.4) -> tuple[Figure, Axes]:
    with rc_context(_RC):
        figure = Figure(figsize=(width, height), layout="constrained")
        axes = figure.add_subplot()
    return figure, axes


_PROLOG = re.compile(r"^.*?(?=<svg)", re.DOTALL)
_GROUP_ID = re.compile(r'<g id="[^"]*">')


_FORMATS: ContextVar[frozenset[str]] = ContextVar(
    "chart_formats", default=frozenset({"svg", "png"})
)


def _finish(key: str, title: str, description: str, figure: Figure) -> Chart:
    formats = _FORMATS.get()
    svg_buffer = io.StringIO()
    png_buffer = io.BytesIO()
    with rc_context(_RC):
        if "svg" in formats:
            figure.savefig(svg_buffer, format="svg", metadata={"Date": None})
        if "png" in formats:
            figure.savefig(png_buffer, format="png", dpi=150)
    svg = _PROLOG.sub("", svg_buffer.getvalue(), count=1)
    # matplotlib names its groups figure_1, axes_1, ... in every chart: nothing refers to them,
    # and repeated on one page they are duplicate ids.
    svg = _GROUP_ID.sub("<g>", svg)
    # Let the SVG scale to its container in HTML and PDF.
    svg = re.sub(r'<svg([^>]*?) width="[^"]+" height="[^"]+"', r"<svg\1", svg, count=1)
    svg = svg.replace("<svg", f'<svg role="img" aria-label="{description}"', 1)
    return Chart(key=key, title=title, description=description, svg=svg, png=png_buffer.getvalue())


def _style_axes(axes: Axes, title: str, xlabel: str, ylabel: str) -> None:
    with rc_context(_RC):
        axes.set_title(title, loc="left", fontsize=11, fontweight="bold", color=TEXT)
        axes.set_xlabel(xlabel)
        axes.set_ylabel(ylabel)
        axes.yaxis.set_major_locator(MaxNLocator(integer=True))
        axes.set_axisbelow(True)
        for side in ("top", "right"):
            axes.spines[side].set_visible(False)
        axes.grid(True, axis="y", color=GRID, linewidth=0.6)
        axes.grid(False, axis="x")


def on_plan_chart(report: Report) -> Chart:
    series = report.cp_population.month_end_series
    title = "Children subject to a CP plan at each month end"
    with rc_context(_RC):
        figure, axes = _new_figure()
        x = list(range(len(series)))
        axes.plot(x, [s.count for s in series], color=PALETTE[0], linewidth=2, marker="o",
                  markersize=2.5)  # fmt: skip
        ticks = [i for i, s in enumerate(series) if s.on.month in (3, 9) or i == len(series) - 1]
        axes.set_xticks(ticks, [series[i].on.strftime("%b %y") for i in ticks])
        axes.set_ylim(bottom=0)
        last = series[-1]
        axes.annotate(f"{last.count:,}", (x[-1], last.count), textcoords="offset points",
                      xytext=(0, 6), ha="center", color=PALETTE[0], fontweight="bold")  # fmt: skip
        _style_axes(axes, title, "Month end", "Children on a plan")
    first, final = series[0].on, series[-1].on
    return _finish(
        "on_plan",
        title,
        f"Line chart of children subject to a child protection plan at each month end from "
        f"{first:%B %Y} to {final:%B %Y}",
        figure,
    )


def _years_chart(key: str, title: str, ylabel: str, report: Report, cumulative: bool) -> Chart:
    years = report.conferences_cumulative if cumulative else report.conferences_by_month
    with rc_context(_RC):
        figure, axes = _new_figure(height=3.8)
        for index, year in enumerate(years):
            points = [(m, v) for m, v in enumerate(year.months) if v is not None]
            latest = index == len(years) - 1
            axes.plot(
                [m for m, _ in points],
                [v for _, v in points],
                label=str(year.year),
                color=PALETTE[index % len(PALETTE)],
                linewidth=2.4 if latest else 1.3,
                marker="o" if latest else None,
                markersize=3,
            )
        axes.set_xticks(range(12), CALENDAR_MONTHS)
        axes.set_ylim(bottom=0)
        axes.legend(ncols=1, loc="center left", bbox_to_anchor=(1.0, 0.5), title="Year",
                    fontsize=8)  # fmt: skip
        _style_axes(axes, title, "Month", ylabel)
    return _finish(
        key,
        title,
        f"Line chart, one line per year {years[0].year} to {years[-1].year}: {ylabel.lower()}",
        figure,
    )


def conferences_per_month_chart(report: Report) -> Chart:
    return _years_chart(
        "conferences_per_month",
        "CP conferences held each month",
        "Conferences held",
        report,
        cumulative=False,
    )


def conferences_cumulative_chart(report: Report) -> Chart:
    return _years_chart(
        "conferences_cumulative",
        "Cumulative CP conferences in each year",
        "Conferences held in the year so far",
        report,
        cumulative=True,
    )


def escalations_by_organisation_chart(report: Report) -> Chart:
    entries = report.escalations_by_organisation
    title = "Escalations raised in the period, by organisation"
    height = max(2.2, 0.32 * len(entries) + 1.1)
    with rc_context(_RC):
        figure, axes = _new_figure(height=height)
        names = [e.organisation for e in reversed(entries)]
        counts = [e.count for e in reversed(entries)]
        bars = axes.barh(names, counts, color=PALETTE[1], height=0.65)
        axes.bar_label(bars, padding=3, fontsize=8, color=TEXT)
        axes.xaxis.set_major_locator(MaxNLocator(integer=True))
        _style_axes(axes, title, "Escalations", "Organisation")
        axes.grid(True, axis="x", color=GRID, linewidth=0.6)
        axes.grid(False, axis="y")
        if not entries:
            axes.text(0.5, 0.5, "No escalations in the period", transform=axes.transAxes,
                      ha="center", va="center")  # fmt: skip
    return _finish(
        "escalations_by_organisation",
        title,
        "Horizontal bar chart of escalations raised in the period by organisation",
        figure,
    )


def escalations_per_month_chart(report: Report) -> Chart:
    years = report.escalations_by_month
    title = "Escalations raised each month, by financial year"
    with rc_context(_RC):
        figure, axes = _new_figure(height=3.6)
        for index, fy in enumerate(years):
            points = [
                (m, month.count) for m, month in enumerate(fy.months) if month.count is not None
            ]
            latest = index == len(years) - 1
            axes.plot(
                [m for m, _ in points],
                [v for _, v in points],
                label=fy.name,
                color=PALETTE[index % len(PALETTE)],
                linewidth=2.4 if latest else 1.3,
                marker="o" if latest else None,
                markersize=3,
            )
        axes.set_xticks(range(12), MONTH_ABBREVIATIONS)
        axes.set_ylim(bottom=0)
        axes.legend(loc="center left", bbox_to_anchor=(1.0, 0.5), title="Financial year",
                    fontsize=8)  # fmt: skip
        _style_axes(axes, title, "Month", "Escalations raised")
    return _finish(
        "escalations_per_month",
        title,
        f"Line chart of escalations raised each month, April to March, for financial years "
        f"{years[0].name} to {years[-1].name}",
        figure,
    )


def _paired_bars(
    axes: Axes,
    labels: list[str],
    first: tuple[str, list[int]],
    second: tuple[str, list[int]],
    *,
    horizontal: bool = False,
) -> None:
    """Two bars per label: the earlier (or other) series light and hatched, the later solid navy,
    so they stay apart in greyscale print."""
    positions = list(range(len(labels)))
    width = 0.38
    for offset, (name, values), (color, edge, hatch) in (
        (-width / 2, first, ("#c6d2e1", PALETTE[1], "///")),
        (width / 2, second, (PALETTE[0], PALETTE[0], None)),
    ):
        at = [p + offset for p in positions]
        bars = (
            axes.barh(at, values, height=width, label=name, linewidth=0.6, color=color,
                      edgecolor=edge, hatch=hatch)
            if horizontal
            else axes.bar(at, values, width=width, label=name, linewidth=0.6, color=color,
                          edgecolor=edge, hatch=hatch)
        )  # fmt: skip
        axes.bar_label(bars, padding=2, fontsize=7.5, color=TEXT)
    if horizontal:
        axes.set_yticks(positions, labels)
        axes.invert_yaxis()
    else:
        axes.set_xticks(positions, labels)


def age_bands_chart(report: Report) -> Chart:
    additions = report.additions
    assert additions is not None
    population = report.cp_population
    title = "Children on a plan by age band"
    now = additions.population_profile.age_band
    earlier = additions.age_band_year_earlier
    with rc_context(_RC):
        figure, axes = _new_figure(height=3.2)
        _paired_bars(
            axes,
            [AGE_BANDS.label(code) for code, _ in now.entries],
            (population.year_earlier_on.strftime("%d %b %Y"), [earlier[c] for c, _ in now.entries]),
            (population.at_period_end_on.strftime("%d %b %Y"), [n for _, n in now.entries]),
        )
        axes.legend(loc="upper right", fontsize=8)
        _style_axes(axes, title, "Age band", "Children on a plan")
        axes.margins(y=0.12)
    return _finish("age_bands", title, age_band_summary(report), figure)


def plan_lengths_chart(report: Report) -> Chart:
    additions = report.additions
    assert additions is not None
    title = "Plans by length"
    in_force = additions.population_profile.plan_length
    ended = additions.ended_by_length
    with rc_context(_RC):
        figure, axes = _new_figure(height=3.0)
        _paired_bars(
            axes,
            [PLAN_LENGTHS.label(code) for code, _ in in_force.entries],
            ("Ended in the period", [ended[c] for c, _ in in_force.entries]),
            ("In force at the end", [n for _, n in in_force.entries]),
        )
        axes.legend(loc="upper right", fontsize=8)
        _style_axes(axes, title, "Length of plan", "Plans")
        axes.margins(y=0.12)
    return _finish("plan_lengths", title, plan_length_summary(report), figure)


def escalations_change_chart(report: Report) -> Chart:
    additions = report.additions
    assert additions is not None
    title = "Escalations by organisation, two periods"
    previous = dict(additions.escalations_by_organisation_previous_period)
    current = {e.organisation: e.count for e in report.escalations_by_organisation}
    names = sorted(set(previous) | set(current), key=lambda n: (-current.get(n, 0), n))
    with rc_context(_RC):
        figure, axes = _new_figure(height=max(2.4, 0.42 * len(names) + 1.2))
        _paired_bars(
            axes,
            names,
            ("Previous period", [previous.get(n, 0) for n in names]),
            ("This period", [current.get(n, 0) for n in names]),
            horizontal=True,
        )
        axes.xaxis.set_major_locator(MaxNLocator(integer=True))
        axes.legend(loc="lower right", fontsize=8)
        _style_axes(axes, title, "Escalations", "")
        axes.grid(True, axis="x", color=GRID, linewidth=0.6)
        axes.grid(False, axis="y")
        axes.margins(x=0.1)
        if not names:
            axes.text(0.5, 0.5, "No escalations in either period", transform=axes.transAxes,
                      ha="center", va="center")  # fmt: skip
    return _finish("escalations_change", title, escalation_change_summary(report), figure)


def chairs_chart(report: Report) -> Chart:
    additions = report.additions
    assert additions is not None
    title = "Conferences held in the period, by chair"
    chairs = additions.chairs
    with rc_context(_RC):
        figure, axes = _new_figure(height=max(2.2, 0.3 * len(chairs) + 1.1))
        names = ["Not recorded" if c.chair == NOT_RECORDED else c.chair for c in chairs]
        bars = axes.barh(names, [c.conferences for c in chairs], color=PALETTE[0], height=0.6)
        axes.bar_label(bars, padding=3, fontsize=8, color=TEXT)
        axes.invert_yaxis()
        axes.xaxis.set_major_locator(MaxNLocator(integer=True))
        _style_axes(axes, title, "Conferences", "")
        axes.grid(True, axis="x", color=GRID, linewidth=0.6)
        axes.grid(False, axis="y")
        axes.margins(x=0.1)
    return _finish("chairs", title, chair_summary(report), figure)


CHART_BUILDERS = (
    on_plan_chart,
    conferences_per_month_chart,
    conferences_cumulative_chart,
    escalations_by_organisation_chart,
    escalations_per_month_chart,
)
# The version 2 figures' charts: drawn when the report has them.
ADDITION_CHART_BUILDERS = (
    age_bands_chart,
    plan_lengths_chart,
    escalations_change_chart,
    chairs_chart,
)


_DRAWN: OrderedDict[tuple[str, frozenset[str]], dict[str, Chart]] = OrderedDict()
_DRAWN_LOCK = threading.Lock()
_DRAWN_KEPT = 16


def report_charts(report: Report, *, formats: Iterable[str] = ("svg", "png")) -> dict[str, Chart]:
    """Every chart of the report, by key, drawn in the formats asked for ("svg", "png").

    Drawing takes seconds and the same report is often asked for again (the report page, then
    its downloads), so the last few sets drawn are kept, keyed by the report's figures."""
    key = (json.dumps(report_to_json(report), sort_keys=True, default=str), frozenset(formats))
    with _DRAWN_LOCK:
        if key in _DRAWN:
            _DRAWN.move_to_end(key)
            return _DRAWN[key]
    token = _FORMATS.set(frozenset(formats))
    try:
        builders = CHART_BUILDERS + (ADDITION_CHART_BUILDERS if report.additions else ())
        charts = {chart.key: chart for chart in (build(report) for build in builders)}
    finally:
        _FORMATS.reset(token)
    with _DRAWN_LOCK:
        _DRAWN[key] = charts
        while len(_DRAWN) > _DRAWN_KEPT:
            _DRAWN.popitem(last=False)
    return charts
