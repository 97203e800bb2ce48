"""`bundle_export_pseudonymised`: the exchange bundle for analysts, without names.

Written through the ordinary exporter (same files, columns and CSV), each record rewritten on
the way (docs/security.md, "Pseudonymised exports"):

- every id and every reference to it becomes a keyed hash, HMAC-SHA256 with
  `SAFEGUARD_PSEUDONYM_KEY` (by default the installation's own random key, kept in
  `SAFEGUARD_DATA_DIR/pseudonym-key`): the same child has the same pseudonym in every export
  made with the same key, and the references between files still join (a conference's `child_id` is its child's pseudonym);
- conference and meeting ids share one namespace, as the format says, so invitations.csv still
  finds its meeting;
- names of people are removed: children's names go; chairs, allocated workers and the
  organisations named on invitations and escalations become keyed pseudonyms, so that
  workloads can still be counted without naming anyone;
- dates of birth and expected dates of birth are cut to the first of their month;
- free text that may name people (`end_reason`, `out_of_timescale_reason`, an escalation
  step's `note`) and email
  addresses are left blank.

Every column of every file has a decision below; a column without one is left blank, and a test
fails until it is given one.
"""

from __future__ import annotations

import datetime as dt
import enum
import hashlib
import hmac
from pathlib import Path
from typing import Any

from django.conf import settings

from safeguard.accounts.models import User
from safeguard.config.installation import installation_secret

from .exporter import bundle_export
from .records import Mapping


class Treatment(enum.Enum):
    KEEP = "keep"
    PSEUDONYM = "pseudonym"  # a keyed hash in the namespace below
    MONTH = "month"  # a date cut to the first of its month
    BLANK = "blank"


# field (the natural name the records use) -> (treatment, namespace for pseudonyms)
DECISIONS: dict[str, tuple[Treatment, str]] = {
    # identifiers and the references that join the files
    "child_id": (Treatment.PSEUDONYM, "child"),
    "child": (Treatment.PSEUDONYM, "child"),
    "plan_id": (Treatment.PSEUDONYM, "plan"),
    "plan": (Treatment.PSEUDONYM, "plan"),
    "conference_id": (Treatment.PSEUDONYM, "conference"),
    "conference": (Treatment.PSEUDONYM, "conference"),
    "meeting": (Treatment.PSEUDONYM, "conference"),  # one namespace with conference ids
    "escalation_id": (Treatment.PSEUDONYM, "escalation"),
    "check_id": (Treatment.PSEUDONYM, "check"),
    "escalation": (Treatment.PSEUDONYM, "escalation"),  # escalation_steps.csv
    "enquiry_id": (Treatment.PSEUDONYM, "enquiry"),
    "family_id": (Treatment.PSEUDONYM, "family"),  # siblings still share one
    # people and organisations, by name
    "given_name": (Treatment.BLANK, ""),
    "family_name": (Treatment.BLANK, ""),
    "chair": (Treatment.PSEUDONYM, "chair"),
    "raised_by": (Treatment.PSEUDONYM, "chair"),
    "name": (Treatment.PSEUDONYM, "worker"),  # allocations.csv: the allocated worker
    "email": (Treatment.BLANK, ""),
    "organisation_name": (Treatment.PSEUDONYM, "organisation"),
    # free text that may name people
    "end_reason": (Treatment.BLANK, ""),
    "out_of_timescale_reason": (Treatment.BLANK, ""),
    "note": (Treatment.BLANK, ""),  # an escalation step's note
    # dates of birth
    "date_of_birth": (Treatment.MONTH, ""),
    "expected_date_of_birth": (Treatment.MONTH, ""),
    # kept: categories, codes, areas, agency types and the dates the figures count from
    **dict.fromkeys(
        (
            "sex",
            "ethnicity",
            "area",
            "start_on",
            "end_on",
            "initial_category",
            "latest_category",
            "kind",
            "held_on",
            "strategy_discussion_on",
            "transfer_notification_on",
            "outcome",
            "child_attended",
            "advocate_involved",
            "views_shared_via",
            "preparation_session",
            "participation_code",
            "organisation_type",
            "report_requested",
            "report_received",
            "attended",
            "apologies",
            "raised_on",
            "reason",
            "formal",
            "stage",
            "resolved_on",
            "completed_on",
            "core_groups_on_track",
            "visits_on_track",
            "alerted",
            "role",
            "from_on",
            "to_on",
            # version 2
            "disability",
            "status",
            "category",
            "quorate",
            "parents_attended",
            "invited_on",
            "report_due_on",
            "report_received_on",
            "on",
            "year",
            "children",
        ),
        (Treatment.KEEP, ""),
    ),
}
PREFIXES = {
    "child": "C",
    "plan": "P",
    "conference": "M",
    "escalation": "E",
    "check": "K",
    "enquiry": "Q",
    "family": "F",
    "chair": "CHAIR",
    "worker": "WORKER",
    "organisation": "ORG",
}
DIGEST_CHARACTERS = 16  # 64 bits: no collision in any authority's records


def pseudonym_key() -> bytes:
    """`SAFEGUARD_PSEUDONYM_KEY`, or this installation's own key: made at random on first use and
    kept (mode 0600) in the data folder. Never derived from SECRET_KEY, which other things use."""
    configured = getattr(settings, "SAFEGUARD_PSEUDONYM_KEY", "")
    if configured:
        return str(configured).encode("utf-8")
    return installation_secret(Path(settings.DATA_DIR) / "pseudonym-key").encode("utf-8")


class Pseudonymiser:
    """Rewrites records' natural values; one instance per export (it holds the key)."""

    def __init__(self, key: bytes):
        self._key = key

    def pseudonym(self, namespace: str, value: str) -> str:
        digest = hmac.new(self._key, f"{namespace}\x1f{value}".encode(), hashlib.sha256).hexdigest()
        return f"{PREFIXES[namespace]}-{digest[:DIGEST_CHARACTERS]}"

    def value(self, field: str, value: object) -> object:
        treatment, namespace = DECISIONS.get(field, (Treatment.BLANK, ""))
        if value is None or value == "" or treatment is Treatment.KEEP:
            return value
        if treatment is Treatment.PSEUDONYM:
            return self.pseudonym(namespace, str(value))
        if treatment is Treatment.MONTH:
            day = value if isinstance(value, dt.date) else dt.date.fromisoformat(str(value))
            return day.replace(day=1)
        return ""

    def __call__(self, mapping: Mapping, natural: dict[str, Any]) -> dict[str, Any]:
        return {field: self.value(field, value) for field, value in natural.items()}


def bundle_export_pseudonymised(*, path: Path, by: User | None) -> dict[str, int]:
    """Write the pseudonymised bundle to `path` (a folder, or a .zip). Audited as an export."""
    return bundle_export(
        path=path,
        by=by,
        transform=Pseudonymiser(pseudonym_key()),
        description="Pseudonymised (no names, months of birth, keyed-hash ids)",
    )
