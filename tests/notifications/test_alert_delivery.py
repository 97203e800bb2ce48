"""Each alert's delivery is recorded per recipient against a real SMTP server on loopback: a
recipient the server refuses fails with the server's reason while the others are sent; a failed
alert is listed on the Emails sent page, where a manager (and nobody else) retries it."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from safeguard.accounts.models import Role
from safeguard.audit.models import AuditAction, AuditEntry
from safeguard.cases.models import Allocation
from safeguard.monitoring.services import monitoring_check_record
from safeguard.notifications.models import QUEUED_TOO_LONG, DeliveryStatus, Notification
from safeguard.notifications.outbox import RETRY_AFTER
from tests.factories import make_child, make_plan

from .outbox import committed, run_worker, tasks_waiting, time_passes

pytestmark = pytest.mark.django_db
URL = "/notifications/"


@pytest.fixture
def check_with_concerns():
    child = make_child(child_id="C-OUT")
    plan = make_plan(child=child, plan_id="P-OUT", start_on=dt.date(2022, 3, 1))
    for role, name, email in (
        ("social_worker", "Sam Sutton", "sam@example.org"),
        ("team_manager", "Tina Tate", "gone@example.org"),
    ):
        Allocation.objects.create(
            child=child, role=role, name=name, email=email, from_on=dt.date(2022, 3, 1)
        )
    with committed():
        return monitoring_check_record(
            plan=plan, kind="pre_review", completed_on=dt.date(2022, 9, 5), chair=None,
            core_groups_on_track=True, visits_on_track=False, outcome="concerns",
            alerted_roles=["social_worker", "team_manager"], concern="Not seen.", by=None,
        ).check  # fmt: skip


def _deliveries() -> dict[str, tuple[str, str]]:
    return {
        d.recipient.split("<")[1].rstrip(">"): (d.status, d.reason)
        for d in Notification.objects.get().deliveries.all()
    }


def test_a_refused_recipient_fails_with_the_servers_reason_and_the_others_are_sent(
    smtp_server, check_with_concerns
):
    smtp_server.refuse.add("gone@example.org")
    run_worker()
    assert smtp_server.recipients == ["sam@example.org"]
    deliveries = _deliveries()
    assert deliveries["sam@example.org"] == (DeliveryStatus.SENT, "")
    status, reason = deliveries["gone@example.org"]
    assert status == DeliveryStatus.FAILED and "550 5.1.1 Mailbox unavailable" in reason
    assert Notification.objects.get().sent_at is None  # not sent to everyone
    assert len(tasks_waiting()) == 1  # the retry, a minute later


def test_retries_stop_after_the_last_backoff_and_a_manager_retries_from_emails_sent(
    smtp_server, check_with_concerns, signed_in_client
):
    smtp_server.stop()
    for _ in range(len(RETRY_AFTER) + 1):
        run_worker()
        time_passes()
    assert tasks_waiting() == []
    notification = Notification.objects.get()
    assert {d.status for d in notification.deliveries.all()} == {DeliveryStatus.FAILED}

    manager = signed_in_client(Role.MANAGER)
    page = manager.get(URL, {"failed": "1"}).content.decode()
    assert "1 email" in page and "Failed" in page and "after 5 attempts" in page
    assert f'action="/notifications/{notification.pk}/retry/"' in page

    assert signed_in_client(Role.CHAIR).post(f"{URL}{notification.pk}/retry/").status_code == 403
    assert manager.get(f"{URL}{notification.pk}/retry/").status_code == 405
    assert tasks_waiting() == []

    smtp_server.start()
    with committed():
        response = manager.post(f"{URL}{notification.pk}/retry/", follow=True)
    assert "queued again for 2 recipients" in response.content.decode()
    retried = AuditEntry.objects.get(action=AuditAction.CHANGE, record_type="notification")
    assert retried.actor_id == manager.user.pk
    run_worker()
    assert sorted(smtp_server.recipients) == ["gone@example.org", "sam@example.org"]
    assert Notification.objects.get().sent_at is not None
    page = manager.get(URL, {"failed": "1"}).content.decode()
    assert "No email has failed." in page


def test_an_alert_left_queued_too_long_warns_on_the_childs_page_and_can_be_retried(
    smtp_server, check_with_concerns, signed_in_client
):
    """No worker ran (stopped, or the task was never handed to it): after QUEUED_TOO_LONG the
    alert is no longer just 'queued'."""
    manager = signed_in_client(Role.MANAGER)
    page = manager.get("/children/C-OUT/").content.decode()
    assert "Alert queued for Sam Sutton" in page and "has not reached everyone" not in page
    assert manager.get(URL, {"failed": "1"}).content.decode().count("Retry") == 0

    notification = Notification.objects.get()
    notification.deliveries.update(at=timezone.now() - QUEUED_TOO_LONG - dt.timedelta(minutes=1))
    page = manager.get("/children/C-OUT/").content.decode()
    assert "has not reached everyone" in page
    assert "Alert still queued for Sam Sutton &lt;sam@example.org&gt;" in page
    assert "Not seen.</textarea>" in page
    page = manager.get(URL, {"failed": "1"}).content.decode()
    assert "is the worker running?" in page
    assert f'action="/notifications/{notification.pk}/retry/"' in page

    with committed():
        manager.post(f"{URL}{notification.pk}/retry/")
    run_worker()
    assert sorted(smtp_server.recipients) == ["gone@example.org", "sam@example.org"]
    assert "has not reached everyone" not in manager.get("/children/C-OUT/").content.decode()
