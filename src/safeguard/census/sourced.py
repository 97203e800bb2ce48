"""Records from sources that carry no record ids of their own (the CIN census, Ofsted Annex A).

Such a source names a child by its id, a plan by the child and its start date, and a conference
by the child, its type and its date. `settle` (safeguard.census.settling) turns what it read
into an exchange-format `Bundle` for `bundle_apply`: a record that is already held keeps its id and every field that the
source does not carry (names, area, chair, meeting, participation...); a new record gets an id
derived from the child and the date, so that reading the same file again changes nothing.
Imports no Django, as the census file reader that fills it (safeguard.census.reader) does not."""

from __future__ import annotations

import datetime as dt
import hashlib
from dataclasses import dataclass, field
from typing import Any

from safeguard.domain.identifiers import IDENTIFIER_MAX


@dataclass
class Sourced:
    """What a source said, keyed by natural references, each with the line it was read from.

    Values are keyed by the model field names of schema.py; a field that is absent is one the
    source does not carry, so a record already held keeps its own value."""

    children: dict[str, tuple[int, dict[str, Any]]] = field(default_factory=dict)
    plans: list[tuple[int, dict[str, Any]]] = field(default_factory=list)
    conferences: list[tuple[int, dict[str, Any]]] = field(default_factory=list)


def source_id(prefix: str, child_id: str, what: str, on: dt.date) -> str:
    """A deterministic id, e.g. CIN-<child>-CPP-2023-09-15; hashed when the child id is long."""
    text = f"{prefix}-{child_id}-{what}-{on.isoformat()}"
    if len(text) <= IDENTIFIER_MAX:
        return text
    # Within the id rule's length: the child's part becomes as much of its hash as fits.
    room = IDENTIFIER_MAX - len(f"{prefix}-h-{what}-{on.isoformat()}")
    digest = hashlib.sha256(child_id.encode("utf-8")).hexdigest()[:room]
    return f"{prefix}-h{digest}-{what}-{on.isoformat()}"
