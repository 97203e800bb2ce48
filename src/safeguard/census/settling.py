"""`settle`: what a source without record ids said (`Sourced`), turned into an exchange-format
`Bundle` for `bundle_apply`, matched against the records already held (safeguard.census.sourced
says how)."""

from __future__ import annotations

from typing import Any

from safeguard.exchange.reader import Bundle, Problem, Row, check_references
from safeguard.exchange.records import (
    CHILD_MAPPING,
    CONFERENCE_MAPPING,
    PLAN_MAPPING,
    natural_records,
)
from safeguard.exchange.schema import CHILDREN, CONFERENCES, PLANS, Cell, FileSpec

from .sourced import Sourced, source_id

# The exchange format's columns that the sources name their faults by, in their own words.
_ELEMENT_OF_COLUMN = {
    "child_id": "child",
    "date_of_birth": "date of birth",
    "start_date": "plan start date",
    "end_date": "plan end date",
    "date": "conference date",
}


def _blank(spec: FileSpec) -> dict[str, Any]:
    values: dict[str, Any] = {}
    for column in spec.columns:
        if column.cell in (Cell.DATE, Cell.YES_NO, Cell.STAGE):
            values[column.field] = None
        elif column.cell is Cell.ROLES:
            values[column.field] = ()
        else:
            values[column.field] = ""
    return values


def _as_row_values(spec: FileSpec, natural: dict[str, Any]) -> dict[str, Any]:
    """A record held in the database, in the form a bundle row gives it."""
    values = {c.field: natural[c.field] for c in spec.columns}
    if spec is CONFERENCES and not natural.get("has_meeting_id", True):
        values["meeting"] = ""
    return values


def settle(sourced: Sourced, *, prefix: str, source_name: str) -> Bundle:
    """The bundle that brings the database up to what the source says (nothing is removed)."""
    bundle = Bundle()
    held_children = {
        key[0]: natural for key, (_, natural) in natural_records(CHILD_MAPPING).items()
    }
    held_plans = {
        (natural["child"], natural["start_on"]): natural
        for _, natural in natural_records(PLAN_MAPPING).values()
    }
    # A cancelled booking is not the conference a source reports; a booked one is, now held.
    held_conferences = {
        (natural["child"], natural["kind"], natural["held_on"]): natural
        for _, natural in natural_records(CONFERENCE_MAPPING).values()
        if natural["status"] != "cancelled"
    }

    # A new record starts from a copy of its file's empty row, built once.
    blank = _blank(CHILDREN)
    rows: list[Row] = []
    for child_id, (line, said) in sourced.children.items():
        held = held_children.get(child_id)
        values = _as_row_values(CHILDREN, held) if held else blank.copy()
        values.update(said, child_id=child_id)
        rows.append(Row(line, values))
    bundle.rows[CHILDREN.filename] = rows

    blank = _blank(PLANS)
    rows = []
    for line, said in sourced.plans:
        held = held_plans.get((said["child"], said["start_on"]))
        if held:
            values = _as_row_values(PLANS, held)
        else:
            values = blank.copy()
            values["plan_id"] = source_id(prefix, said["child"], "CPP", said["start_on"])
        values.update(said)
        rows.append(Row(line, values))
    bundle.rows[PLANS.filename] = rows

    blank = _blank(CONFERENCES)
    rows = []
    for line, said in sourced.conferences:
        held = held_conferences.get((said["child"], said["kind"], said["held_on"]))
        if held:
            values = _as_row_values(CONFERENCES, held)
            # What the source leaves unsaid (None) never blanks what is recorded.
            said = {k: v for k, v in said.items() if v not in (None, "")}
        else:
            values = blank.copy()
            what = "ICPC" if said["kind"] != "review" else "RCPC"
            values["conference_id"] = source_id(prefix, said["child"], what, said["held_on"])
        values.update(said)
        values["status"] = "held"  # a census or Annex A source records conferences held
        rows.append(Row(line, values))
    bundle.rows[CONFERENCES.filename] = rows
    bundle.present.update({CHILDREN.filename, PLANS.filename, CONFERENCES.filename})

    check_references(bundle)
    bundle.renamed = lambda problem: _in_source_terms(problem, source_name)
    bundle.problems = [_in_source_terms(p, source_name) for p in bundle.problems]
    bundle.problems.sort(key=lambda p: (p.line, p.column, p.reason))
    return bundle


def _in_source_terms(problem: Problem, source_name: str) -> Problem:
    """A cross-record problem found by the exchange-format checks, named by the source file."""
    column = _ELEMENT_OF_COLUMN.get(problem.column, problem.column)
    return Problem(source_name, problem.line, column, problem.reason)
