"""The worker's tasks (django-tasks, database backend; run by `safeguard worker`).

`send_alert` sends a queued notification (an alert after a chair's check) to each recipient
and, when the mail server refused or could not be reached, enqueues itself again to run after
the backoff in safeguard.notifications.outbox.RETRY_AFTER."""

from __future__ import annotations

import logging
from functools import partial

from django.db import transaction
from django_tasks import task

from .outbox import deliver_queued

log = logging.getLogger(__name__)


@task()
def send_alert(notification_id: int) -> dict[str, list[str]]:
    """Send notification `notification_id` to the recipients it has not reached; plan a retry
    of the failed ones."""
    done = deliver_queued(notification_id=notification_id)
    if done.retry_at is not None:
        send_alert.using(run_after=done.retry_at).enqueue(notification_id)
    if done.failed:
        log.warning(
            "notification %s not sent to %d recipient(s); retry at %s",
            notification_id,
            len(done.failed),
            done.retry_at or "a person's request",
        )
    return {"sent": list(done.sent), "failed": list(done.failed)}


def send_alert_after_commit(notification_id: int) -> None:
    """Have the worker send the notification once the current transaction commits (at once,
    outside one). A failure to enqueue is logged (robust), not raised at the chair who has just
    saved a check: the notification stays queued in the outbox, listed on the Emails sent page."""
    transaction.on_commit(partial(_enqueue, notification_id), robust=True)


def _enqueue(notification_id: int) -> None:
    send_alert.enqueue(notification_id)
