"""Writing the audit trail. Every service that reads personal data for a person, or changes a
record, calls `audit_record` inside its own transaction."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import models
from django.utils import timezone

from .models import AuditAction, AuditEntry


def _jsonable(value: Any) -> Any:
    if isinstance(value, dt.date | dt.datetime):
        return value.isoformat()
    if isinstance(value, models.Model):
        return str(value)
    return value


def audit_record(
    *,
    actor: Any | None,
    action: AuditAction,
    record_type: str = "",
    record_id: str = "",
    child_id: str = "",
    summary: str = "",
    changes: dict[str, tuple[Any, Any]] | None = None,
    actor_name: str | None = None,
) -> AuditEntry:
    """Append one entry. `changes` maps a field to its (old, new) values."""
    if actor_name is None:
        actor_name = getattr(actor, "username", "") or "system"
    if actor is not None and getattr(actor, "pk", None) is None:
        actor = None
    return AuditEntry.objects.create(
        at=timezone.now(),
        actor=actor,
        actor_name=actor_name,
        action=action,
        record_type=record_type,
        record_id=str(record_id),
        child_id=str(child_id),
        summary=summary[:500],
        changes={k: [_jsonable(o), _jsonable(n)] for k, (o, n) in (changes or {}).items()},
    )


def field_changes(instance: models.Model, new_values: dict[str, Any]) -> dict[str, tuple]:
    """The (old, new) pairs of the fields that `new_values` would change on `instance`."""
    return {
        name: (getattr(instance, name), value)
        for name, value in new_values.items()
        if getattr(instance, name) != value
    }


def audit_child_viewed(*, actor: Any, child: Any) -> AuditEntry:
    """Record that `actor` opened the page of `child` (call it from every child page view)."""
    return audit_record(
        actor=actor,
        action=AuditAction.VIEW,
        record_type="child",
        record_id=child.child_id,
        child_id=child.child_id,
        summary="Viewed the child's page",
    )
