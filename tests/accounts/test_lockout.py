"""Lockout: failures are counted per username whatever the address, and per address whatever
the username, with separate limits; the client's address comes from the proxy's
X-Forwarded-For only when SAFEGUARD_TRUSTED_PROXIES names the proxy; the attempt before the
lock warns."""

import pytest
from axes.models import AccessAttempt
from django.conf import settings
from django.test import Client
from django.urls import reverse

from safeguard.accounts.lockout import client_address
from safeguard.accounts.models import Role
from tests.factories import PASSWORD, make_user, totp_code, totp_device_of

pytestmark = pytest.mark.django_db

USERNAME_LIMIT = settings.SAFEGUARD_LOCKOUT_USERNAME_LIMIT
ADDRESS_LIMIT = settings.SAFEGUARD_LOCKOUT_ADDRESS_LIMIT
WRONG = "wrong password"
WARNING = "If you enter a wrong password once more, sign-in will be locked for 30 minutes"


def _try(username, password=WRONG, *, address="192.0.2.1", forwarded=None):
    headers = {"REMOTE_ADDR": address}
    if forwarded is not None:
        headers["HTTP_X_FORWARDED_FOR"] = forwarded
    return Client(**headers).post(
        reverse("accounts:sign-in"), {"username": username, "password": password}
    )


def test_the_limits_are_ten_per_username_and_twenty_per_address():
    assert (USERNAME_LIMIT, ADDRESS_LIMIT) == (10, 20)


def test_twelve_wrong_passwords_from_twelve_addresses_lock_the_account():
    user = make_user(Role.CHAIR)
    for n in range(12):
        _try(user.username, address=f"198.51.100.{n + 1}")
    response = _try(user.username, PASSWORD, address="203.0.113.99")  # the right one, elsewhere
    assert response.status_code == 429
    assert "Sign-in is locked for now" in response.content.decode()


def test_the_username_locks_at_its_limit_from_spread_addresses_and_not_before():
    user = make_user(Role.CHAIR)
    for n in range(USERNAME_LIMIT - 1):
        assert _try(user.username, address=f"198.51.100.{n + 1}").status_code == 200
    assert _try(user.username, PASSWORD, address="203.0.113.99").status_code == 302
    # the right password without the second factor does not clear the count
    _try(user.username, address="198.51.100.200")
    assert _try(user.username, PASSWORD, address="203.0.113.99").status_code == 429


def test_a_full_sign_in_clears_the_usernames_failures_only():
    user = make_user(Role.CHAIR)
    for _ in range(USERNAME_LIMIT - 1):
        _try(user.username, address="192.0.2.66")
    for n in range(ADDRESS_LIMIT - USERNAME_LIMIT):
        _try(f"guess{n}", address="192.0.2.66")
    client = Client(REMOTE_ADDR="192.0.2.66")
    client.post(reverse("accounts:sign-in"), {"username": user.username, "password": PASSWORD})
    code = totp_code(totp_device_of(user))
    assert client.post(reverse("accounts:sign-in-code"), {"code": code}).status_code == 302
    assert AccessAttempt.objects.filter(username=user.username).count() == 0
    # the address keeps its failures against other usernames, towards its own limit
    assert AccessAttempt.objects.filter(ip_address="192.0.2.66").count() == 10
    for n in range(ADDRESS_LIMIT - 10):
        _try(f"other{n}", address="192.0.2.66")
    assert _try(user.username, PASSWORD, address="192.0.2.66").status_code == 429


def test_many_usernames_from_one_address_lock_that_address_and_only_it():
    victim = make_user(Role.CHAIR)
    for n in range(ADDRESS_LIMIT):
        _try(f"guess{n}", address="192.0.2.66")
    assert _try(victim.username, PASSWORD, address="192.0.2.66").status_code == 429
    assert _try(victim.username, PASSWORD, address="192.0.2.67").status_code == 302


def test_the_address_is_not_locked_before_its_limit():
    victim = make_user(Role.CHAIR)
    for n in range(ADDRESS_LIMIT - 1):
        _try(f"guess{n}", address="192.0.2.66")
    assert _try(victim.username, PASSWORD, address="192.0.2.66").status_code == 302


def test_the_attempt_before_the_lock_warns_and_the_ones_before_it_do_not():
    user = make_user(Role.CHAIR)
    for n in range(USERNAME_LIMIT - 2):
        html = _try(user.username, address=f"198.51.100.{n + 1}").content.decode()
        assert WARNING not in html
    html = _try(user.username, address="198.51.100.200").content.decode()
    assert "Enter a correct username and password" in html and WARNING in html
    assert _try(user.username, address="198.51.100.201").status_code == 429


