"""Recording a chair's midway or pre-review check from the plan's page, with the alert to the
allocated workers when there are concerns."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core import mail
from django.utils import timezone

from safeguard.accounts.models import Role
from safeguard.cases.models import Allocation
from safeguard.conferences.models import Chair
from safeguard.monitoring.models import MonitoringCheck
from tests.factories import make_child, make_plan

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
    signed_in_client, plan
):
    client = signed_in_client(Role.CHAIR)
    chair = Chair.objects.create(name="Jo Chair", user=client.user)
    response = client.post(f"/plans/{plan.plan_id}/checks/add/", check_form(chair=chair.pk))
    assert response["Location"] == "/children/C-CHECK/"
    check = MonitoringCheck.objects.get()
    assert check.alerted_social_worker and check.visits_on_track is False
    assert [m.to for m in mail.outbox] == [["Sam Worker <sam@example.org>"]]
    assert "Amelia" not in mail.outbox[0].body
    page = client.get(response["Location"]).content.decode()
    assert "Alert sent to Sam Worker (social worker)" in page
    assert "Concerns" in page
    assert "Amelia has missed two visits." in page  # the concern is read on the child's page


def test_concerns_without_anyone_to_alert_are_refused_beside_the_field(signed_in_client, plan):
    page = (
        signed_in_client(Role.MANAGER)
        .post(f"/plans/{plan.plan_id}/checks/add/", check_form(alerted_roles=[], concern=""))
        .content.decode()
    )
    assert '<a href="#id_alerted_roles_0">Choose who to alert about the concerns.</a>' in page
    assert "Describe the concern." in page
    assert not MonitoringCheck.objects.exists()


def test_business_support_do_not_record_checks(signed_in_client, plan):
    response = signed_in_client(Role.BUSINESS_SUPPORT).post(
        f"/plans/{plan.plan_id}/checks/add/", check_form()
    )
    assert response.status_code == 403
