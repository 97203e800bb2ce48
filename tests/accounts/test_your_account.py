"""Your account: changing one's own password (the current one first; other sessions end), and
new recovery codes only after giving the password again."""

import pytest
from django.urls import reverse
from django_otp.plugins.otp_static.models import StaticToken

from safeguard.accounts.models import Role
from safeguard.audit.models import AuditAction, AuditEntry
from tests.factories import PASSWORD

pytestmark = pytest.mark.django_db

NEW_PASSWORD = "a new and long enough passphrase 7"


def _change(client, current=PASSWORD, new=NEW_PASSWORD, again=None):
    return client.post(
        reverse("accounts:password-change"),
        {
            "current_password": current,
            "new_password": new,
            "new_password_again": new if again is None else again,
        },
    )


def test_the_account_page_links_to_changing_the_password(signed_in_client):
    client = signed_in_client(Role.ANALYST)
    html = client.get(reverse("accounts:account")).content.decode()
    assert reverse("accounts:password-change") in html
    page = client.get(reverse("accounts:password-change"))
    assert page.status_code == 200
    html = page.content.decode()
    assert "Current password" in html and "New password" in html
    assert 'autocomplete="current-password"' in html and 'autocomplete="new-password"' in html


def test_changing_the_password_ends_other_sessions_keeps_this_one_and_is_audited(
    signed_in_client,
):
    here = signed_in_client(Role.CHAIR)
    elsewhere = signed_in_client(user=here.user)
    response = _change(here)
    assert response.status_code == 302 and response["Location"] == reverse("accounts:account")
    here.user.refresh_from_db()
    assert here.user.check_password(NEW_PASSWORD)
    assert "Your password has been changed" in here.get(response["Location"]).content.decode()
    assert here.get("/").status_code == 200
    assert elsewhere.get("/").status_code == 302
    entry = AuditEntry.objects.get(summary="Changed their password")
    assert entry.actor == here.user and entry.action == AuditAction.CHANGE


def test_a_wrong_current_password_changes_nothing(signed_in_client):
    client = signed_in_client(Role.CHAIR)
    response = _change(client, current="not my password")
    assert response.status_code == 200
    assert "Your current password is not right" in response.content.decode()
    client.user.refresh_from_db()
    assert client.user.check_password(PASSWORD)
    assert AuditEntry.objects.filter(action=AuditAction.SIGN_IN_FAILED, actor=client.user).exists()


@pytest.mark.parametrize(
    ("new", "again", "message"),
    [
        ("short", None, "This password is too short"),
        ("password1234", None, "This password is too common"),
        (NEW_PASSWORD, NEW_PASSWORD + "x", "The new passwords do not match"),
        ("", None, "Enter a new password"),
    ],
)
def test_a_weak_or_mistyped_new_password_is_refused_with_a_clear_message(
    signed_in_client, new, again, message
):
    client = signed_in_client(Role.CHAIR)
    response = _change(client, new=new, again=again)
    assert response.status_code == 200
    assert message in response.content.decode()
    assert "govuk-error-summary" in response.content.decode()
    client.user.refresh_from_db()
    assert client.user.check_password(PASSWORD)


def test_wrong_current_passwords_count_towards_the_lockout(signed_in_client, settings):
    client = signed_in_client(Role.CHAIR)
    for _ in range(settings.SAFEGUARD_LOCKOUT_USERNAME_LIMIT - 1):
        _change(client, current="not my password")
    assert _change(client, current="not my password").status_code == 429
    client.user.refresh_from_db()
    assert client.user.check_password(PASSWORD)


def test_new_recovery_codes_need_the_password(signed_in_client):
    client = signed_in_client(Role.CHAIR)
    page = client.get(reverse("accounts:recovery-codes")).content.decode()
    assert 'autocomplete="current-password"' in page

    response = client.post(reverse("accounts:recovery-codes"), {"password": "not my password"})
    assert response.status_code == 200
    assert "Your password is not right" in response.content.decode()
    assert not StaticToken.objects.filter(device__user=client.user).exists()

    response = client.post(reverse("accounts:recovery-codes"), {})
    assert response.status_code == 200
    assert "Enter your password" in response.content.decode()
    assert not StaticToken.objects.filter(device__user=client.user).exists()

    response = client.post(reverse("accounts:recovery-codes"), {"password": PASSWORD})
    assert response.status_code == 302
    assert StaticToken.objects.filter(device__user=client.user).count() == 10
    shown = client.get(reverse("accounts:recovery-codes")).content.decode()
    assert "They will not be shown again" in shown
    assert AuditEntry.objects.filter(summary="Replaced recovery codes").exists()
