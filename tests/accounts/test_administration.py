"""Managers administer users: add with a role, change role and cover, reset 2FA."""

import pytest
from django.urls import reverse
from django_otp.plugins.otp_totp.models import TOTPDevice

from safeguard.accounts.models import LiaisonCover, Role, User
from safeguard.audit.models import AuditAction, AuditEntry
from tests.factories import make_area, make_organisation_type, make_user

pytestmark = pytest.mark.django_db


def test_a_manager_adds_a_user_and_sees_the_enrolment_link_once(signed_in_client):
    client = signed_in_client(Role.MANAGER)
    response = client.post(
        reverse("accounts:user-add"),
        {
            "username": "kim",
            "first_name": "Kim",
            "last_name": "Lee",
            "email": "",
            "role": "auditor",
        },
    )
    assert response.status_code == 302
    kim = User.objects.get(username="kim")
    assert kim.role == Role.AUDITOR
    first = client.get(response["Location"]).content.decode()
    assert "/enrol/" in first
    assert "/enrol/" not in client.get(response["Location"]).content.decode()
    assert AuditEntry.objects.get(action=AuditAction.CREATE).actor == client.user


def test_the_enrolment_link_a_page_gives_is_at_the_address_the_page_was_opened_at(
    signed_in_client, settings
):
    settings.ALLOWED_HOSTS = ["safeguard.council.example"]
    settings.SAFEGUARD_BASE_URL = "http://127.0.0.1:8000"
    client = signed_in_client(Role.MANAGER, HTTP_HOST="safeguard.council.example")
    response = client.post(reverse("accounts:user-add"), {"username": "kim", "role": "auditor"})
    page = client.get(response["Location"]).content.decode()
    assert "http://safeguard.council.example/enrol/#" in page
    assert "127.0.0.1:8000" not in page


def test_adding_a_user_twice_shows_an_error(signed_in_client):
    client = signed_in_client(Role.MANAGER)
    make_user(Role.CHAIR, username="lou")
    response = client.post(reverse("accounts:user-add"), {"username": "LOU", "role": "chair"})
    assert response.status_code == 200
    assert "already exists" in response.content.decode()


def test_a_role_change_is_audited_with_old_and_new_values(signed_in_client):
    client = signed_in_client(Role.MANAGER)
    subject = make_user(Role.CHAIR)
    response = client.post(
        reverse("accounts:user-edit", kwargs={"user_id": subject.pk}),
        {"role": "analyst", "is_active": "on", "first_name": "", "last_name": "", "email": ""},
    )
    assert response.status_code == 302
    entry = AuditEntry.objects.get(action=AuditAction.CHANGE, record_type="user")
    assert entry.changes == {"role": ["chair", "analyst"]}


def test_a_manager_cannot_remove_their_own_manager_role(signed_in_client):
    client = signed_in_client(Role.MANAGER)
    response = client.post(
        reverse("accounts:user-edit", kwargs={"user_id": client.user.pk}),
        {"role": "chair", "is_active": "on"},
    )
    assert response.status_code == 200
    client.user.refresh_from_db()
    assert client.user.role == Role.MANAGER


def test_a_manager_sets_a_liaison_officers_cover(signed_in_client):
    client = signed_in_client(Role.MANAGER)
    officer = make_user(Role.LIAISON_OFFICER)
    police, north = make_organisation_type("Police"), make_area("North")
    response = client.post(
        reverse("accounts:user-edit", kwargs={"user_id": officer.pk}),
        {
            "role": "liaison_officer",
            "is_active": "on",
            "cover-organisation_types": [police.pk],
            "cover-areas": [north.pk],
        },
    )
    assert response.status_code == 302
    cover = LiaisonCover.objects.get(user=officer)
    assert list(cover.organisation_types.all()) == [police]
    assert list(cover.areas.all()) == [north]
    entry = AuditEntry.objects.get(record_type="liaison_cover")
    assert entry.changes["areas"] == [[], ["North"]]


def test_resetting_2fa_removes_the_devices_ends_sessions_and_gives_a_new_link(signed_in_client):
    manager = signed_in_client(Role.MANAGER)
    victim = signed_in_client(Role.CHAIR)
    response = manager.post(
        reverse("accounts:user-reset-two-factor", kwargs={"user_id": victim.user.pk})
    )
    assert response.status_code == 302
    assert "/enrol/" in manager.get(response["Location"]).content.decode()
    assert not TOTPDevice.objects.filter(user=victim.user).exists()
    assert victim.get("/").status_code == 302


def test_other_roles_cannot_reach_another_users_record(signed_in_client):
    subject = make_user(Role.CHAIR)
    url = reverse("accounts:user-detail", kwargs={"user_id": subject.pk})
    assert signed_in_client(Role.CHAIR).get(url).status_code == 403
    missing = reverse("accounts:user-detail", kwargs={"user_id": 999999})
    assert signed_in_client(Role.MANAGER).get(missing).status_code == 404
