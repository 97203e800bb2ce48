"""A chair's check with concerns alerts the workers allocated to the child in the roles the chair
chose: queued in the outbox with the check, sent by the worker, one email to each, naming the
child by id only, once."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core import mail
from django.core.exceptions import ValidationError

from safeguard.audit.models import AuditAction, AuditEntry
from safeguard.cases.models import Allocation
from safeguard.conferences.models import Chair
from safeguard.monitoring.models import MonitoringCheck
from safeguard.monitoring.services import monitoring_check_record
from safeguard.notifications.alerts import check_alerts_queue
from safeguard.notifications.models import DeliveryStatus, Notification, NotificationKind
from safeguard.notifications.outbox import RETRY_AFTER, Delivery
from tests.factories import make_child, make_plan

from .outbox import committed, run_worker, tasks_waiting, time_passes

pytestmark = pytest.mark.django_db

GIVEN, FAMILY = "Philomena", "Quartermaine"
CHECKED_ON = dt.date(2022, 9, 5)


@pytest.fixture
def plan():
    child = make_child(child_id="C-ALERT", given_name=GIVEN, family_name=FAMILY)
    plan = make_plan(child=child, plan_id="P-ALERT", start_on=dt.date(2022, 3, 1))
    for role, name, email, from_on, to_on in (
        ("social_worker", "Old Worker", "old@example.org", dt.date(2022, 3, 1), dt.date(2022, 6, 30)),
        ("social_worker", "Sam Sutton", "sam.sutton@example.org", dt.date(2022, 7, 1), None),
        ("practice_supervisor", "Pat Pryor", "pat.pryor@example.org", dt.date(2022, 3, 1), None),
        ("team_manager", "Tina Tate", "", dt.date(2022, 3, 1), None),  # no email
    ):  # fmt: skip
        Allocation.objects.create(
            child=child, role=role, name=name, email=email, from_on=from_on, to_on=to_on
        )
    return plan


@pytest.fixture
def chair():
    return Chair.objects.create(name="Helen Ashworth", email="helen.ashworth@example.org")


def _sent_to() -> list[list[str]]:
    return [message.to for message in mail.outbox]


def _record(plan, chair, *, roles=("social_worker", "practice_supervisor"), **overrides):
    values = {
        "plan": plan,
        "kind": "midway",
        "completed_on": CHECKED_ON,
        "chair": chair,
        "core_groups_on_track": False,
        "visits_on_track": True,
        "outcome": "concerns",
        "alerted_roles": roles,
        "concern": f"No core group since July; {GIVEN} {FAMILY.upper()} was not seen at home.",
        "by": None,
        "base_url": "https://safeguard.example.org/",
    }
    with committed():
        return monitoring_check_record(**{**values, **overrides})


def test_the_alerted_roles_each_receive_an_email_with_the_child_id_the_check_and_a_link(
    plan, chair
):
    recorded = _record(plan, chair)
    assert recorded.alert.delivery is Delivery.QUEUED and mail.outbox == []  # the worker sends
    assert recorded.message.startswith("Midway check recorded. Alert queued for Sam Sutton")
    assert run_worker() == 0
    assert _sent_to() == [
        ["Sam Sutton <sam.sutton@example.org>"],  # the social worker on the day, not the old one
        ["Pat Pryor <pat.pryor@example.org>"],
    ]
    message = mail.outbox[0]
    assert message.subject == "Concerns after the midway check: child C-ALERT"
    assert "child C-ALERT (plan P-ALERT) on 5 September 2022" in message.body
    assert "Helen Ashworth completed the midway check" in message.body
    assert "No core group since July" not in message.body  # no case text: read it on the page
    assert "Core group meetings on track: No" in message.body
    assert "https://safeguard.example.org/children/C-ALERT/" in message.body
    notification = Notification.objects.get()
    assert notification.sent_at is not None
    assert [(d.recipient, d.status) for d in notification.deliveries.all()] == [
        ("Sam Sutton <sam.sutton@example.org>", DeliveryStatus.SENT),
        ("Pat Pryor <pat.pryor@example.org>", DeliveryStatus.SENT),
    ]


def test_the_alert_never_holds_the_childs_name_even_when_the_concern_does(plan, chair):
    _record(plan, chair, roles=("social_worker",))
    run_worker()
    (message,) = mail.outbox
    notification = Notification.objects.get()
    for text in (message.subject, message.body, notification.subject, notification.body):
        assert GIVEN.lower() not in text.lower() and FAMILY.lower() not in text.lower()


SIBLING_CONCERN = (
    "Her brother Jayden Okonkwo (born 03/02/2012) says the family moved to "
    "Flat 4, 27 Larkspur Close, Hollinwood OL8 3QT; no visit since 14 August."
)


def test_the_alert_carries_no_case_text_only_a_link_to_the_childs_page(plan, chair):
    """Siblings' names, dates of birth and addresses in a concern are not names of the child,
    so no name removal could catch them all: the email holds none of the chair's words."""
    recorded = _record(plan, chair, concern=SIBLING_CONCERN, roles=("social_worker",))
    run_worker()
    (message,) = mail.outbox
    notification = Notification.objects.get()
    for text in (message.subject, message.body, notification.subject, notification.body):
        for detail in ("Jayden", "Okonkwo", "03/02/2012", "Larkspur", "OL8 3QT", "14 August"):
            assert detail not in text
    assert "https://safeguard.example.org/children/C-ALERT/" in message.body
    assert "Midway check" in message.body or "midway check" in message.body
    assert "5 September 2022" in message.body
    assert recorded.check.concern == SIBLING_CONCERN  # kept with the check, on the child's page


