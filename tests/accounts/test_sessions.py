"""Sessions: sign out, sign out everywhere, idle time-out, rights changes taking effect."""

import datetime as dt
import time

import pytest
from django.contrib.sessions.models import Session
from django.urls import reverse
from django.utils import timezone

from safeguard.accounts.models import Role
from safeguard.accounts.services import SIGNED_IN_AT_KEY
from safeguard.audit.models import AuditAction, AuditEntry

pytestmark = pytest.mark.django_db


def test_signing_out_ends_the_session_and_is_audited(signed_in_client):
    client = signed_in_client(Role.CHAIR)
    response = client.post(reverse("accounts:sign-out"))
    assert response.status_code == 302
    assert client.get("/").status_code == 302
    assert AuditEntry.objects.filter(action=AuditAction.SIGN_OUT, actor=client.user).exists()


def test_signing_out_everywhere_ends_the_users_other_sessions_too(signed_in_client):
    phone = signed_in_client(Role.CHAIR)
    desk = signed_in_client(user=phone.user)
    colleague = signed_in_client(Role.CHAIR)
    assert desk.get("/").status_code == 200

    response = phone.post(reverse("accounts:sign-out-everywhere"))
    assert response.status_code == 302
    assert phone.get("/").status_code == 302
    assert desk.get("/").status_code == 302
    assert colleague.get("/").status_code == 200
    assert AuditEntry.objects.filter(summary="Signed out everywhere").exists()


def test_a_session_idle_for_30_minutes_has_ended(signed_in_client):
    client = signed_in_client(Role.CHAIR)
    assert client.get("/").status_code == 200
    session = Session.objects.get(session_key=client.session.session_key)
    assert session.expire_date <= timezone.now() + dt.timedelta(minutes=30)
    Session.objects.filter(pk=session.pk).update(
        expire_date=timezone.now() - dt.timedelta(seconds=1)
    )
    assert client.get("/").status_code == 302


def test_each_request_extends_the_idle_time_out(signed_in_client):
    client = signed_in_client(Role.CHAIR)
    key = client.session.session_key
    Session.objects.filter(pk=key).update(expire_date=timezone.now() + dt.timedelta(minutes=1))
    assert client.get("/").status_code == 200
    assert Session.objects.get(pk=key).expire_date > timezone.now() + dt.timedelta(minutes=29)


def test_a_change_of_role_ends_the_users_sessions(signed_in_client):
    from safeguard.accounts.services import user_update

    client = signed_in_client(Role.MANAGER)
    manager = signed_in_client(Role.MANAGER).user
    user = client.user
    user_update(
        user=user,
        by=manager,
        role=Role.ANALYST,
        is_active=True,
        first_name="",
        last_name="",
        email="",
    )
    assert client.get("/").status_code == 302


def test_a_password_only_session_reaches_nothing(client):
    from tests.factories import make_user

    user = make_user(Role.MANAGER)
    client.force_login(user, backend="django.contrib.auth.backends.ModelBackend")
    assert client.get("/").status_code == 302
    assert client.get("/users/").status_code == 302


def test_a_session_ends_10_hours_after_signing_in_however_active(signed_in_client, settings):
    assert settings.SAFEGUARD_SESSION_MAX_HOURS == 10
    client = signed_in_client(Role.CHAIR)
    signed_in_at = client.session[SIGNED_IN_AT_KEY]
    assert abs(signed_in_at - time.time()) < 60

    _travel(client, hours=9, minutes=59)
    assert client.get("/").status_code == 200  # active all day: still signed in

    _travel(client, hours=10, minutes=1)
    response = client.get("/")
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:sign-in"))
    page = client.get(response["Location"]).content.decode()
    assert "You have been signed in for 10 hours: sign in again to carry on." in page
    assert client.get("/").status_code == 302  # ended, not just refused once
    assert AuditEntry.objects.filter(
        action=AuditAction.SIGN_OUT, actor=client.user, summary__contains="10 hours"
    ).exists()


def test_signing_in_through_the_pages_records_the_time(db):
    from django.test import Client

    from tests.factories import PASSWORD, make_user, totp_code, totp_device_of

    user = make_user(Role.CHAIR)
    client = Client()
    client.post(reverse("accounts:sign-in"), {"username": user.username, "password": PASSWORD})
    client.post(reverse("accounts:sign-in-code"), {"code": totp_code(totp_device_of(user))})
    assert abs(client.session[SIGNED_IN_AT_KEY] - time.time()) < 60


def _travel(client, *, hours: int, minutes: int = 0) -> None:
    """Move the session's sign-in time back, as if that long had passed since signing in."""
    session = client.session
    session[SIGNED_IN_AT_KEY] = time.time() - (hours * 3600 + minutes * 60)
    session.save()
