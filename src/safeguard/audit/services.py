"""Writing the audit trail. Every service that reads personal data for a person, or changes a
record, calls `audit_record` inside its own transaction."""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
from collections.abc import Iterable, Mapping
from typing import Any, Protocol

from django.conf import settings
from django.db import models, transaction
from django.db.models import F
from django.utils import timezone

from safeguard.accounts.models import User

from .chain import ChainReport, chain_verify, fields_of, hash_of
from .models import AuditAction, AuditChainHead, AuditEntry
from .privacy import changes_for_trail, value_hash


def _jsonable(value: Any) -> Any:
    if isinstance(value, dt.date | dt.datetime):
        return value.isoformat()
    if isinstance(value, models.Model):
        return str(value)
    return value


def audit_record(
    *,
    actor: User | None,
    action: AuditAction,
    record_type: str = "",
    record_id: str = "",
    child_id: str = "",
    summary: str = "",
    changes: Mapping[str, tuple[object, object]] | None = None,
    actor_name: str | None = None,
    shown_ids: Iterable[str] = (),
) -> AuditEntry:
    """Append one entry. `changes` maps a field to its (old, new) values; the personal values
    of a child are stored as keyed hashes (safeguard.audit.privacy). `shown_ids`: the ids of
    the children a page showed."""
    if actor_name is None:
        actor_name = getattr(actor, "username", "") or "system"
    if actor is not None and getattr(actor, "pk", None) is None:
        actor = None
    values = {k: [_jsonable(o), _jsonable(n)] for k, (o, n) in (changes or {}).items()}
    return audit_append(
        AuditEntry(
            at=timezone.now(),
            actor=actor,
            actor_name=actor_name,
            action=action,
            record_type=record_type,
            record_id=str(record_id),
            child_id=str(child_id),
            summary=summary[:500],
            changes=changes_for_trail(record_type, values, key=audit_hash_key()),
            shown_ids=" ".join(dict.fromkeys(str(i) for i in shown_ids)),
        )
    )


def audit_hash_key() -> bytes:
    """The key of the keyed hashes that stand for children's personal values in the trail:
    SAFEGUARD_AUDIT_HASH_KEY, or else one derived from SECRET_KEY under a label of its own."""
    key = getattr(settings, "SAFEGUARD_AUDIT_HASH_KEY", "")
    if key:
        return key.encode()
    return hmac.new(
        settings.SECRET_KEY.encode(), b"safeguard.audit.value-hash", hashlib.sha256
    ).digest()


@transaction.atomic(savepoint=False)
def audit_append(entry: AuditEntry) -> AuditEntry:
    """Chain `entry` to the last entry of the trail and write it. The chain head is locked for
    the rest of the transaction, so a concurrent writer waits and chains to this entry."""
    head = AuditChainHead.objects.select_for_update().filter(pk=1).first()
    if head is None:  # an emptied database (migrations create the head): start it, race-free
        last = AuditEntry.objects.exclude(sequence=None).order_by("-sequence").first()
        AuditChainHead.objects.bulk_create(
            [
                AuditChainHead(
                    pk=1,
                    sequence=last.sequence if last else 0,
                    entry_hash=last.entry_hash if last else "",
                )
            ],
            ignore_conflicts=True,
        )
        head = AuditChainHead.objects.select_for_update().get(pk=1)
    entry.sequence = head.sequence + 1
    entry.previous_hash = head.entry_hash
    entry.entry_hash = hash_of(fields_of(entry))
    entry.save()
    AuditChainHead.objects.filter(pk=1).update(sequence=entry.sequence, entry_hash=entry.entry_hash)
    return entry


def audit_verify() -> ChainReport:
    """Check the whole chain; the report names the first entry that does not hold."""
    head = AuditChainHead.objects.filter(pk=1).values_list("sequence", "entry_hash").first()
    entries = AuditEntry.objects.order_by(F("sequence").asc(nulls_first=True), "id")
    return chain_verify(entries.iterator(chunk_size=2000), head)


def field_changes(instance: models.Model, new_values: dict[str, Any]) -> dict[str, tuple]:
    """The (old, new) pairs of the fields that `new_values` would change on `instance`."""
    return {
        name: (getattr(instance, name), value)
        for name, value in new_values.items()
        if getattr(instance, name) != value
    }


class _Child(Protocol):
    """A child's record (safeguard.cases.models.Child: the trail does not import the record
    apps)."""

    child_id: str


def audit_child_viewed(
    *, actor: User, child: _Child, summary: str = "Viewed the child's page"
) -> AuditEntry:
    """Record that `actor` opened the page of `child` (call it from every child page view)."""
    return audit_record(
        actor=actor,
        action=AuditAction.VIEW,
        record_type="child",
        record_id=child.child_id,
        child_id=child.child_id,
        summary=summary,
    )


def search_term_for_trail(text: str, *, ids_shown: Iterable[str]) -> str:
    """What the trail keeps of a search: the text typed when it is the id of a child it found,
    otherwise (it may be a name) its keyed hash."""
    text = text.strip()
    if text in set(ids_shown):
        return text
    return value_hash(text, key=audit_hash_key())


def audit_viewed(
    *,
    actor: User,
    record_type: str,
    record_id: str = "",
    child_ids: Iterable[str] = (),
    summary: str,
    search: str | None = None,
) -> AuditEntry:
    """Record that `actor` was shown personal data: a page about one record, or a list or search
    that showed the children `child_ids` (ids only, never names). A search's text is kept as
    `search_term_for_trail` says."""
    ids = [i for i in dict.fromkeys(child_ids) if i]
    changes = None
    if search is not None:
        changes = {"search": (None, search_term_for_trail(search, ids_shown=ids))}
    return audit_record(
        actor=actor,
        action=AuditAction.VIEW,
        record_type=record_type,
        record_id=record_id,
        child_id=ids[0] if len(ids) == 1 else "",
        summary=summary,
        changes=changes,
        shown_ids=ids,
    )
