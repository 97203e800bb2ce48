"""Recording a chair's midway or pre-review check from the plan's page, with the alert to the
allocated workers when there are concerns."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from safeguard.accounts.models import Role
from safeguard.cases.models import Allocation
from safeguard.conferences.models import Chair
from safeguard.monitoring.models import MonitoringCheck
from safeguard.notifications.models import DeliveryStatus, Notification
from tests.factories import make_child, make_plan
from tests.notifications.outbox import committed, run_worker, time_passes

pytestmark = pytest.mark.django_db


def check_form(**values) -> dict:
    today = timezone.localdate()
    data = {
        "kind": "midway",
        "completed_on_day": today.day,
        "completed_on_month": today.month,
        "completed_on_year": today.year,
        "chair": "",
        "core_groups_on_track": "True",
        "visits_on_track": "False",
        "outcome": "concerns",
        "alerted_roles": ["social_worker"],
        "concern": "Amelia has missed two visits.",
    }
    data.update(values)
    return data


@pytest.fixture
def plan():
    child = make_child(child_id="C-CHECK", given_name="Amelia")
    Allocation.objects.create(
        child=child, role="social_worker", name="Sam Worker", email="sam@example.org",
        from_on=dt.date(2020, 1, 1),
    )  # fmt: skip
    return make_plan(child=child, start_on=timezone.localdate() - dt.timedelta(days=60))


def test_a_check_with_concerns_alerts_the_social_worker_without_the_childs_name(
    signed_in_client, plan, smtp_server
):
    client = signed_in_client(Role.CHAIR)
    chair = Chair.objects.create(name="Jo Chair", user=client.user)
    with committed():
        response = client.post(f"/plans/{plan.plan_id}/checks/add/", check_form(chair=chair.pk))
    assert response["Location"] == "/children/C-CHECK/"
    check = MonitoringCheck.objects.get()
    assert check.alerted_social_worker and check.visits_on_track is False
    page = client.get(response["Location"]).content.decode()
    assert "Success" not in page  # queued is not sent
    assert "Alert queued for Sam Worker (social worker)" in page
    assert "Alert queued for Sam Worker &lt;sam@example.org&gt;" in page
    assert run_worker() == 0
    assert smtp_server.recipients == ["sam@example.org"]
    assert b"Amelia" not in smtp_server.received[0].content
    page = client.get(response["Location"]).content.decode()
    assert "Alert sent to Sam Worker &lt;sam@example.org&gt;" in page
    assert "Concerns" in page
    assert "Amelia has missed two visits." in page  # the concern is read on the child's page


def test_with_the_mail_server_down_the_concern_is_kept_shown_as_a_warning_and_sent_when_back(
    signed_in_client, plan, smtp_server
):
    """The issue's acceptance: a real SMTP server on loopback, stopped, then started again."""
    smtp_server.stop()
    client = signed_in_client(Role.CHAIR)
    with committed():
        response = client.post(f"/plans/{plan.plan_id}/checks/add/", check_form(), follow=True)
    assert MonitoringCheck.objects.get().concern == "Amelia has missed two visits."
    page = response.content.decode()
    assert "Success" not in page and "alerted" not in page  # queued, not "alerted"

    run_worker()  # the server refuses the connection
    delivery = Notification.objects.get().deliveries.get()
    assert delivery.status == DeliveryStatus.FAILED
    assert f"127.0.0.1:{smtp_server.port} refused the connection" in delivery.reason
    page = client.get("/children/C-CHECK/").content.decode()
    assert "Success" not in page and "alerted" not in page
    assert "has not reached everyone: tell them another way" in page
    assert "Alert failed" in page and "refused the connection" in page
    assert (
        '<textarea class="govuk-textarea" id="concern-to-copy-1" rows="4" readonly>'
        "Amelia has missed two visits.</textarea>" in page
    )

    smtp_server.start()
    time_passes()  # the retry a minute later falls due
    run_worker()
    assert smtp_server.recipients == ["sam@example.org"]
    delivery.refresh_from_db()
    assert delivery.status == DeliveryStatus.SENT and delivery.attempts == 2
    page = client.get("/children/C-CHECK/").content.decode()
    assert "Alert sent to Sam Worker &lt;sam@example.org&gt;" in page
    assert "has not reached everyone" not in page and "concern-to-copy" not in page


def test_concerns_without_anyone_to_alert_are_refused_beside_the_field(signed_in_client, plan):
    page = (
        signed_in_client(Role.MANAGER)
        .post(f"/plans/{plan.plan_id}/checks/add/", check_form(alerted_roles=[], concern=""))
        .content.decode()
    )
    assert '<a href="#id_alerted_roles_0">Select who to alert about the concerns</a>' in page
    assert "Enter the concern" in page
    assert not MonitoringCheck.objects.exists()


def test_business_support_do_not_record_checks(signed_in_client, plan):
    response = signed_in_client(Role.BUSINESS_SUPPORT).post(
        f"/plans/{plan.plan_id}/checks/add/", check_form()
    )
    assert response.status_code == 403
