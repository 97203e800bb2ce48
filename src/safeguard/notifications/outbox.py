"""The outbox: every email Safeguard sends is recorded as a Notification whose unique key says
what it is about ("digest:2022Q3:<officer>", "alert:<check id>", "reminder:<date>:<chair>"),
with one RecipientDelivery per recipient saying what became of it.

Two ways in:
- `send_once` (digests, reminders: run by a person or a timer at the command line) sends at
  once, in the transaction that records it: a second run finds the row and sends nothing, and
  a sending that fails leaves no row behind (the command says so and a later run sends it).
- `queue_once` (the alerts after a chair's check) records the email as queued, in the
  transaction of what caused it, and the worker (`safeguard worker`, safeguard.notifications
  .tasks) sends it to each recipient with `deliver_queued`. A failure is recorded with the
  mail server's reason and retried after RETRY_AFTER; after the last, it stays failed until a
  person retries it from the Emails sent page (`deliveries_retry`)."""

from __future__ import annotations

import datetime as dt
import smtplib
from dataclasses import dataclass
from enum import StrEnum
from typing import Any

from django.conf import settings
from django.core.mail import EmailMessage, get_connection
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone

from safeguard.accounts.models import User
from safeguard.audit.models import AuditAction
from safeguard.audit.services import audit_record

from .models import (
    QUEUED_TOO_LONG,
    DeliveryStatus,
    Notification,
    NotificationKind,
    RecipientDelivery,
)

RETRY_AFTER = (
    dt.timedelta(minutes=1),
    dt.timedelta(minutes=5),
    dt.timedelta(minutes=15),
    dt.timedelta(minutes=60),
)
"""How long the worker waits before trying a failed email again, after the first, second, third
and fourth failed attempt; after the fifth it stops and the email waits for a person to retry it
(about an hour and a half of a mail server being down)."""


class Delivery(StrEnum):
    WRITTEN = "written"  # a digest written as an .eml file for review; nothing sent
    QUEUED = "queued"  # recorded in the outbox; the worker sends it
    SENT = "sent"
    ALREADY_SENT = "already_sent"  # sent before: not sent again
    UNDELIVERED = "undelivered"  # nobody to send it to; recorded with a note
    FAILED = "failed"  # could not be written or sent (audited); the others still went


def _outbox_audit(
    *,
    by: User | None,
    key: str,
    child_id: str,
    subject: str,
    recipients: list[str],
    note: str,
    sent: bool,
) -> None:
    """The audit entry for an email sent (`sent`) or queued, or that had nobody to go to."""
    if not recipients:
        action, summary = AuditAction.CREATE, f"Could not send '{subject}': {note}"
    elif sent:
        action, summary = AuditAction.SEND, f"Sent '{subject}' to {', '.join(recipients)}"
    else:
        action, summary = AuditAction.CREATE, f"Queued '{subject}' for {', '.join(recipients)}"
    audit_record(
        actor=by,
        action=action,
        record_type="notification",
        record_id=key,
        child_id=child_id,
        summary=summary,
    )


