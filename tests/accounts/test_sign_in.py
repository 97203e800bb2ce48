"""Signing in: a password, then a real TOTP code or a single-use recovery code; lockout after
repeated failures; audit entries for each sign-in and failure."""

import pytest
from django.test import Client
from django.urls import reverse
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken

from safeguard.accounts.models import Role
from safeguard.audit.models import AuditAction, AuditEntry
from tests.factories import PASSWORD, make_user, totp_code, totp_device_of

pytestmark = pytest.mark.django_db


def _password_step(client, username, password=PASSWORD, next_url=""):
    url = reverse("accounts:sign-in") + (f"?next={next_url}" if next_url else "")
    return client.post(url, {"username": username, "password": password})


def test_signing_in_takes_a_password_and_then_a_real_totp_code():
    user = make_user(Role.CHAIR)
    client = Client()
    response = _password_step(client, user.username)
    assert response.status_code == 302
    assert response["Location"] == reverse("accounts:sign-in-code")
    assert client.get("/").status_code == 302  # the password alone opens nothing

    response = client.post(
        reverse("accounts:sign-in-code"), {"code": totp_code(totp_device_of(user))}
    )
    assert response.status_code == 302 and response["Location"] == "/"
    assert client.get("/").status_code == 200
    entry = AuditEntry.objects.filter(action=AuditAction.SIGN_IN).get()
    assert entry.actor == user and entry.summary == "Signed in"


def test_a_code_cannot_be_used_twice():
    user = make_user(Role.CHAIR)
    code = totp_code(totp_device_of(user))
    first, second = Client(), Client()
    _password_step(first, user.username)
    first.post(reverse("accounts:sign-in-code"), {"code": code})
    _password_step(second, user.username)
    response = second.post(reverse("accounts:sign-in-code"), {"code": code})
    assert response.status_code == 200
    assert second.get("/").status_code == 302


def test_a_wrong_code_is_refused_and_audited():
    user = make_user(Role.CHAIR)
    client = Client()
    _password_step(client, user.username)
    good = totp_code(totp_device_of(user))
    response = client.post(
        reverse("accounts:sign-in-code"), {"code": f"{(int(good) + 1) % 10**6:06d}"}
    )
    assert response.status_code == 200
    assert "The code is not right" in response.content.decode()
    assert client.get("/").status_code == 302
    assert AuditEntry.objects.filter(action=AuditAction.SIGN_IN_FAILED, actor=user).exists()


def test_a_recovery_code_works_once():
    user = make_user(Role.MANAGER)
    device = StaticDevice.objects.create(user=user, name="Recovery codes")
    device.token_set.create(token="abcd2345")
    client = Client()
    _password_step(client, user.username)
    response = client.post(reverse("accounts:sign-in-code"), {"code": "abcd 2345"})
    assert response.status_code == 302
    assert client.get("/").status_code == 200
    assert not StaticToken.objects.filter(token="abcd2345").exists()
    assert AuditEntry.objects.filter(summary="Signed in with a recovery code").exists()

    again = Client()
    _password_step(again, user.username)
    response = again.post(reverse("accounts:sign-in-code"), {"code": "abcd2345"})
    assert response.status_code == 200
    assert again.get("/").status_code == 302


def test_a_wrong_password_is_refused_and_audited_with_the_name_tried():
    make_user(Role.CHAIR, username="dana")
    response = _password_step(Client(), "dana", "wrong password")
    assert response.status_code == 200
    assert "Enter a correct username and password" in response.content.decode()
    entry = AuditEntry.objects.get(action=AuditAction.SIGN_IN_FAILED)
    assert entry.actor_name == "dana"


def test_ten_failures_lock_the_account_with_a_plain_page():
    user = make_user(Role.CHAIR)
    client = Client()
    for _ in range(10):
        _password_step(client, user.username, "wrong password")
    response = _password_step(client, user.username)  # even the right password, now
    assert response.status_code == 429
    html = response.content.decode()
    assert "Sign-in is locked for now" in html and "30 minutes" in html
    assert "govuk-template" in html
    assert client.get(reverse("accounts:sign-in-code")).status_code == 302


def test_an_account_without_an_authenticator_app_cannot_sign_in():
    user = make_user(Role.CHAIR, with_totp=False)
    response = _password_step(Client(), user.username)
    assert response.status_code == 200
    assert "ask a service manager for an enrolment link" in response.content.decode()


def test_after_signing_in_the_user_returns_to_the_page_they_asked_for_on_this_site_only():
    user = make_user(Role.MANAGER)
    client = Client()
    _password_step(client, user.username, next_url="/users/")
    response = client.post(
        reverse("accounts:sign-in-code"), {"code": totp_code(totp_device_of(user))}
    )
    assert response["Location"] == "/users/"

    other = make_user(Role.MANAGER)
    client = Client()
    _password_step(client, other.username, next_url="https://evil.example/")
    response = client.post(
        reverse("accounts:sign-in-code"), {"code": totp_code(totp_device_of(other))}
    )
    assert response["Location"] == "/"


def test_an_inactive_user_cannot_sign_in():
    user = make_user(Role.CHAIR, is_active=False)
    response = _password_step(Client(), user.username)
    assert response.status_code == 200
    assert "Enter a correct username and password" in response.content.decode()
