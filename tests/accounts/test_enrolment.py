"""Accounts are created without a password; a one-time link lets the user set one and enrol an
authenticator app by QR code, and gives them 10 single-use recovery codes."""

import logging
import re
from urllib.parse import urlsplit

import pytest
from django.test import Client
from django.urls import reverse
from django_otp.plugins.otp_static.models import StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from safeguard.accounts.models import LiaisonCover, Role, User
from safeguard.accounts.services import cli_user_add, user_create
from safeguard.audit.models import AuditAction, AuditEntry
from tests.factories import totp_code

pytestmark = pytest.mark.django_db

NEW_PASSWORD = "a long and unusual passphrase 7"
LINK_REFUSED = "This enrolment link does not work"


def _code(link: str) -> str:
    """What the browser keeps to itself: the part of the link after '#'."""
    return urlsplit(link).fragment


def _open(client: Client, link: str):
    """Open an enrolment link as a browser does: it requests the path alone (never the part
    after '#'); the page's script then POSTs that part, and is sent on to the set-up page."""
    assert client.get(urlsplit(link).path).status_code == 200
    return client.post(reverse("accounts:enrol"), {"link": _code(link)})


def test_user_add_creates_an_account_without_a_password_and_returns_a_link():
    user, link = user_create(username="erin", role=Role.ANALYST)
    assert not user.has_usable_password()
    assert re.fullmatch(r"https?://[^/#]+/enrol/#[A-Za-z0-9_-]+\.[0-9a-z]+-[0-9a-f]+", link)
    entry = AuditEntry.objects.get(action=AuditAction.CREATE, record_type="user")
    assert entry.record_id == str(user.pk)


def test_the_cli_prints_the_link_once(settings):
    settings.SAFEGUARD_BASE_URL = "https://safeguard.example.org"
    text = cli_user_add(username="frank", role="chair")
    assert "https://safeguard.example.org/enrol/#" in text
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
    response = _open(client, link)
    assert response.status_code == 302
    assert response["Location"] == reverse("accounts:enrol-set-up")
    page = client.get(response["Location"])
    assert page.status_code == 200
    html = page.content.decode()
    assert 'src="data:image/svg+xml;base64,' in html
    device = TOTPDevice.objects.get(user=user, confirmed=False)
    assert client.get(reverse("accounts:enrol-set-up")).status_code == 200  # a reload: same
    assert TOTPDevice.objects.filter(user=user).count() == 1

    response = client.post(
        reverse("accounts:enrol-set-up"),
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
    again = _open(Client(), link)  # the link worked once
    assert again.status_code == 200 and LINK_REFUSED in again.content.decode()


def test_enrolment_refuses_a_weak_password_or_a_wrong_code():
    user, link = user_create(username="ivan", role=Role.CHAIR)
    client = Client()
    _open(client, link)
    client.get(reverse("accounts:enrol-set-up"))
    device = TOTPDevice.objects.get(user=user)
    response = client.post(
        reverse("accounts:enrol-set-up"),
        {"password": "password", "password_again": "password", "code": "000000"},
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert "There is a problem" in html and "govuk-error-summary" in html
    assert "This password is too short" in html
    user.refresh_from_db()
    assert not user.has_usable_password() and not TOTPDevice.objects.get(pk=device.pk).confirmed


@pytest.mark.parametrize(
    "tamper",
    [
        lambda code: code[:-3] + "xxx",
        lambda code: "MTIzNDU2." + code.split(".", 1)[1],
        lambda code: "not a link",
        lambda code: "",
    ],
)
def test_a_tampered_or_empty_link_is_refused_with_a_clear_message(tamper):
    _, link = user_create(username="jo", role=Role.CHAIR)
    client = Client()
    response = client.post(reverse("accounts:enrol"), {"link": tamper(_code(link))})
    assert response.status_code == 200
    html = response.content.decode()
    assert "govuk-error-summary" in html
    assert LINK_REFUSED in html or "Enter your enrolment link" in html
    assert client.get(reverse("accounts:enrol-set-up")).status_code == 404


def test_the_set_up_page_needs_a_link_opened_in_this_browser():
    user_create(username="kit", role=Role.CHAIR)
    response = Client().get(reverse("accounts:enrol-set-up"))
    assert response.status_code == 404
    assert "This link does not work" in response.content.decode()


def test_without_javascript_the_whole_link_can_be_pasted():
    user, link = user_create(username="lee", role=Role.CHAIR)
    client = Client()
    page = client.get(reverse("accounts:enrol")).content.decode()
    assert "Paste the whole link" in page
    assert 'src="/static/safeguard/enrol.js"' in page and "<script>" not in page
    response = client.post(reverse("accounts:enrol"), {"link": f"  {link} "})
    assert response.status_code == 302
    assert client.get(response["Location"]).status_code == 200


def test_the_enrolment_token_is_in_no_request_line_and_no_log_record(caplog):
    """The access logs (gunicorn's, nginx's) record the request line; the application log
    records Django's warnings (a 404's path among them). Neither may hold the token."""
    caplog.set_level(logging.DEBUG)
    user, link = user_create(username="max", role=Role.CHAIR)
    token = _code(link).split(".", 1)[1]
    assert token not in urlsplit(link).path + urlsplit(link).query

    requested: list[str] = []

    class RecordingClient(Client):
        def request(self, **request):
            requested.append(f"{request['PATH_INFO']}?{request.get('QUERY_STRING', '')}")
            return super().request(**request)

    client = RecordingClient()
    _open(client, link)
    client.get(reverse("accounts:enrol-set-up"))
    device = TOTPDevice.objects.get(user=user)
    client.post(
        reverse("accounts:enrol-set-up"),
        {"password": NEW_PASSWORD, "password_again": NEW_PASSWORD, "code": totp_code(device)},
    )
    _open(RecordingClient(), link)  # used: refused, and logged as such
    RecordingClient().get(reverse("accounts:enrol-set-up"))  # 404, logged by Django

    assert requested and not [line for line in requested if token in line]
    assert caplog.records
    assert not [r for r in caplog.records if token in r.getMessage()]


def test_the_log_filter_scrubs_enrolment_links_from_every_record():
    from safeguard.web.log_filters import DropRequestDataFilter

    _, link = user_create(username="nia", role=Role.CHAIR)
    token = _code(link).split(".", 1)[1]
    records = [
        logging.LogRecord("x", logging.WARNING, __file__, 1, "Sent %s", (link,), None),
        logging.LogRecord("x", logging.WARNING, __file__, 1, f"Link {link} given", None, None),
        logging.LogRecord(
            "x", logging.WARNING, __file__, 1, "Not Found: %s", (f"/enrol/MQ/{token}/",), None
        ),
        logging.LogRecord("x", logging.WARNING, __file__, 1, "%(u)s", ({"u": link},), None),
    ]
    for record in records:
        DropRequestDataFilter().filter(record)
        assert token not in record.getMessage()
        assert "/enrol/" in record.getMessage()
