"""The audit trail's hash chain: each entry holds SHA-256 over its own fields and the hash of the
entry before it, so an entry changed or deleted behind the application's back (raw SQL, the
database's own tools) breaks the chain from that entry on; `safeguard audit --verify` finds the
first break.

What an entry's hash covers (the canonical serialisation, JSON with sorted keys, no spaces,
UTF-8): sequence, at (UTC, microseconds), actor_name, action, record_type, record_id, child_id,
summary, changes, shown_ids and previous_hash. The link to the user account (actor_id) is not
covered: actor_name is the name recorded at the time, and an entry copied across a restore may
name an account the restored database lacks.

Writers are serialised by locking the one-row chain head (SELECT ... FOR UPDATE on PostgreSQL;
SQLite's BEGIN IMMEDIATE takes the database's write lock), so two never chain to the same
predecessor."""

from __future__ import annotations

import dataclasses
import datetime as dt
import hashlib
import json
from typing import Any

from django.db import models

HASHED_FIELDS = (
    "sequence",
    "at",
    "actor_name",
    "action",
    "record_type",
    "record_id",
    "child_id",
    "summary",
    "changes",
    "shown_ids",
    "previous_hash",
)


def _at(value: dt.datetime | str) -> str:
    if isinstance(value, str):
        value = dt.datetime.fromisoformat(value)
    return value.astimezone(dt.UTC).isoformat(timespec="microseconds")


def canonical(fields: dict[str, Any]) -> bytes:
    """The bytes an entry's hash is taken over."""
    values = {name: fields[name] for name in HASHED_FIELDS}
    values["at"] = _at(values["at"])
    return json.dumps(values, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode()


def fields_of(entry: models.Model) -> dict[str, Any]:
    """The hashed fields of an entry (a model instance, also a migration's historical one)."""
    return {name: getattr(entry, name) for name in HASHED_FIELDS}


def hash_of(fields: dict[str, Any]) -> str:
    return hashlib.sha256(canonical(fields)).hexdigest()


@dataclasses.dataclass(frozen=True)
class ChainBreak:
    entry_id: int | None
    sequence: int | None
    at: dt.datetime | None
    why: str

    def describe(self) -> str:
        if self.entry_id is None:
            return self.why
        at = self.at.isoformat(timespec="seconds") if self.at else "an unknown time"
        return f"entry {self.entry_id} (number {self.sequence} in the chain, at {at}): {self.why}"


@dataclasses.dataclass(frozen=True)
class ChainReport:
    checked: int
    first_break: ChainBreak | None

    @property
    def intact(self) -> bool:
        return self.first_break is None


def _why_broken(entry: Any, expected_sequence: int, previous_hash: str) -> str:
    if entry.sequence is None:
        return "it is not in the chain (written outside the application)"
    if entry.sequence > expected_sequence:
        return f"entries number {expected_sequence} to {entry.sequence - 1} before it are missing"
    if entry.sequence < expected_sequence:
        return "its number repeats an earlier entry's"
    if entry.previous_hash != previous_hash:
        return "it does not follow from the entry before it (that one was altered)"
    if hash_of(fields_of(entry)) != entry.entry_hash:
        return "its contents were altered after it was written"
    return ""


def chain_verify(entries, head: tuple[int, str] | None) -> ChainReport:
    """Walk `entries` (in chain order) and report the first one that does not hold; `head` is
    the recorded (sequence, hash) of the last entry, to notice entries deleted from the end."""
    previous_hash, expected_sequence, checked = "", 1, 0
    for entry in entries:
        checked += 1
        why = _why_broken(entry, expected_sequence, previous_hash)
        if why:
            return ChainReport(checked, ChainBreak(entry.pk, entry.sequence, entry.at, why))
        previous_hash, expected_sequence = entry.entry_hash, expected_sequence + 1
    last = (expected_sequence - 1, previous_hash)
    if head is not None and head[0] > last[0]:
        why = (
            f"the chain ends at entry number {last[0]} but {head[0]} were written: "
            "entries were deleted from the end of the trail"
        )
        return ChainReport(checked, ChainBreak(None, None, None, why))
    if head is not None and head[0] == last[0] and head[1] != last[1]:
        why = "the last entry does not match the recorded head of the chain"
        return ChainReport(checked, ChainBreak(None, None, None, why))
    return ChainReport(checked, None)
