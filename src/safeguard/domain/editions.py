"""What an issued edition of the report says beside what the records say now, and the manager's
commentary that an edition carries. Plain Python: the figures are the contract's JSON."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any

# Parts of the JSON that are not figures: the generated sentences follow the figures (a changed
# figure already says the sentence changed) and the appendix lists records, not figures.
NOT_FIGURES = frozenset({"narrative"})


@dataclass(frozen=True)
class FigureChange:
    path: str  # "timeliness.period.compliance_percent", "late_conferences[3].days_late"
    old: Any
    new: Any

    def __str__(self) -> str:
        return f"{self.path}: {_shown(self.old)} -> {_shown(self.new)}"


def _shown(value: Any) -> str:
    if value is None:
        return "none"
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, dict | list):
        return "(absent)" if not value else "(present)"
    return str(value)


def flattened(figures: Any, prefix: str = "") -> Iterator[tuple[str, Any]]:
    """Every leaf of the JSON with its path: `a.b`, `a[0].c`."""
    if isinstance(figures, Mapping):
        for key, value in figures.items():
            if not prefix and key in NOT_FIGURES:
                continue
            yield from flattened(value, f"{prefix}.{key}" if prefix else str(key))
    elif isinstance(figures, list):
        for index, value in enumerate(figures):
            yield from flattened(value, f"{prefix}[{index}]")
    else:
        yield prefix, figures


def figure_changes(issued: Mapping[str, Any], now: Mapping[str, Any]) -> tuple[FigureChange, ...]:
    """Each figure that `now` gives differently from `issued`, in the order of the issued JSON
    (figures only `now` has follow, as new from none)."""
    before = dict(flattened(issued))
    after = dict(flattened(now))
    changes = [
        FigureChange(path, value, after.get(path))
        for path, value in before.items()
        if after.get(path) != value
    ]
    changes += [
        FigureChange(path, None, value) for path, value in after.items() if path not in before
    ]
    return tuple(changes)


def figure_at(figures: Mapping[str, Any], path: str) -> Any:
    """The figure at `path` (as `flattened` writes it), or None when the JSON has none there."""
    return dict(flattened(figures)).get(path)


@dataclass(frozen=True)
class Priority:
    text: str
    figure: str = ""  # a figure's path in the JSON, e.g. "timeliness.period.compliance_percent"


@dataclass(frozen=True)
class PriorityReview:
    """One priority of the previous edition, looked back on: what we said, what we did (the
    manager's words), and what changed (the linked figure then and now)."""

    said: str
    did: str
    figure: str
    figure_then: Any
    figure_now: Any

    @property
    def changed(self) -> str:
        if not self.figure:
            return "No figure was linked to this priority."
        if self.figure_then is None and self.figure_now is None:
            return f"The report gives no figure at {self.figure}."
        unit = "%" if self.figure.endswith("percent") else ""
        then = _shown(self.figure_then) + (unit if self.figure_then is not None else "")
        now = _shown(self.figure_now) + (unit if self.figure_now is not None else "")
        if self.figure_then == self.figure_now:
            return f"{self.figure}: {now}, unchanged since the last report."
        return f"{self.figure}: {then} in the last report, {now} in this one."


@dataclass(frozen=True)
class Commentary:
    """The manager's words in a report: shown in HTML, PDF and Word (and kept with an edition)."""

    executive_summary: str = ""
    sections: Mapping[str, str] = field(default_factory=dict)
    priorities: tuple[Priority, ...] = ()
    reviews: tuple[PriorityReview, ...] = ()
    previous_edition: str = ""

    def section(self, key: str) -> str:
        return self.sections.get(key, "")

    @property
    def empty(self) -> bool:
        return not (
            self.executive_summary.strip()
            or any(text.strip() for text in self.sections.values())
            or self.priorities
            or self.reviews
        )


def priority_reviews(
    previous_priorities: list[Mapping[str, str]],
    progress: Mapping[str, str],
    previous_figures: Mapping[str, Any],
    figures_now: Mapping[str, Any],
) -> tuple[PriorityReview, ...]:
    """The previous edition's priorities, each with what was done (`progress`, keyed by the
    priority's number from 1) and its linked figure then and now."""
    return tuple(
        PriorityReview(
            said=priority.get("text", ""),
            did=progress.get(str(number), ""),
            figure=priority.get("figure", ""),
            figure_then=figure_at(previous_figures, priority["figure"])
            if priority.get("figure")
            else None,
            figure_now=figure_at(figures_now, priority["figure"])
            if priority.get("figure")
            else None,
        )
        for number, priority in enumerate(previous_priorities, start=1)
    )
