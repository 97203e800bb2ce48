"""The idle time-out's warning (GOV.UK's pattern, WCAG 2.2.1): every signed-in page carries the
warning; "Stay signed in" keeps the session; a session that ends brings the person back to the
page they were on after signing in again, saying what was not saved."""

import datetime as dt

import pytest
from django.contrib.messages import get_messages
from django.contrib.sessions.models import Session
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from safeguard.accounts.models import Role
from safeguard.audit.models import AuditAction, AuditEntry
from tests.factories import PASSWORD, make_user, totp_code, totp_device_of

pytestmark = pytest.mark.django_db


def _sign_in_again(client: Client, user, next_url: str):
    client.post(
        f"{reverse('accounts:sign-in')}?next={next_url}",
        {"username": user.username, "password": PASSWORD},
    )
    return client.post(
        reverse("accounts:sign-in-code"), {"code": totp_code(totp_device_of(user))}, follow=True
    )


def test_every_signed_in_page_carries_the_warning_with_the_configured_times(
    signed_in_client, settings
):
    settings.SESSION_COOKIE_AGE = 20 * 60
    page = signed_in_client(Role.CHAIR).get("/").content.decode()
    assert 'id="session-timeout"' in page
    assert 'data-timeout-seconds="1200"' in page and 'data-warning-seconds="120"' in page
    assert "Stay signed in" in page


def test_the_sign_in_page_has_no_warning():
    assert 'id="session-timeout"' not in Client().get(reverse("accounts:sign-in")).content.decode()


def test_the_idle_time_out_comes_from_the_settings(monkeypatch):
    import importlib

    import safeguard.config.settings.base as base

    monkeypatch.setenv("SAFEGUARD_SESSION_IDLE_MINUTES", "15")
    try:
        assert importlib.reload(base).SESSION_COOKIE_AGE == 15 * 60
    finally:
        monkeypatch.delenv("SAFEGUARD_SESSION_IDLE_MINUTES")
        importlib.reload(base)


def test_stay_signed_in_extends_the_session(signed_in_client):
    client = signed_in_client(Role.CHAIR)
    key = client.session.session_key
    Session.objects.filter(pk=key).update(expire_date=timezone.now() + dt.timedelta(minutes=1))
    response = client.post(reverse("accounts:session-extend"), HTTP_ACCEPT="application/json")
    assert response.json() == {"seconds_left": 30 * 60}
    assert Session.objects.get(pk=key).expire_date > timezone.now() + dt.timedelta(minutes=29)


def test_stay_signed_in_without_javascript_goes_back_to_the_page(signed_in_client):
    client = signed_in_client(Role.CHAIR)
    response = client.post(reverse("accounts:session-extend"), {"next": "/children/"})
    assert response.status_code == 302 and response["Location"] == "/children/"
    response = client.post(reverse("accounts:session-extend"), {"next": "https://evil.example/"})
    assert response["Location"] == "/"


def test_an_ended_session_cannot_be_extended():
    response = Client().post(reverse("accounts:session-extend"), HTTP_ACCEPT="application/json")
    assert response.status_code == 302 and reverse("accounts:sign-in") in response["Location"]


def test_a_timed_out_session_signs_out_audited_and_comes_back_to_the_page_saying_what_was_lost(
    signed_in_client,
):
    user = make_user(Role.CHAIR, first_name="Ada", last_name="Lovelace")
    client = signed_in_client(user=user)
    response = client.post(
        reverse("accounts:session-ended"),
        {"next": "/children/", "unsaved": ["Date of the conference", "Outcome"]},
    )
    assert response.status_code == 302
    assert response["Location"] == f"{reverse('accounts:sign-in')}?next=%2Fchildren%2F"
    assert client.get("/").status_code == 302  # signed out
    entry = AuditEntry.objects.filter(action=AuditAction.SIGN_OUT, actor=user).get()
    assert entry.summary == "Signed out after 30 minutes without activity"

    response = _sign_in_again(client, user, "/children/")
    assert response.request["PATH_INFO"] == "/children/"
    assert [str(m) for m in get_messages(response.wsgi_request)] == [
        "You were signed out after 30 minutes without activity, so what you had entered was "
        "not saved (Date of the conference, Outcome). Enter it again."
    ]


def test_after_a_time_out_with_nothing_changed_the_message_says_so(signed_in_client):
    user = make_user(Role.CHAIR)
    client = signed_in_client(user=user)
    client.post(reverse("accounts:session-ended"), {"next": "/children/"})
    response = _sign_in_again(client, user, "/children/")
    assert "You had not changed anything on this page." in response.content.decode()


def test_somebody_else_signing_in_after_a_time_out_is_told_nothing_of_it(signed_in_client):
    client = signed_in_client(Role.CHAIR)
    client.post(reverse("accounts:session-ended"), {"next": "/", "unsaved": ["Outcome"]})
    colleague = make_user(Role.CHAIR)
    response = _sign_in_again(client, colleague, "/")
    assert "signed out after" not in response.content.decode()


def test_a_form_sent_after_the_session_ended_is_not_saved_and_the_person_is_told(
    signed_in_client,
):
    user = make_user(Role.CHAIR)
    client = signed_in_client(user=user)
    Session.objects.filter(pk=client.session.session_key).update(
        expire_date=timezone.now() - dt.timedelta(seconds=1)
    )
    response = client.post(reverse("cases:child-add"), {"child_id": "LOST-1"})
    assert response.status_code == 302 and "next=/children/add/" in response["Location"]
    response = _sign_in_again(client, user, "/children/add/")
    assert response.request["PATH_INFO"] == "/children/add/"
    assert "so the form you sent was not saved. Enter it again." in response.content.decode()


def test_a_wrong_authenticator_code_is_cleared_from_the_box():
    user = make_user(Role.CHAIR)
    client = Client()
    client.post(reverse("accounts:sign-in"), {"username": user.username, "password": PASSWORD})
    response = client.post(reverse("accounts:sign-in-code"), {"code": "000000"})
    page = response.content.decode()
    assert "The code is not right" in page
    assert 'value="000000"' not in page