def test_the_check_is_recorded_with_the_roles_alerted_and_audited(plan, chair):
    recorded = _record(plan, chair)
    run_worker()
    check = MonitoringCheck.objects.get()
    assert check == recorded.check
    assert check.roles_alerted == ["social_worker", "practice_supervisor"]
    assert AuditEntry.objects.filter(
        action=AuditAction.CREATE, record_type="monitoring check", child_id="C-ALERT"
    ).exists()
    queued = AuditEntry.objects.get(record_type="notification", action=AuditAction.CREATE)
    assert queued.summary.startswith("Queued 'Concerns after the midway check: child C-ALERT'")
    sent = AuditEntry.objects.filter(action=AuditAction.SEND).order_by("pk")
    assert {(e.child_id, e.record_id) for e in sent} == {("C-ALERT", f"alert:{check.check_id}")}
    assert [e.summary.split(" to ")[-1] for e in sent] == [
        "Sam Sutton <sam.sutton@example.org>",
        "Pat Pryor <pat.pryor@example.org>",
    ]


def test_an_alert_is_sent_once_however_often_it_is_asked_for(plan, chair):
    recorded = _record(plan, chair, roles=("social_worker",))
    with committed():
        again = check_alerts_queue(check=recorded.check, by=None)
    assert again.delivery is Delivery.ALREADY_SENT
    run_worker()
    run_worker()
    assert len(mail.outbox) == 1
    assert Notification.objects.filter(kind=NotificationKind.ALERT).count() == 1


def test_a_role_with_nobody_to_email_is_named_to_the_chair_and_noted(plan, chair):
    recorded = _record(plan, chair, roles=("social_worker", "team_manager"))
    run_worker()
    (message,) = mail.outbox
    assert message.to == ["Sam Sutton <sam.sutton@example.org>"]
    assert recorded.alert.missing_roles == ("Team manager",)
    assert "allocated to the child as team manager" in recorded.message
    assert "team manager" in Notification.objects.get().note


def test_an_alert_with_nobody_to_send_to_is_recorded_as_undelivered_and_sent_once_someone_is(
    plan, chair
):
    recorded = _record(plan, chair, roles=("team_manager",))
    run_worker()
    assert mail.outbox == [] and tasks_waiting() == []
    assert recorded.alert.delivery is Delivery.UNDELIVERED
    notification = Notification.objects.get()
    assert notification.sent_at is None and notification.recipients == []
    assert "Nobody with an email address is allocated" in recorded.message
    Allocation.objects.filter(role="team_manager").update(email="tina.tate@example.org")
    with committed():
        retried = check_alerts_queue(check=recorded.check, by=None)
    assert retried.delivery is Delivery.QUEUED
    run_worker()
    assert mail.outbox[0].to == ["Tina Tate <tina.tate@example.org>"]


def test_a_check_on_track_alerts_nobody(plan, chair):
    recorded = _record(plan, chair, outcome="on_track", roles=(), concern="")
    assert recorded.alert is None and tasks_waiting() == []
    assert not Notification.objects.exists()
    assert recorded.message == "Midway check recorded."


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"roles": ()}, "alerted_roles"),
        ({"concern": "  "}, "concern"),
        ({"outcome": "on_track"}, "alerted_roles"),
        ({"roles": ("social_worker", "director")}, "alerted_roles"),
        ({"completed_on": dt.date(2022, 2, 1)}, "completed_on"),
        ({"kind": "annual"}, "kind"),
    ],
)
def test_a_check_that_does_not_add_up_is_refused_and_nothing_is_sent(plan, chair, overrides, field):
    with pytest.raises(ValidationError) as error:
        _record(plan, chair, **overrides)
    assert field in error.value.message_dict
    assert not MonitoringCheck.objects.exists() and not Notification.objects.exists()
    assert tasks_waiting() == []


def test_a_check_dated_in_the_future_is_refused_when_today_is_given(plan, chair):
    with pytest.raises(ValidationError):
        _record(plan, chair, today=CHECKED_ON - dt.timedelta(days=1))


class RefusingBackend:
    def __init__(self, *args, **kwargs):
        pass

    def send_messages(self, messages):
        raise ConnectionRefusedError("down")

    def close(self):
        pass


def test_a_mail_server_that_is_down_loses_nothing_and_is_retried_with_backoff(
    plan, chair, settings
):
    settings.EMAIL_BACKEND = f"{__name__}.RefusingBackend"
    recorded = _record(plan, chair, roles=("social_worker",))
    assert MonitoringCheck.objects.get(pk=recorded.check.pk).concern.startswith("No core group")
    waits = []
    for _ in range(len(RETRY_AFTER) + 1):
        run_worker()
        delivery = Notification.objects.get().deliveries.get()
        assert delivery.status == DeliveryStatus.FAILED
        assert "refused the connection" in delivery.reason
        if delivery.next_attempt_at:
            (task,) = tasks_waiting()
            waits.append(round((task.run_after - delivery.at).total_seconds() / 60))
        time_passes()
    assert waits == [1, 5, 15, 60]  # minutes, then no more: a person retries it
    assert delivery.attempts == 5 and delivery.next_attempt_at is None
    assert tasks_waiting() == [] and Notification.objects.get().sent_at is None