def test_the_address_limit_warns_too():
    for n in range(ADDRESS_LIMIT - 2):
        assert WARNING not in _try(f"guess{n}", address="192.0.2.66").content.decode()
    assert WARNING in _try("guess-last", address="192.0.2.66").content.decode()


def test_a_forwarded_for_header_is_ignored_without_a_trusted_proxy(settings):
    settings.SAFEGUARD_TRUSTED_PROXIES = []
    _try("nobody", address="10.0.0.5", forwarded="198.51.100.7")
    assert set(AccessAttempt.objects.values_list("ip_address", flat=True)) == {"10.0.0.5"}


def test_a_forwarded_for_header_from_a_proxy_not_trusted_is_ignored(settings):
    settings.SAFEGUARD_TRUSTED_PROXIES = ["127.0.0.1"]
    _try("nobody", address="10.0.0.5", forwarded="198.51.100.7")
    assert set(AccessAttempt.objects.values_list("ip_address", flat=True)) == {"10.0.0.5"}


def test_behind_a_trusted_proxy_each_client_is_counted_by_its_own_address(settings):
    settings.SAFEGUARD_TRUSTED_PROXIES = ["127.0.0.1"]
    victim = make_user(Role.CHAIR)
    for n in range(ADDRESS_LIMIT):
        _try(f"guess{n}", address="127.0.0.1", forwarded="192.0.2.66")
    assert set(AccessAttempt.objects.values_list("ip_address", flat=True)) == {"192.0.2.66"}
    # the attacker is locked out; everybody else behind the same proxy is not
    assert (
        _try(victim.username, PASSWORD, address="127.0.0.1", forwarded="192.0.2.66").status_code
        == 429
    )
    assert (
        _try(victim.username, PASSWORD, address="127.0.0.1", forwarded="192.0.2.67").status_code
        == 302
    )


class _Request:
    def __init__(self, remote_addr, forwarded=None):
        self.META = {"REMOTE_ADDR": remote_addr}
        if forwarded is not None:
            self.META["HTTP_X_FORWARDED_FOR"] = forwarded


def test_the_client_is_the_right_most_address_that_is_not_a_trusted_proxy(settings):
    settings.SAFEGUARD_TRUSTED_PROXIES = ["127.0.0.1", "10.1.0.0/16"]
    # a client cannot choose its address by sending its own X-Forwarded-For: nginx appends the
    # address it saw, and that is the one taken
    assert client_address(_Request("127.0.0.1", "6.6.6.6, 192.0.2.9")) == "192.0.2.9"
    assert client_address(_Request("127.0.0.1", "6.6.6.6, 192.0.2.9, 10.1.2.3")) == "192.0.2.9"
    assert client_address(_Request("127.0.0.1", "not-an-address")) == "127.0.0.1"
    assert client_address(_Request("127.0.0.1")) == "127.0.0.1"
    assert client_address(_Request("192.0.2.50", "6.6.6.6")) == "192.0.2.50"


def test_a_trusted_proxy_that_is_not_an_address_is_reported_and_ignored(settings):
    from safeguard.accounts.lockout import trusted_proxies_check

    settings.SAFEGUARD_TRUSTED_PROXIES = ["nginx", "127.0.0.1"]
    errors = trusted_proxies_check()
    assert [e.id for e in errors] == ["safeguard.E101"] and "'nginx'" in errors[0].msg
    assert client_address(_Request("127.0.0.1", "192.0.2.9")) == "192.0.2.9"
    settings.SAFEGUARD_TRUSTED_PROXIES = ["127.0.0.1"]
    assert trusted_proxies_check() == []


def test_the_limits_follow_the_settings(settings):
    settings.SAFEGUARD_LOCKOUT_USERNAME_LIMIT = 3
    settings.SAFEGUARD_LOCKOUT_ADDRESS_LIMIT = 4
    user = make_user(Role.CHAIR)
    _try(user.username, address="198.51.100.1")
    assert WARNING in _try(user.username, address="198.51.100.2").content.decode()
    assert _try(user.username, address="198.51.100.3").status_code == 429
    for n in range(3):
        _try(f"guess{n}", address="192.0.2.66")
    assert _try("guess-last", address="192.0.2.66").status_code == 429
