import datetime as dt

from django.db import models
from django.db.models import Q
from django.utils import timezone

QUEUED_TOO_LONG = dt.timedelta(minutes=10)
"""A delivery still queued this long after it was queued is overdue: the worker sends within
seconds when it runs, so the worker is stopped or could not be given the task. The child's page
warns of it and the Emails sent page offers to retry it."""


class NotificationKind(models.TextChoices):
    DIGEST = "digest", "Escalations digest"
    ALERT = "alert", "Alert after a chair's check"
    REMINDER = "reminder", "Reminder to a chair"


class DeliveryStatus(models.TextChoices):
    QUEUED = "queued", "Queued"
    SENT = "sent", "Sent"
    FAILED = "failed", "Failed"


class Notification(models.Model):
    """One email that Safeguard sent (or tried to send): a digest, an alert or a reminder.

    `key` names what the email is about ("digest:2022Q3:<officer>", "alert:<check id>",
    "reminder:<date>:<chair>"), so the same email is never sent twice. A digest's or reminder's
    row is created in the transaction that sends it (a failed sending leaves no row and can be
    tried again); an alert's is created queued with the check, and `sent_at` is set once the
    mail server has accepted it for every recipient (safeguard.notifications.outbox). An alert
    that found nobody to send to is kept with `sent_at` empty and a note saying why.
    Subjects and bodies never hold a child's name (child ids only)."""

    kind = models.CharField(max_length=10, choices=NotificationKind.choices)
    key = models.CharField(max_length=200, unique=True)
    subject = models.CharField(max_length=300)
    recipients = models.JSONField(default=list, blank=True)
    body = models.TextField()
    created_at = models.DateTimeField()
    sent_at = models.DateTimeField(null=True, blank=True)
    note = models.CharField(max_length=500, blank=True)
    officer = models.ForeignKey(
        "escalations.SeniorLiaisonOfficer",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="notifications",
    )
    chair = models.ForeignKey(
        "conferences.Chair", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    monitoring_check = models.ForeignKey(
        "monitoring.MonitoringCheck",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="notifications",
    )
    child_id = models.CharField(max_length=64, blank=True)
    sent_by = models.ForeignKey(
        "accounts.User", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        db_table = "escalations_notification"  # made in the escalations app (decision 0006)
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(kind__in=NotificationKind.values), name="notification_kind_known"
            ),
        ]
        indexes = [models.Index(fields=["kind", "created_at"])]

    def __str__(self) -> str:
        return self.key

    @property
    def delivered(self) -> bool:
        return self.sent_at is not None

    @property
    def has_failed_delivery(self) -> bool:
        """Whether the email failed for a recipient (read from prefetched deliveries)."""
        return any(d.status == DeliveryStatus.FAILED for d in self.deliveries.all())

    @property
    def retryable(self) -> bool:
        """Whether a person may queue it again: it failed, or stayed queued too long, for a
        recipient."""
        return any(d.status == DeliveryStatus.FAILED or d.overdue for d in self.deliveries.all())


class RecipientDelivery(models.Model):
    """One recipient of a Notification and what became of the email to them: queued (waiting
    for the worker), sent (the mail server accepted it, at `at`) or failed (with the server's
    `reason`; retried by the worker at `next_attempt_at`, or, with none, left for a person to
    retry from the Emails sent page)."""

    notification = models.ForeignKey(
        Notification, on_delete=models.CASCADE, related_name="deliveries"
    )
    recipient = models.CharField(max_length=400)  # 'Name <email>'
    status = models.CharField(
        max_length=6, choices=DeliveryStatus.choices, default=DeliveryStatus.QUEUED
    )
    at = models.DateTimeField()  # when it was queued, sent or last failed
    reason = models.CharField(max_length=500, blank=True)  # the mail server's, when it failed
    attempts = models.PositiveSmallIntegerField(default=0)
    next_attempt_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        db_table = "notifications_delivery"
        ordering = ["pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(status__in=DeliveryStatus.values), name="delivery_status_known"
            ),
            models.UniqueConstraint(
                fields=["notification", "recipient"], name="delivery_one_per_recipient"
            ),
        ]
        indexes = [models.Index(fields=["status", "at"])]

    def __str__(self) -> str:
        return f"{self.notification.key} to {self.recipient}: {self.status}"

    @property
    def overdue(self) -> bool:
        """Still queued QUEUED_TOO_LONG after it was queued (is the worker running?)."""
        return self.status == DeliveryStatus.QUEUED and self.at < timezone.now() - QUEUED_TOO_LONG
