"""What an issued edition of the report says beside what the records say now, and the manager's
commentary that an edition carries. Plain Python: the figures are the contract's JSON."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field, replace
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


# ---- the records behind a changed figure ----------------------------------------------------

# The kinds of record each family of figures (the JSON's top-level key) is counted from. Used
# only where a record's change could not be undone to test it: such a record is named under
# each changed figure of a family its kind feeds, as "may have moved it". A kind not listed
# (an import of a whole file, a rule set recomputed) may move any figure.
FEEDS: Mapping[str, frozenset[str]] = {
    "cp_population": frozenset({"plan", "child"}),
    "population_year_earlier": frozenset({"plan", "child", "conference"}),
    "population_profile": frozenset({"plan", "child", "conference"}),
    "population_change": frozenset({"plan", "child"}),
    "rate_per_10000": frozenset({"plan", "child", "conference"}),
    "unborn_initial_conferences": frozenset({"conference", "child", "meeting"}),
    "conferences_by_month": frozenset({"conference", "meeting"}),
    "conferences_cumulative": frozenset({"conference", "meeting"}),
    "timeliness": frozenset({"conference", "meeting", "plan", "enquiry", "child"}),
    "late_conferences": frozenset({"conference", "meeting", "plan", "enquiry", "child"}),
    "initial_conferences": frozenset({"conference", "meeting", "plan"}),
    "enquiries": frozenset({"enquiry", "conference"}),
    "plans": frozenset({"plan", "conference", "child"}),
    "plans_reaching_2_years_within_6_months": frozenset({"plan"}),
    "participation": frozenset({"conference"}),
    "parents_attendance": frozenset({"conference"}),
    "meetings_quoracy": frozenset({"conference", "meeting", "invitation"}),
    "agency_contributions": frozenset({"invitation", "organisation", "conference", "meeting"}),
    "chairs": frozenset({"conference", "meeting"}),
    "monitoring_checks": frozenset({"monitoring check", "plan"}),
    "escalations_by_organisation": frozenset({"escalation"}),
    "escalations_by_organisation_previous_period": frozenset({"escalation"}),
    "escalations_by_reason": frozenset({"escalation"}),
    "escalations_by_month": frozenset({"escalation"}),
    "escalations_total": frozenset({"escalation"}),
    "escalations_resolution": frozenset({"escalation"}),
    "national_comparison": frozenset({"plan", "child", "conference", "meeting"}),
}
RECORD_KINDS = frozenset().union(*FEEDS.values())


def family_of(path: str) -> str:
    """`timeliness.period.held` -> `timeliness`; `late_conferences[3].days_late` ->
    `late_conferences`."""
    return re.split(r"[.\[]", path, maxsplit=1)[0]


def may_feed(record_type: str, path: str) -> bool:
    """Whether a record of this kind may be counted in the figure at `path` (any figure, for a
    kind the families do not name, and for a figure of a family not listed)."""
    if record_type not in RECORD_KINDS:
        return True
    kinds = FEEDS.get(family_of(path))
    return kinds is None or record_type in kinds


@dataclass(frozen=True)
class RecordEntry:
    """One entry of the audit trail about a record: what was done, by whom, when, and the
    fields with their values where the trail keeps them."""

    action: str  # "Changed", "Created", ...
    by: str  # the person's name, or "system"
    at: dt.datetime
    fields: tuple[str, ...]  # "held_on: 2022-04-08 -> 2022-07-04"
    summary: str = ""

    def describe(self, at_text: str) -> str:
        detail = (
            f": {'; '.join(self.fields)}"
            if self.fields
            else (f": {self.summary}" if self.summary else "")
        )
        return f"{self.action.lower()} by {self.by} on {at_text}{detail}"


@dataclass(frozen=True)
class ChangedRecord:
    """A record changed since an edition was issued, with its entries in the trail (oldest
    first). `why_not`: why its change could not be undone to see which figures it moved;
    `kept`: fields changed whose old value the trail does not hold (left as they are now)."""

    record_type: str
    record_id: str
    child_id: str
    entries: tuple[RecordEntry, ...]
    why_not: str = ""
    kept: tuple[str, ...] = ()

    @property
    def name(self) -> str:
        what = f"{self.record_type} {self.record_id}".strip()
        if self.child_id and self.child_id != self.record_id:
            what += f" (child {self.child_id})"
        return what

    def with_why_not(self, why_not: str) -> ChangedRecord:
        return replace(self, why_not=why_not)

    def with_kept(self, kept: Sequence[str]) -> ChangedRecord:
        return replace(self, kept=tuple(kept))


@dataclass(frozen=True)
class FigureAccount:
    """A changed figure and the records behind it: `moved_by`, worked out (each record, put
    back as it was, moves the figure); `may_have_moved`, not worked out (records whose change
    could not be undone, of a kind the figure is counted from)."""

    change: FigureChange
    moved_by: tuple[ChangedRecord, ...] = ()
    may_have_moved: tuple[ChangedRecord, ...] = ()

    @property
    def unexplained(self) -> bool:
        return not self.moved_by and not self.may_have_moved


def figure_accounts(
    changes: Sequence[FigureChange],
    moved: Mapping[str, Sequence[ChangedRecord]],
    not_undone: Sequence[ChangedRecord],
) -> tuple[FigureAccount, ...]:
    """Each changed figure with the records that moved it and those that may have."""
    return tuple(
        FigureAccount(
            change=change,
            moved_by=tuple(moved.get(change.path, ())),
            may_have_moved=tuple(r for r in not_undone if may_feed(r.record_type, change.path)),
        )
        for change in changes
    )


def records_moving_nothing(
    undone: Sequence[ChangedRecord], accounts: Sequence[FigureAccount]
) -> tuple[ChangedRecord, ...]:
    """The records put back and counted again that moved no changed figure."""
    moving = {(r.record_type, r.record_id) for a in accounts for r in a.moved_by}
    return tuple(r for r in undone if (r.record_type, r.record_id) not in moving)


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
