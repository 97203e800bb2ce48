"""Writing small exchange-format bundles for tests: one list of row dicts per file."""

from __future__ import annotations

import csv
from pathlib import Path

from safeguard.exchange.schema import FILES


def write_bundle(folder: Path, **files: list[dict[str, str]]) -> Path:
    """Write `children=[...]`, `cp_plans=[...]`, ... as CSV files (all columns, blanks where a
    row leaves one out). A file not given is not written."""
    folder.mkdir(parents=True, exist_ok=True)
    for spec in FILES:
        rows = files.get(spec.filename.removesuffix(".csv"))
        if rows is None:
            continue
        with (folder / spec.filename).open("w", newline="", encoding="utf-8") as handle:
            writer = csv.DictWriter(handle, fieldnames=spec.column_names)
            writer.writeheader()
            for row in rows:
                writer.writerow(row)
    return folder


def child(child_id: str, **values: str) -> dict[str, str]:
    return {"child_id": child_id, "date_of_birth": "2015-01-01", **values}


def plan(plan_id: str, child_id: str, start: str, end: str = "", **values: str) -> dict[str, str]:
    return {
        "plan_id": plan_id,
        "child_id": child_id,
        "start_date": start,
        "end_date": end,
        **values,
    }


def conference(
    conference_id: str, child_id: str, kind: str, date: str, **values: str
) -> dict[str, str]:
    return {
        "conference_id": conference_id,
        "child_id": child_id,
        "conference_type": kind,
        "date": date,
        **values,
    }
