"""Reading the audit trail: for the audit pages (managers and auditors) and `safeguard audit`."""

from __future__ import annotations

import datetime as dt
import unicodedata

from django.db.models import Q, QuerySet
from django.utils import timezone

from safeguard.cases.models import Child

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
    """Entries, newest first; `child_id`: entries about the child or pages that showed them. `since` and `until` are dates in the service's time zone, both
    included. `username` matches the name recorded at the time (also for failed sign-ins)."""
    entries = AuditEntry.objects.select_related("actor")
    if child_id:
        child_id = _child_id_as_held(child_id)
        entries = entries.filter(
            Q(child_id__iexact=child_id)
            | Q(shown_ids__iexact=child_id)
            | Q(shown_ids__istartswith=f"{child_id} ")
            | Q(shown_ids__iendswith=f" {child_id}")
            | Q(shown_ids__icontains=f" {child_id} ")
        )
    if username:
        entries = entries.filter(actor_name=username)
    if user_id is not None:
        entries = entries.filter(actor_id=user_id)
    if since is not None:
        entries = entries.filter(at__gte=_start_of(since))
    if until is not None:
        entries = entries.filter(at__lt=_start_of(until + dt.timedelta(days=1)))
    return entries.order_by("-at", "-id")


def _child_id_as_held(typed: str) -> str:
    """The child's id as the records hold it, however it was typed: the trail records ids as
    held, and no two children's ids differ only in case (a child no longer held: as typed)."""
    typed = typed.strip()
    held = Child.objects.filter(child_id__iexact=typed).values_list("child_id", flat=True)
    return held.order_by("child_id").first() or typed


_ESCAPES = {"\\": "\\\\", "\n": "\\n", "\r": "\\r", "\t": "\\t"}


def escaped(value: object) -> str:
    """`value` as text that cannot break a line or drive a terminal: backslashes, line breaks,
    tabs, escape codes and every other control or format character are written as Python
    escapes (a newline as \\n, ESC as \\x1b); other characters, accented ones included, stay."""
    out = []
    for ch in str(value):
        if ch in _ESCAPES:
            out.append(_ESCAPES[ch])
        elif unicodedata.category(ch) in ("Cc", "Cf", "Cs", "Co", "Cn", "Zl", "Zp"):
            code = ord(ch)
            if code < 0x100:
                out.append(f"\\x{code:02x}")
            else:
                out.append(f"\\u{code:04x}" if code < 0x10000 else f"\\U{code:08x}")
        else:
            out.append(ch)
    return "".join(out)


def audit_entry_line(entry: AuditEntry) -> str:
    """One line of `safeguard audit` output; every field escaped (`escaped`), so what somebody
    typed (a username at sign-in, say) can neither forge a line nor send escape codes."""
    at = timezone.localtime(entry.at).strftime("%Y-%m-%d %H:%M:%S")
    record = escaped(f"{entry.record_type} {entry.record_id}".strip())
    child = f" child={escaped(entry.child_id)}" if entry.child_id else ""
    shown = f" shown={escaped(entry.shown_ids)}" if entry.shown_ids else ""
    changes = ""
    if entry.changes:
        changes = " " + "; ".join(
            f"{escaped(k)}: {escaped(repr(v[0]))} -> {escaped(repr(v[1]))}"
            for k, v in entry.changes.items()
        )
    return (
        f"{at} {escaped(entry.actor_name)} {escaped(entry.action)} {record}{child}{shown} "
        f"{escaped(entry.summary)}{changes}"
    )
