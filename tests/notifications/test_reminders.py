"""Each working day, each chair is emailed the reviews and checks on their plans falling due in
the next 10 working days (and those overdue): once a day, children by id only."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core import mail

from safeguard.accounts.models import Role
from safeguard.conferences.models import Chair, Conference, Meeting
from safeguard.monitoring.models import MonitoringCheck
from safeguard.notifications.models import Notification, NotificationKind
from safeguard.notifications.outbox import Delivery
from safeguard.notifications.reminders import reminders_send
from tests.factories import make_child, make_plan, make_user

pytestmark = pytest.mark.django_db

MONDAY = dt.date(2022, 9, 26)  # 10 working days later: Monday 10 October 2022


def _plan_chaired_by(chair, child_id, *, given="Philomena", family="Quartermaine", **due):
    child = make_child(child_id=child_id, given_name=given, family_name=family)
    plan = make_plan(
        child=child, plan_id=f"P-{child_id}", start_on=dt.date(2022, 6, 1),
        last_conference_on=dt.date(2022, 6, 1), **due,
    )  # fmt: skip
    meeting = Meeting.objects.create(reference=f"M-{child_id}", held_on=dt.date(2022, 6, 1))
    Conference.objects.create(
        conference_id=f"CF-{child_id}", child=child, meeting=meeting, kind="initial",
        held_on=dt.date(2022, 6, 1), chair=chair, plan=plan,
    )  # fmt: skip
    return plan


@pytest.fixture
def chairs():
    ashworth = Chair.objects.create(name="Helen Ashworth", email="helen.ashworth@example.org")
    okafor = Chair.objects.create(
        name="David Okafor", user=make_user(Role.CHAIR, email="d.okafor@example.org")
    )
    pryce = Chair.objects.create(name="Gareth Pryce")  # no email anywhere
    _plan_chaired_by(ashworth, "C1", next_review_due_on=dt.date(2022, 10, 10))  # 10th day
    _plan_chaired_by(ashworth, "C2", next_review_due_on=dt.date(2022, 10, 11))  # 11th: later
    _plan_chaired_by(ashworth, "C3", midway_check_due_on=dt.date(2022, 9, 20))  # overdue
    done = _plan_chaired_by(ashworth, "C4", midway_check_due_on=dt.date(2022, 9, 28))
    MonitoringCheck.objects.create(
        check_id="MC-DONE", plan=done, kind="midway", completed_on=dt.date(2022, 9, 23),
        outcome="on_track",
    )  # fmt: skip
    _plan_chaired_by(okafor, "C5", pre_review_check_due_on=dt.date(2022, 9, 30))
    _plan_chaired_by(pryce, "C6", next_review_due_on=dt.date(2022, 9, 27))
    return ashworth, okafor, pryce


def _by_recipient():
    return {m.to[0]: m for m in mail.outbox}


def test_each_chair_is_sent_what_falls_due_in_the_next_ten_working_days(chairs):
    reminders_send(as_of=MONDAY, by=None, base_url="https://safeguard.example.org")
    sent = _by_recipient()
    assert set(sent) == {
        "Helen Ashworth <helen.ashworth@example.org>",
        "David Okafor <d.okafor@example.org>",  # the chair's account's address
    }
    ashworth = sent["Helen Ashworth <helen.ashworth@example.org>"]
    assert ashworth.subject == (
        "Child protection reviews and checks due by 10 October 2022: 1 for Helen Ashworth, "
        "1 overdue"
    )
    assert "Mon 10 Oct 2022  Review conference" in ashworth.body
    assert "child C1, plan P-C1" in ashworth.body
    assert "C2" not in ashworth.body  # the 11th working day
    assert "C4" not in ashworth.body  # its check is done
    assert "already overdue" in ashworth.body and "child C3" in ashworth.body
    assert "https://safeguard.example.org/" in ashworth.body
    okafor = sent["David Okafor <d.okafor@example.org>"]
    assert "Pre-review check" in okafor.body and "child C5" in okafor.body


def test_a_chair_without_an_email_address_is_reported_not_sent(chairs):
    outcomes = {o.chair: o for o in reminders_send(as_of=MONDAY, by=None)}
    assert outcomes["Gareth Pryce"].delivery is Delivery.UNDELIVERED
    assert outcomes["Gareth Pryce"].upcoming == 1


def test_a_chair_is_reminded_once_a_day_however_often_it_runs(chairs):
    reminders_send(as_of=MONDAY, by=None)
    again = reminders_send(as_of=MONDAY, by=None)
    assert len(mail.outbox) == 2
    assert {o.delivery for o in again if o.recipients} == {Delivery.ALREADY_SENT}
    reminders_send(as_of=MONDAY + dt.timedelta(days=1), by=None)
    assert len(mail.outbox) == 4
    assert Notification.objects.filter(kind=NotificationKind.REMINDER).count() == 4


def test_nothing_is_sent_on_a_weekend_or_a_bank_holiday(chairs):
    assert reminders_send(as_of=dt.date(2022, 9, 24), by=None) == []  # a Saturday
    assert reminders_send(as_of=dt.date(2022, 9, 19), by=None) == []  # the State Funeral
    assert mail.outbox == []


def test_a_reminder_names_no_child(chairs):
    reminders_send(as_of=MONDAY, by=None)
    for message in mail.outbox:
        assert "Philomena" not in message.body + message.subject
        assert "Quartermaine" not in message.body + message.subject


def test_the_command_says_who_was_sent_what(chairs, capsys):
    from safeguard.cli import build_parser

    args = build_parser().parse_args(["reminders", "--as-of", "2022-09-26"])
    assert args.handler(args) == 0
    out = capsys.readouterr().out
    assert "Sent to Helen Ashworth <helen.ashworth@example.org>  (1 due, 1 overdue)" in out
    assert "warning: chair Gareth Pryce has no email address" in out
