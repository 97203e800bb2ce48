"""The Emails sent page: every digest, alert and reminder with its recipients, for managers; a
Senior Liaison Officer's own digests, for them."""

from __future__ import annotations

import datetime as dt

import pytest

from safeguard.accounts.models import Role
from safeguard.notifications.digests import digests_issue
from safeguard.notifications.models import Notification, NotificationKind
from safeguard.notifications.quarters import Quarter

from .conftest import make_officer

pytestmark = pytest.mark.django_db
URL = "/notifications/"


@pytest.fixture
def sent(small_authority):
    digests_issue(quarter=Quarter(2022, 3), send=True, by=None, as_of=dt.date(2022, 10, 3))
    Notification.objects.create(
        kind=NotificationKind.ALERT, key="alert:MC1", subject="Concerns after the midway check: "
        "child C-Q3-1", recipients=[], body="...", created_at=dt.datetime(2022, 9, 5, tzinfo=dt.UTC),
        note="Nobody with an email allocated as team manager on 2022-09-05", child_id="C-Q3-1",
    )  # fmt: skip
    return small_authority


def test_a_manager_sees_every_email_with_its_recipients(sent, signed_in_client):
    response = signed_in_client(Role.MANAGER).get(URL)
    page = response.content.decode()
    assert response.status_code == 200
    assert "4 emails" in page
    assert "Priya Raman &lt;raman@agency.example.org&gt;" in page
    assert "July-September 2022: North (Health)" in page
    assert "Not sent" in page and "Nobody with an email allocated as team manager" in page


def test_a_manager_can_list_one_kind(sent, signed_in_client):
    page = signed_in_client(Role.MANAGER).get(URL, {"kind": "alert"}).content.decode()
    assert "1 email" in page and "North (Health)" not in page


def test_a_liaison_officer_sees_only_their_own_digests(sent, signed_in_client):
    client = signed_in_client(Role.LIAISON_OFFICER)
    officer = sent["officers"]["raman"]
    officer.user = client.user
    officer.save()
    page = client.get(URL).content.decode()
    assert "1 email" in page and "North (Health)" in page
    assert "South (Health)" not in page and "child C-Q3-1" not in page


def test_a_liaison_officer_who_is_no_recorded_officer_sees_none(sent, signed_in_client):
    make_officer("Someone Else", types=[], areas=[])
    page = signed_in_client(Role.LIAISON_OFFICER).get(URL).content.decode()
    assert "0 emails" in page and "No emails have been sent." in page


def test_a_chair_sees_the_reminders_sent_to_them_and_nothing_else(sent, signed_in_client):
    from safeguard.conferences.models import Chair

    client = signed_in_client(Role.CHAIR)
    chair = Chair.objects.create(name="Helen Ashworth", email="h@example.org", user=client.user)
    Notification.objects.create(
        kind=NotificationKind.REMINDER, key="reminder:2022-09-26:1", chair=chair,
        subject="Child protection reviews and checks due by 10 October 2022: 1 for Helen Ashworth",
        recipients=["Helen Ashworth <h@example.org>"], body="...",
        created_at=dt.datetime(2022, 9, 26, tzinfo=dt.UTC),
        sent_at=dt.datetime(2022, 9, 26, tzinfo=dt.UTC),
    )  # fmt: skip
    page = client.get(URL).content.decode()
    assert "1 email" in page and "1 for Helen Ashworth" in page
    assert "North (Health)" not in page and "child C-Q3-1" not in page
