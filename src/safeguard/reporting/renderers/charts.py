"""The report's charts, drawn with matplotlib from the Report (never from the records).

Each chart is a `Chart` (title, alt text, SVG for HTML/PDF, PNG for Word). SVG text has no XML
prolog so it can be inlined in HTML.
"""

from __future__ import annotations

import html
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
# Earlier years are drawn in grey behind the year that matters, with the band of their range
# ("is this month unusual?"): the chart reads the same in greyscale print, which eight similar
# coloured lines did not.
EARLIER = "#b3b3b3"
BAND = "#e3e3e3"
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
    description: str  # the alternative text: what the chart is, its message, its main figures
    svg: str  # empty when not asked for
    png: bytes  # empty when not asked for
    message: str = ""  # one sentence: what the reader should take from the chart


def alt_text(kind: str, message: str, figures: str = "") -> str:
    """A chart's alternative text (PDF, Word, the web page): what it is, then its message and
    the figures that carry it, e.g. "Line chart of children on a plan at each month end,
    October 2019 to September 2022. Children on a plan rose from 357 to 445 in the last year.
    The highest was 445 (September 2022)." Every chart's builder writes one from the report."""
    return " ".join(part.strip().rstrip(".") + "." for part in (kind, message, figures) if part)


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


def _finish(key: str, title: str, description: str, figure: Figure, *, message: str = "") -> Chart:
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
    svg = svg.replace("<svg", f'<svg role="img" aria-label="{html.escape(description)}"', 1)
    return Chart(
        key=key,
        title=title,
        description=description,
        svg=svg,
        png=png_buffer.getvalue(),
        message=message,
    )


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


def _month_text(on) -> str:  # noqa: ANN001
    return f"{on:%B %Y}"


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
    first, final = series[0], series[-1]
    highest = max(series, key=lambda s: (s.count, s.on))
    lowest = min(series, key=lambda s: (s.count, s.on))
    change = final.count - first.count
    movement = (
        f"rose from {first.count:,} to {final.count:,}"
        if change > 0
        else f"fell from {first.count:,} to {final.count:,}"
        if change < 0
        else f"was {final.count:,} at both ends"
    )
    message = f"Children on a plan {movement} between {_month_text(first.on)} and " + _month_text(
        final.on
    )
    return _finish(
        "on_plan",
        title,
        alt_text(
            f"Line chart of children subject to a child protection plan at each month end, "
            f"{_month_text(first.on)} to {_month_text(final.on)}",
            message,
            f"The highest was {highest.count:,} ({_month_text(highest.on)}), the lowest "
            f"{lowest.count:,} ({_month_text(lowest.on)})",
        ),
        figure,
        message=message,
    )


def _highlighted_years(
    axes: Axes,
    names: list[str],
    values: list[list[int | None]],
    month_labels: tuple[str, ...],
) -> list[int]:
    """The latest year in navy over the earlier years in grey and the band of their range, so
    a month outside the band stands out. The months of the latest year outside the band."""
    *earlier, latest = values
    months = range(len(month_labels))
    ranges: dict[int, tuple[int, int]] = {}  # month -> the earlier years' lowest and highest
    for month in months:
        seen = [v for year in earlier if (v := year[month]) is not None]
        if len(seen) >= 2:
            ranges[month] = (min(seen), max(seen))
    banded = sorted(ranges)
    if banded:
        axes.fill_between(banded, [ranges[m][0] for m in banded], [ranges[m][1] for m in banded],
                          color=BAND, linewidth=0, label=f"Range {names[0]} to {names[-2]}")  # fmt: skip
    for year in earlier:
        points = [(m, v) for m, v in zip(months, year, strict=True) if v is not None]
        axes.plot([m for m, _ in points], [v for _, v in points], color=EARLIER, linewidth=0.9)
    if earlier:
        axes.plot([], [], color=EARLIER, linewidth=0.9, label="Each earlier year")
    latest_points = [(m, v) for m, v in zip(months, latest, strict=True) if v is not None]
    axes.plot([m for m, _ in latest_points], [v for _, v in latest_points], color=PALETTE[0],
              linewidth=2.4, marker="o", markersize=3.5, label=names[-1])  # fmt: skip
    unusual = [m for m, v in latest_points if m in ranges and not ranges[m][0] <= v <= ranges[m][1]]
    if unusual:
        axes.plot(unusual, [dict(latest_points)[m] for m in unusual], linestyle="none", marker="o",
                  markersize=8, markerfacecolor="none", markeredgecolor=TEXT,
                  markeredgewidth=1.2, label="Outside the range")  # fmt: skip
    axes.set_xticks(list(months), list(month_labels))
    axes.set_ylim(bottom=0)
    axes.legend(loc="upper left", bbox_to_anchor=(1.0, 1.0), fontsize=8)
    return unusual


def _unusual_text(unusual: list[int], month_names: tuple[str, ...], names: list[str]) -> str:
    if len(names) < 3:
        return ""
    if not unusual:
        return (
            f"Every month of {names[-1]} so far lies within the range of {names[0]} to {names[-2]}"
        )
    months = ", ".join(month_names[m] for m in unusual)
    return f"Months of {names[-1]} outside the range of {names[0]} to {names[-2]}: {months}"


