"""What of a change the audit trail may hold in clear (docs/security.md, "Audit trail").

Auditors read the trail and must never see children, and the trail outlives retention; so a
change to a record about a child keeps its field names, ids, codes, statuses and dates, and
stores every other value (names, dates of birth, sex, ethnicity, area, free text) as a keyed
hash: HMAC-SHA256 under a key kept outside the trail. The same value always gives the same
hash, so a change stays provable (by whoever holds the key and the value) but unreadable.

The rule, per record type:
- `child`: every field is hashed except `child_id` and `version`;
- `plan`, `conference`, `monitoring check`, `escalation`: the fields in KEPT_IN_CLEAR are kept,
  every other field (free text such as an end reason or a lateness reason) is hashed;
- any other record type (staff accounts, chairs, reference data, rule sets): kept as it is.
"""

from __future__ import annotations

import hashlib
import hmac
import json

HASH_PREFIX = "hmac-sha256:"
KEY_LABEL = b"safeguard.audit.value-hash"

CHILD_RECORD_KEPT = frozenset({"child_id", "version"})
KEPT_IN_CLEAR = frozenset(
    {
        # ids and links to other records
        "plan_id", "conference_id", "check_id", "escalation_id", "child", "plan", "meeting",
        "chair", "raised_by", "organisation_type", "version",
        # codes and statuses
        "initial_category", "latest_category", "kind", "outcome", "verdict", "verdict_missing",
        "views_shared_via", "participation_code", "reason", "formal", "stage", "days_late",
        "days_late_unit", "child_attended", "advocate_involved", "preparation_session",
        "core_groups_on_track", "visits_on_track", "alerted_social_worker",
        "alerted_practice_supervisor", "alerted_team_manager",
        # dates of the work (not of the child)
        "start_on", "end_on", "held_on", "due_on", "strategy_discussion_on",
        "transfer_notification_on", "completed_on", "raised_on", "resolved_on",
    }
)  # fmt: skip
ABOUT_A_CHILD = frozenset({"plan", "conference", "monitoring check", "escalation"})


def value_hash(value: object, *, key: bytes) -> str:
    """The keyed hash that stands in the trail for a personal value."""
    data = json.dumps(value, sort_keys=True, ensure_ascii=False, default=str).encode()
    return HASH_PREFIX + hmac.new(key, data, hashlib.sha256).hexdigest()


def is_hashed(value: object) -> bool:
    return isinstance(value, str) and value.startswith(HASH_PREFIX)


def field_is_kept(record_type: str, field: str) -> bool:
    """Whether the trail may hold this field's values in clear."""
    if record_type == "child":
        return field in CHILD_RECORD_KEPT
    if record_type in ABOUT_A_CHILD:
        return field in KEPT_IN_CLEAR
    return True


def value_for_trail(record_type: str, field: str, value: object, *, key: bytes) -> object:
    """`value` as the trail stores it: in clear, or (if personal) its keyed hash. No value
    (None or "") stays as it is, so that a field set or cleared is still visible."""
    if value is None or value == "" or is_hashed(value) or field_is_kept(record_type, field):
        return value
    return value_hash(value, key=key)


def changes_for_trail(
    record_type: str, changes: dict[str, list[object]], *, key: bytes
) -> dict[str, list[object]]:
    return {
        field: [value_for_trail(record_type, field, v, key=key) for v in values]
        for field, values in changes.items()
    }
