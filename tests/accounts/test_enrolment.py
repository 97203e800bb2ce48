"""Accounts are created without a password; a one-time link lets the user set one and enrol an
authenticator app by QR code, and gives them 10 single-use recovery codes."""

import re

import pytest
from django.test import Client
from django_otp.plugins.otp_static.models import StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from safeguard.accounts.models import LiaisonCover, Role, User
from safeguard.accounts.services import cli_user_add, user_create
from safeguard.audit.models import AuditAction, AuditEntry
from tests.factories import totp_code

pytestmark = pytest.mark.django_db

NEW_PASSWORD = "a long and unusual passphrase 7"


def _path(link: str) -> str:
    return link.split("8000", 1)[1] if "8000" in link else link


def test_user_add_creates_an_account_without_a_password_and_returns_a_link():
    user, link = user_create(username="erin", role=Role.ANALYST)
    assert not user.has_usable_password()
    assert re.fullmatch(r"https?://[^/]+/enrol/[^/]+/[^/]+/", link)
    entry = AuditEntry.objects.get(action=AuditAction.CREATE, record_type="user")
    assert entry.record_id == str(user.pk)


def test_the_cli_prints_the_link_once(settings):
    settings.SAFEGUARD_BASE_URL = "https://safeguard.example.org"
    text = cli_user_add(username="frank", role="chair")
    assert "https://safeguard.example.org/enrol/" in text
    assert User.objects.get(username="frank").role == Role.CHAIR


@pytest.mark.parametrize("role", ["boss", ""])
def test_an_unknown_role_is_refused(role):
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError):
        user_create(username="gina", role=role)


def test_a_liaison_officer_starts_with_an_empty_cover():
    user, _ = user_create(username="liaison", role=Role.LIAISON_OFFICER)
    cover = LiaisonCover.objects.get(user=user)
    assert not cover.organisation_types.exists() and not cover.all_areas


def test_enrolment_sets_the_password_confirms_the_app_and_shows_ten_recovery_codes_once():
    user, link = user_create(username="hana", role=Role.CHAIR)
    client = Client()
    page = client.get(_path(link))
    assert page.status_code == 200
    html = page.content.decode()
    assert 'src="data:image/svg+xml;base64,' in html
    device = TOTPDevice.objects.get(user=user, confirmed=False)
    assert client.get(_path(link)).status_code == 200  # a reload keeps the same device
    assert TOTPDevice.objects.filter(user=user).count() == 1

    response = client.post(
        _path(link),
        {"password": NEW_PASSWORD, "password_again": NEW_PASSWORD, "code": totp_code(device)},
    )
    assert response.status_code == 302
    codes_page = client.get(response["Location"]).content.decode()
    codes = re.findall(r"<li>([a-z2-7]{8})</li>", codes_page)
    assert len(codes) == 10
    assert set(codes) == set(
        StaticToken.objects.filter(device__user=user).values_list("token", flat=True)
    )
    assert not re.findall(
        r"<li>([a-z2-7]{8})</li>", client.get(response["Location"]).content.decode()
    )

    user.refresh_from_db()
    assert user.check_password(NEW_PASSWORD)
    assert TOTPDevice.objects.get(user=user).confirmed
    assert client.get("/").status_code == 200  # signed in with both factors
    assert Client().get(_path(link)).status_code == 404  # the link worked once


def test_enrolment_refuses_a_weak_password_or_a_wrong_code():
    user, link = user_create(username="ivan", role=Role.CHAIR)
    client = Client()
    client.get(_path(link))
    device = TOTPDevice.objects.get(user=user)
    response = client.post(
        _path(link), {"password": "password", "password_again": "password", "code": "000000"}
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert "There is a problem" in html and "govuk-error-summary" in html
    assert "This password is too short" in html
    user.refresh_from_db()
    assert not user.has_usable_password() and not TOTPDevice.objects.get(pk=device.pk).confirmed


def test_a_tampered_link_is_refused():
    _, link = user_create(username="jo", role=Role.CHAIR)
    assert Client().get(_path(link)[:-3] + "xx/").status_code == 404
