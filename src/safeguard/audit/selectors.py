"""Reading the audit trail: for the audit pages (managers and auditors) and `safeguard audit`."""

from __future__ import annotations

import datetime as dt

from django.db.models import QuerySet
from django.utils import timezone

from .models import AuditEntry


def _start_of(day: dt.date) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time.min))


def audit_entries(
    *,
    child_id: str | None = None,
    username: str | None = None,
    user_id: int | None = None,
    since: dt.date | None = None,
    until: dt.date | None = None,
) -> QuerySet[AuditEntry]:
    """Entries, newest first. `since` and `until` are dates in the service's time zone, both
    included. `username` matches the name recorded at the time (also for failed sign-ins)."""
    entries = AuditEntry.objects.select_related("actor")
    if child_id:
        entries = entries.filter(child_id=child_id)
    if username:
        entries = entries.filter(actor_name=username)
    if user_id is not None:
        entries = entries.filter(actor_id=user_id)
    if since is not None:
        entries = entries.filter(at__gte=_start_of(since))
    if until is not None:
        entries = entries.filter(at__lt=_start_of(until + dt.timedelta(days=1)))
    return entries.order_by("-at", "-id")


def audit_entry_line(entry: AuditEntry) -> str:
    """One line of `safeguard audit` output."""
    at = timezone.localtime(entry.at).strftime("%Y-%m-%d %H:%M:%S")
    record = f"{entry.record_type} {entry.record_id}".strip()
    child = f" child={entry.child_id}" if entry.child_id else ""
    changes = ""
    if entry.changes:
        changes = " " + "; ".join(f"{k}: {v[0]!r} -> {v[1]!r}" for k, v in entry.changes.items())
    return f"{at} {entry.actor_name} {entry.action} {record}{child} {entry.summary}{changes}"