def send_once(
    *,
    key: str,
    kind: NotificationKind,
    message: EmailMessage,
    by: User | None,
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
            RecipientDelivery.objects.filter(notification=notification).delete()
            RecipientDelivery.objects.bulk_create(
                RecipientDelivery(
                    notification=notification,
                    recipient=recipient,
                    status=DeliveryStatus.SENT,
                    at=now,
                    attempts=1,
                )
                for recipient in dict.fromkeys(recipients)
            )
        _outbox_audit(
            by=by,
            key=key,
            child_id=child_id,
            subject=str(message.subject),
            recipients=recipients,
            note=note,
            sent=True,
        )
    return notification, Delivery.SENT if recipients else Delivery.UNDELIVERED


def queue_once(
    *,
    key: str,
    kind: NotificationKind,
    message: EmailMessage,
    by: User | None,
    note: str = "",
    child_id: str = "",
    **links: Any,
) -> tuple[Notification, Delivery]:
    """Record `message` in the outbox, queued for each of its recipients, unless the email
    `key` names was recorded before with recipients (ALREADY_SENT: nothing is queued again;
    one recorded with nobody to send to is queued now that it has somebody). Call it inside the
    transaction that causes the email, then have the worker send it once that commits
    (safeguard.notifications.tasks.send_alert_after_commit).

    A message without recipients is recorded as undelivered, with `note` saying why."""
    recipients = list(dict.fromkeys(message.to))
    with transaction.atomic():
        notification = Notification.objects.select_for_update().filter(key=key).first()
        if notification is not None and (notification.recipients or not recipients):
            return notification, Delivery.ALREADY_SENT
        now = timezone.now()
        values = {
            "kind": kind,
            "subject": message.subject,
            "recipients": recipients,
            "body": message.body,
            "sent_at": None,
            "note": note[:500],
            "child_id": child_id,
            "sent_by": by if getattr(by, "pk", None) else None,
            **links,
        }
        if notification is None:
            notification = Notification.objects.create(key=key, created_at=now, **values)
        else:  # recorded before with nobody to send to: there is somebody now
            for name, value in values.items():
                setattr(notification, name, value)
            notification.save()
        RecipientDelivery.objects.bulk_create(
            RecipientDelivery(notification=notification, recipient=recipient, at=now)
            for recipient in recipients
        )
        _outbox_audit(
            by=by,
            key=key,
            child_id=child_id,
            subject=str(message.subject),
            recipients=recipients,
            note=note,
            sent=False,
        )
    return notification, Delivery.QUEUED if recipients else Delivery.UNDELIVERED


def server_reason(error: BaseException) -> str:
    """The mail server's reason for refusing an email (its code and text), or why it could not
    be reached, in one line."""
    if isinstance(error, smtplib.SMTPRecipientsRefused):
        reasons = [
            f"{address}: {code} {_text(text)}" for address, (code, text) in error.recipients.items()
        ]
        text = "the mail server refused the recipient (" + "; ".join(reasons) + ")"
    elif isinstance(error, smtplib.SMTPResponseException):
        text = f"the mail server answered {error.smtp_code} {_text(error.smtp_error)}"
    elif isinstance(error, ConnectionRefusedError):
        text = (
            f"the mail server at {settings.EMAIL_HOST}:{settings.EMAIL_PORT} refused the "
            "connection (is it down?)"
        )
    elif isinstance(error, TimeoutError):
        text = f"the mail server at {settings.EMAIL_HOST}:{settings.EMAIL_PORT} did not answer"
    else:
        text = f"{type(error).__name__}: {error}"
    return " ".join(text.split())[:500]


def _text(value: bytes | str) -> str:
    return value.decode("utf-8", "replace") if isinstance(value, bytes) else str(value)


@dataclass(frozen=True)
class DeliveryRound:
    """What one run of the worker did with one notification."""

    sent: tuple[str, ...]
    failed: tuple[str, ...]
    retry_at: dt.datetime | None  # when to try the failed ones again; None: no retry planned


def deliver_queued(*, notification_id: int) -> DeliveryRound:
    """Send a queued notification to each of its recipients not yet sent to: one email each, so
    that each recipient's delivery is recorded (sent, or failed with the server's reason).

    Tries the queued deliveries and the failed ones with a retry planned; a delivery that has
    failed 1 + len(RETRY_AFTER) times is left failed, for a person to retry."""
    notification = Notification.objects.filter(pk=notification_id).first()
    if notification is None:
        return DeliveryRound((), (), None)
    pending = list(
        notification.deliveries.filter(
            Q(status=DeliveryStatus.QUEUED)
            | Q(status=DeliveryStatus.FAILED, next_attempt_at__isnull=False)
        )
    )
    sent: list[str] = []
    failed: list[str] = []
    connection = get_connection() if pending else None
    for delivery in pending:
        message = EmailMessage(
            subject=notification.subject,
            body=notification.body,
            from_email=settings.DEFAULT_FROM_EMAIL,
            to=[delivery.recipient],
            connection=connection,
        )
        now = timezone.now()
        delivery.attempts += 1
        try:
            message.send(fail_silently=False)
        except (OSError, smtplib.SMTPException) as error:
            delivery.status = DeliveryStatus.FAILED
            delivery.reason = server_reason(error)
            delivery.next_attempt_at = (
                now + RETRY_AFTER[delivery.attempts - 1]
                if delivery.attempts <= len(RETRY_AFTER)
                else None
            )
            failed.append(delivery.recipient)
            summary = (
                f"Could not send '{notification.subject}' to {delivery.recipient} "
                f"(attempt {delivery.attempts}): {delivery.reason}"
            )
            action = AuditAction.CREATE
            if connection is not None:
                connection.close()  # a refused connection is not reused for the next one
        else:
            delivery.status = DeliveryStatus.SENT
            delivery.reason = ""
            delivery.next_attempt_at = None
            sent.append(delivery.recipient)
            summary = f"Sent '{notification.subject}' to {delivery.recipient}"
            action = AuditAction.SEND
        delivery.at = now
        with transaction.atomic():
            delivery.save()
            audit_record(
                actor=None,
                action=action,
                record_type="notification",
                record_id=notification.key,
                child_id=notification.child_id,
                summary=summary,
            )
    if connection is not None:
        connection.close()
    deliveries = list(notification.deliveries.all())
    if deliveries and all(d.status == DeliveryStatus.SENT for d in deliveries):
        notification.sent_at = max(d.at for d in deliveries)
        notification.save(update_fields=["sent_at"])
    retries = [d.next_attempt_at for d in deliveries if d.next_attempt_at is not None]
    return DeliveryRound(tuple(sent), tuple(failed), min(retries) if retries else None)


def deliveries_retry(*, notification: Notification, by: Any) -> list[RecipientDelivery]:
    """Put the failed deliveries of `notification`, and those queued too long (QUEUED_TOO_LONG),
    back in the queue (a person's retry from the Emails sent page), with their count of attempts
    started afresh; audited. The caller has the worker send them once this commits."""
    now = timezone.now()
    with transaction.atomic():
        failed = list(
            notification.deliveries.select_for_update().filter(
                Q(status=DeliveryStatus.FAILED)
                | Q(status=DeliveryStatus.QUEUED, at__lt=now - QUEUED_TOO_LONG)
            )
        )
        for delivery in failed:
            delivery.status = DeliveryStatus.QUEUED
            delivery.attempts = 0
            delivery.next_attempt_at = None
            delivery.at = now
            delivery.save()
        if failed:
            audit_record(
                actor=by,
                action=AuditAction.CHANGE,
                record_type="notification",
                record_id=notification.key,
                child_id=notification.child_id,
                summary=f"Queued '{notification.subject}' again for "
                f"{', '.join(d.recipient for d in failed)}",
            )
    return failed