def _years_chart(key: str, title: str, ylabel: str, report: Report, cumulative: bool) -> Chart:
    years = report.conferences_cumulative if cumulative else report.conferences_by_month
    names = [str(year.year) for year in years]
    values: list[list[int | None]] = [list(year.months) for year in years]
    with rc_context(_RC):
        figure, axes = _new_figure(height=3.8)
        unusual = _highlighted_years(axes, names, values, CALENDAR_MONTHS)
        _style_axes(axes, title, "Month", ylabel)
    latest = [(m, v) for m, v in enumerate(values[-1]) if v is not None]
    if cumulative:
        last_month, last_value = latest[-1] if latest else (0, 0)
        earlier = [v for year in values[:-1] if (v := year[last_month]) is not None]
        message = (
            f"By the end of {CALENDAR_MONTH_NAMES_FULL[last_month]} {names[-1]}, "
            f"{last_value:,} conferences had been held in the year"
        )
        if len(earlier) >= 2:
            message += (
                f", against between {min(earlier):,} and {max(earlier):,} by the same month of "
                f"{names[0]} to {names[-2]}"
            )
        extra = ""
    else:
        busiest = max(latest, key=lambda p: p[1]) if latest else (0, 0)
        total = sum(v for _, v in latest)
        message = (
            f"{total:,} conferences were held in {names[-1]} to the end of "
            f"{CALENDAR_MONTH_NAMES_FULL[latest[-1][0]] if latest else 'the period'}; the most in "
            f"a month was {busiest[1]:,} ({CALENDAR_MONTH_NAMES_FULL[busiest[0]]})"
        )
        extra = _unusual_text(unusual, CALENDAR_MONTH_NAMES_FULL, names)
    return _finish(
        key,
        title,
        alt_text(
            f"Line chart of {ylabel.lower()} each month, {names[-1]} highlighted over each "
            f"earlier year since {names[0]} and their range",
            message,
            extra,
        ),
        figure,
        message=message,
    )


CALENDAR_MONTH_NAMES_FULL = (
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
)


FINANCIAL_MONTH_NAMES = CALENDAR_MONTH_NAMES_FULL[3:] + CALENDAR_MONTH_NAMES_FULL[:3]


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
        top = max(counts, default=0)
        # The organisations with the most in navy, the rest in a lighter tone: the point of the
        # chart survives greyscale print.
        colours = [PALETTE[0] if count == top else PALETTE[2] for count in counts]
        bars = axes.barh(names, counts, color=colours, height=0.65)
        axes.bar_label(bars, padding=3, fontsize=8, color=TEXT)
        axes.xaxis.set_major_locator(MaxNLocator(integer=True))
        _style_axes(axes, title, "Escalations", "Organisation")
        axes.grid(True, axis="x", color=GRID, linewidth=0.6)
        axes.grid(False, axis="y")
        if not entries:
            axes.text(0.5, 0.5, "No escalations in the period", transform=axes.transAxes,
                      ha="center", va="center")  # fmt: skip
    total = sum(e.count for e in entries)
    if entries:
        leaders = [e.organisation for e in entries if e.count == entries[0].count]
        message = (
            f"{' and '.join(leaders)} had the most escalations in the period "
            f"({entries[0].count:,} each of {total:,})"
            if len(leaders) > 1
            else f"{leaders[0]} had the most escalations in the period ({entries[0].count:,} of "
            f"{total:,})"
        )
        figures = "; ".join(f"{e.organisation} {e.count:,}" for e in entries[:5])
    else:
        message, figures = "No escalation was raised in the period", ""
    return _finish(
        "escalations_by_organisation",
        title,
        alt_text(
            "Horizontal bar chart of escalations raised in the period by organisation",
            message,
            figures,
        ),
        figure,
        message=message,
    )


def escalations_per_month_chart(report: Report) -> Chart:
    years = report.escalations_by_month
    title = "Escalations raised each month, by financial year"
    names = [fy.name for fy in years]
    values = [[month.count for month in fy.months] for fy in years]
    with rc_context(_RC):
        figure, axes = _new_figure(height=3.6)
        unusual = _highlighted_years(axes, names, values, MONTH_ABBREVIATIONS)
        _style_axes(axes, title, "Month", "Escalations raised")
    latest = years[-1]
    months = [m for m in latest.months if m.count is not None]
    previous = years[-2].total if len(years) > 1 else None
    message = (
        f"{latest.total:,} escalations were raised in {latest.name} to the end of "
        f"{CALENDAR_MONTH_NAMES_FULL[months[-1].month - 1] if months else 'the period'}"
    )
    if previous is not None:
        message += f", against {previous:,} in the whole of {years[-2].name}"
    return _finish(
        "escalations_per_month",
        title,
        alt_text(
            f"Line chart of escalations raised each month, April to March, {latest.name} "
            f"highlighted over each earlier financial year since {years[0].name} and their range",
            message,
            _unusual_text(unusual, FINANCIAL_MONTH_NAMES, names),
        ),
        figure,
        message=message,
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
