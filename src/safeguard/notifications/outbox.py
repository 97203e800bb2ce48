"""Sending once: every email Safeguard sends goes through `send_once`, which records it as a
Notification whose unique key says what it is about ("digest:2022Q3:<officer>",
"alert:<check id>", "reminder:<date>:<chair>"). The row is written in the transaction that sends
the email and writes the audit entry, so a second run finds the row and sends nothing, and a
sending that fails leaves no row behind."""

from __future__ import annotations

from enum import StrEnum
from typing import Any

from django.core.mail import EmailMessage
from django.db import IntegrityError, transaction
from django.utils import timezone

from safeguard.audit.models import AuditAction
from safeguard.audit.services import audit_record

from .models import Notification, NotificationKind


class Delivery(StrEnum):
    WRITTEN = "written"  # a digest written as an .eml file for review; nothing sent
    SENT = "sent"
    ALREADY_SENT = "already_sent"  # sent before: not sent again
    UNDELIVERED = "undelivered"  # nobody to send it to; recorded with a note
    FAILED = "failed"  # could not be written or sent (audited); the others still went


def send_once(
    *,
    key: str,
    kind: NotificationKind,
    message: EmailMessage,
    by: Any | None,
    note: str = "",
    connection: Any | None = None,
    child_id: str = "",
    **links: Any,
) -> tuple[Notification, Delivery]:
    """Send `message` unless the email `key` names was sent before; record and audit it.

    A message without recipients is recorded as undelivered (with `note`), and a later call
    with recipients sends it then."""
    recipients = list(message.to)
    with transaction.atomic():
        notification = Notification.objects.select_for_update().filter(key=key).first()
        if notification is not None and notification.sent_at is not None:
            return notification, Delivery.ALREADY_SENT
        now = timezone.now()
        values = {
            "kind": kind,
            "subject": message.subject,
            "recipients": recipients,
            "body": message.body,
            "sent_at": now if recipients else None,
            "note": note[:500],
            "child_id": child_id,
            "sent_by": by if getattr(by, "pk", None) else None,
            **links,
        }
        if notification is None:
            try:
                with transaction.atomic():
                    notification = Notification.objects.create(key=key, created_at=now, **values)
            except IntegrityError:  # another run recorded it a moment ago
                return Notification.objects.get(key=key), Delivery.ALREADY_SENT
        else:
            for field, value in values.items():
                setattr(notification, field, value)
            notification.save()
        if recipients:
            message.connection = connection
            message.send(fail_silently=False)
        audit_record(
            actor=by,
            action=AuditAction.SEND if recipients else AuditAction.CREATE,
            record_type="notification",
            record_id=key,
            child_id=child_id,
            summary=(
                f"Sent '{message.subject}' to {', '.join(recipients)}"
                if recipients
                else f"Could not send '{message.subject}': {note}"
            ),
        )
    return notification, Delivery.SENT if recipients else Delivery.UNDELIVERED
