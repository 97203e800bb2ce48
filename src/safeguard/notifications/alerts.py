"""`check_alerts_queue`: after a chair's check with concerns, to the workers allocated to the
child in the roles the chair alerted (safeguard.monitoring.services.monitoring_check_record
queues it with the check; the worker sends it). `alert_retry`: a person's retry of a failed
one."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.urls import reverse

from safeguard.cases.models import Allocation, AllocationRole
from safeguard.monitoring.models import MonitoringCheck

from .emails import AlertContent, Recipient, alert_message
from .models import Notification, NotificationKind
from .outbox import Delivery, deliveries_retry, queue_once
from .tasks import send_alert_after_commit


@dataclass(frozen=True)
class AlertOutcome:
    delivery: Delivery
    recipients: tuple[Recipient, ...]
    missing_roles: tuple[str, ...]  # role labels with nobody allocated who has an email

    @property
    def message(self) -> str:
        """A sentence for the chair who recorded the check."""
        parts = []
        if self.delivery is Delivery.ALREADY_SENT:
            return "The alert for this check was sent before; it was not sent again."
        if self.recipients:
            parts.append(
                "Alert queued for "
                + ", ".join(f"{r.name} ({r.role_label.lower()})" for r in self.recipients)
                + ": the child's page shows when the mail server has accepted it."
            )
        if self.missing_roles:
            parts.append(
                "Nobody with an email address is allocated to the child as "
                + " or ".join(label.lower() for label in self.missing_roles)
                + " on the date of the check, so nobody in that role was alerted: "
                "tell them another way."
            )
        return " ".join(parts)


def allocated_recipients(*, check: MonitoringCheck) -> tuple[list[Recipient], list[str]]:
    """The workers allocated to the check's child, on its date, in the roles the chair alerted,
    who have an email address; and the labels of the alerted roles that have none."""
    labels = dict(AllocationRole.choices)
    day = check.completed_on
    rows = (
        Allocation.objects.filter(
            child_id=check.plan.child_id, role__in=check.roles_alerted, from_on__lte=day
        )
        .exclude(to_on__lt=day)
        .exclude(email="")
        .order_by("role", "name")
    )
    recipients: list[Recipient] = []
    seen: set[str] = set()
    for row in rows:
        if row.email.lower() not in seen:
            seen.add(row.email.lower())
            recipients.append(Recipient(row.role, labels[row.role], row.name, row.email))
    order = {role: index for index, role in enumerate(AllocationRole.values)}
    recipients.sort(key=lambda r: (order[r.role], r.name))
    missing = [labels[r] for r in check.roles_alerted if r not in {x.role for x in recipients}]
    return recipients, missing


def check_alerts_queue(
    *, check: MonitoringCheck, by: Any | None, base_url: str | None = None
) -> AlertOutcome:
    """Queue, in the outbox, the email telling the workers allocated in the alerted roles that
    the chair has concerns after `check`, with a link to the child's page where the concern is
    recorded. Call it in the transaction that saves the check: the worker sends it once that
    commits (one delivery per recipient, retried with backoff; safeguard.notifications.tasks).

    The email carries no case text: the child's id, the check, its date, the chair and a link,
    never the chair's words (which could name siblings, dates of birth or addresses). When
    nobody can be emailed, the alert is recorded as undelivered and the outcome says so."""
    plan = check.plan
    child = plan.child
    base_url = (base_url or settings.SAFEGUARD_BASE_URL).rstrip("/")
    recipients, missing = allocated_recipients(check=check)
    content = AlertContent(
        child_id=child.child_id,
        plan_id=plan.plan_id,
        check_label=check.get_kind_display(),
        completed_on=check.completed_on,
        chair_name=check.chair.name if check.chair else "",
        core_groups_on_track=check.core_groups_on_track,
        visits_on_track=check.visits_on_track,
        link=base_url + reverse("cases:child-detail", kwargs={"child_id": child.child_id}),
    )
    message = alert_message(content=content, recipients=recipients)
    note = ""
    if missing:
        note = f"Nobody with an email allocated as {', '.join(missing).lower()} on {check.completed_on}"
    notification, delivery = queue_once(
        key=f"alert:{check.check_id}",
        kind=NotificationKind.ALERT,
        message=message,
        by=by,
        note=note,
        child_id=child.child_id,
        monitoring_check=check,
    )
    if delivery is Delivery.QUEUED:
        send_alert_after_commit(notification.pk)
    return AlertOutcome(delivery, tuple(recipients), tuple(missing))


def alert_retry(*, notification: Notification, by: Any) -> int:
    """Queue the failed deliveries of `notification` again and have the worker send them once
    this commits; the number queued (0: nothing had failed)."""
    queued = deliveries_retry(notification=notification, by=by)
    if queued:
        send_alert_after_commit(notification.pk)
    return len(queued)
