"""`bundle_export`: write the database as an exchange-format bundle (a folder or a .zip).

Deterministic: rows are ordered by id, columns in the contract's order, and a .zip carries fixed
timestamps, so the same records always give the same bytes. Every cell goes through the safe CSV
writer (safeguard.spreadsheet_cells): text a spreadsheet would run is written with a leading
apostrophe, which import removes again."""

from __future__ import annotations

import datetime as dt
import io
import zipfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

from django.db import transaction

from safeguard.accounts.models import User
from safeguard.audit.models import AuditAction
from safeguard.audit.services import audit_record
from safeguard.spreadsheet_cells import SafeCsvWriter

from .records import MAPPINGS, Mapping, natural_records, sortable_key
from .schema import Cell, Column

ZIP_TIMESTAMP = (1980, 1, 1, 0, 0, 0)


def _cell(column: Column, value: Any) -> str:
    if value is None or value == "" or value == ():
        return ""
    match column.cell:
        case Cell.DATE:
            return value.isoformat() if isinstance(value, dt.date) else str(value)
        case Cell.YES_NO:
            return "yes" if value else "no"
        case Cell.ROLES:
            return ";".join(value)
        case Cell.STAGE:
            return str(value)
    return str(value)


RowTransform = Callable[[Mapping, dict[str, Any]], dict[str, Any]]
"""Rewrites a record's natural values before they are written (the pseudonymised export)."""


def _csv_text(mapping: Mapping, transform: RowTransform | None = None) -> tuple[str, int]:
    records = natural_records(mapping)
    rows = []
    for key in sorted(records, key=sortable_key):
        natural = dict(records[key][1])
        if "has_meeting_id" in natural and not natural.pop("has_meeting_id"):
            natural["meeting"] = ""
        if transform is not None:
            natural = transform(mapping, natural)
        rows.append([_cell(c, natural[c.field]) for c in mapping.spec.columns])
    if transform is not None:
        rows.sort()  # by the values written: the order of the original ids is not kept
    buffer = io.StringIO(newline="")
    writer = SafeCsvWriter(buffer, lineterminator="\r\n")  # text a spreadsheet would run: '=…
    writer.writerow(mapping.spec.column_names)
    writer.writerows(rows)
    return buffer.getvalue(), len(records)


def bundle_export(
    *,
    path: Path,
    by: User | None,
    transform: RowTransform | None = None,
    description: str = "",
) -> dict[str, int]:
    """Write every file of the bundle to `path` (a folder, or a .zip when it ends in .zip).

    `transform`, when given, rewrites each record before it is written, and `description`
    says so in the audit entry. Returns the number of rows written per file."""
    path = Path(path)
    counts: dict[str, int] = {}
    with transaction.atomic():  # one consistent snapshot of every file
        files = {}
        for mapping in MAPPINGS:
            files[mapping.spec.filename], counts[mapping.spec.filename] = _csv_text(
                mapping, transform
            )
        summary = ", ".join(f"{name}: {n} rows" for name, n in counts.items())
        audit_record(
            actor=by,
            action=AuditAction.EXPORT,
            record_type="bundle",
            record_id=path.name,
            summary=f"{description}: {summary}" if description else summary,
        )
    if path.suffix.lower() == ".zip":
        path.parent.mkdir(parents=True, exist_ok=True)
        partial = path.with_name(path.name + ".partial")
        with zipfile.ZipFile(partial, "w", zipfile.ZIP_DEFLATED) as archive:
            for name, text in files.items():
                info = zipfile.ZipInfo(name, date_time=ZIP_TIMESTAMP)
                info.compress_type = zipfile.ZIP_DEFLATED
                info.external_attr = 0o644 << 16
                archive.writestr(info, text.encode("utf-8"))
        partial.replace(path)
    else:
        path.mkdir(parents=True, exist_ok=True)
        for name, text in files.items():
            partial = path / (name + ".partial")
            partial.write_bytes(text.encode("utf-8"))
            partial.replace(path / name)
    return counts
