"""Keeping the audit trail's chain across a restore.

A restore puts back the database as it was at the backup, audit trail included; on its own it
would silently rewind the trail. So before a restore the trail is copied aside (`trail_save`),
and after it (`trail_carry_over`):

- if the restored trail is a prefix of the trail before the restore (the usual case: a backup
  of this installation), the entries written after the backup are appended again exactly as
  they were (same fields, same hashes: they still chain), then a `restore` entry;
- otherwise (a backup from elsewhere, or a trail that had diverged) the entries the restored
  trail lacks are written to a file in the data folder, and the `restore` entry names that file
  and the head of the trail before the restore (its number and hash).

Either way `safeguard audit --verify` passes after the restore, and the trail shows it."""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
from pathlib import Path

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from safeguard.accounts.models import User

from .models import AuditAction, AuditChainHead, AuditEntry
from .services import audit_record

_FIELDS = [
    "at",
    "actor_id",
    "actor_name",
    "action",
    "record_type",
    "record_id",
    "child_id",
    "summary",
    "changes",
    "shown_ids",
    "sequence",
    "previous_hash",
    "entry_hash",
]


def trail_save(path: Path) -> int:
    """Write the whole trail, in chain order, to `path` (one JSON object a line)."""
    count = 0
    with path.open("w", encoding="utf-8") as out:
        rows = AuditEntry.objects.order_by("sequence", "id").values(*_FIELDS)
        for row in rows.iterator(chunk_size=2000):
            row["at"] = row["at"].isoformat()
            out.write(json.dumps(row, ensure_ascii=False) + "\n")
            count += 1
    return count


def _saved(path: Path):
    with path.open(encoding="utf-8") as lines:
        for line in lines:
            row = json.loads(line)
            row["at"] = dt.datetime.fromisoformat(row["at"])
            yield row


@dataclasses.dataclass(frozen=True)
class CarryOver:
    carried: int  # entries appended again after the restore
    set_aside: Path | None  # where the entries not carried over were written, if any


@transaction.atomic
def trail_carry_over(*, saved: Path, by: User | None, description: str) -> CarryOver:
    """After a restore: append what the restored trail lacks (see the module's docstring) and
    record the restore."""
    head = AuditChainHead.objects.select_for_update().filter(pk=1).first()
    restored_sequence, restored_hash = (head.sequence, head.entry_hash) if head else (0, "")
    later, matching, last = [], restored_sequence == 0, None
    for row in _saved(saved):
        last = row
        if row["sequence"] is None:
            continue
        if row["sequence"] == restored_sequence:
            matching = row["entry_hash"] == restored_hash
        elif row["sequence"] > restored_sequence:
            later.append(row)
    before = f"number {last['sequence']}, hash {last['entry_hash']}" if last else "empty"
    if matching:
        users = set(User.objects.values_list("pk", flat=True))
        AuditEntry.objects.bulk_create(
            AuditEntry(**{**row, "actor_id": row["actor_id"] if row["actor_id"] in users else None})
            for row in later
        )
        if later:
            AuditChainHead.objects.update_or_create(
                pk=1,
                defaults={"sequence": later[-1]["sequence"], "entry_hash": later[-1]["entry_hash"]},
            )
        audit_record(
            actor=by,
            action=AuditAction.RESTORE,
            record_type="database",
            summary=(
                f"Restored {description}; the {len(later)} audit entries written after the "
                f"backup were carried over (trail before the restore: {before})"
            ),
        )
        return CarryOver(len(later), None)
    aside = Path(settings.DATA_DIR) / (f"audit-before-restore-{timezone.now():%Y%m%dT%H%M%S}.jsonl")
    aside.write_bytes(saved.read_bytes())
    audit_record(
        actor=by,
        action=AuditAction.RESTORE,
        record_type="database",
        summary=(
            f"Restored {description}. The restored trail is not the start of the trail before "
            f"the restore ({before}); that whole trail was kept in {aside}"
        )[:500],
    )
    return CarryOver(0, aside)
