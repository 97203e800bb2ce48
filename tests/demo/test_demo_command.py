"""`safeguard demo` loads the demo authority only into a database that holds nothing else, and
its accounts get credentials nobody has read before: random, printed once, never reset.

A record is a row of any Safeguard table (children, plans, conferences, chairs, areas, user
accounts, the audit trail...) other than the data-version bookkeeping and the demo's own marker.
"""

from __future__ import annotations

import base64
import re
from dataclasses import dataclass

import pytest
from django.db import connection
from django.test import Client
from django.urls import reverse
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice

from safeguard.accounts.models import Role, User
from safeguard.cases.models import Child
from safeguard.cli import main
from safeguard.conferences.models import Chair
from tests.factories import make_area, make_child, make_plan, make_user

pytestmark = pytest.mark.django_db

PUBLISHED_PASSWORD = "demo-safeguard-2022"  # what every demo account had before
PUBLISHED_TOTP_HEX = "3132333435363738393031323334353637383930"


@dataclass(frozen=True)
class Printed:
    username: str
    password: str
    totp_secret: str


def credentials_printed(out: str) -> list[Printed]:
    """The sign-in details `safeguard demo` printed, read back as the person would read them."""
    return [
        Printed(*match)
        for match in re.findall(
            r"^ +(\w+) +\([^)]*\): password (\S+); authenticator secret ([A-Z2-7]+)", out, re.M
        )
    ]


def every_row() -> dict[str, list[tuple]]:
    """Every row of every table, in a stable order: the database as a person would compare it."""
    rows = {}
    with connection.cursor() as cursor:
        for table in sorted(connection.introspection.table_names(cursor)):
            cursor.execute(f'SELECT * FROM "{table}"')  # noqa: S608 - names from the catalogue
            rows[table] = sorted(cursor.fetchall(), key=repr)
    return rows


def a_child():
    make_child(child_id="REAL1", given_name="Real", family_name="Person")


def a_plan():
    make_plan(child=make_child(child_id="REAL2"))


def a_user_account():
    make_user(Role.CHAIR, username="jo.bloggs")


def an_area():
    make_area("Northfield")


def a_chair():
    Chair.objects.create(name="A real chair")


@pytest.mark.parametrize("record", [a_child, a_plan, a_user_account, an_area, a_chair])
def test_a_database_with_one_real_record_is_refused_and_left_exactly_as_it_was(record, capsys):
    record()
    before = every_row()

    assert main(["demo"]) == 1

    assert every_row() == before
    error = capsys.readouterr().err
    assert "refusing to load the demo" in error
    assert "not loaded by safeguard demo" in error


def test_the_refusal_holds_under_any_settings_module(settings, capsys):
    settings.SETTINGS_MODULE = "site_settings"  # the module docs/operations.md has one write
    a_child()
    before = every_row()
    assert main(["demo"]) == 1
    assert every_row() == before


def test_the_refusal_says_what_it_found(capsys):
    a_child()
    a_user_account()
    main(["demo"])
    error = capsys.readouterr().err
    assert "1 child" in error and "1 user account" in error
    assert "Traceback" not in error


def _sign_in(username: str, password: str, totp_secret_base32: str) -> Client:
    client = Client()
    response = client.post(
        reverse("accounts:sign-in"), {"username": username, "password": password}
    )
    assert response.status_code == 302, response.content.decode()[:500]
    key = base64.b32decode(totp_secret_base32)
    code = f"{TOTP(key, step=30, t0=0, digits=6).token():06d}"
    response = client.post(reverse("accounts:sign-in-code"), {"code": code})
    assert response.status_code == 302, response.content.decode()[:500]
    return client


def test_an_empty_database_takes_the_demo_whose_accounts_have_random_credentials_printed_once(
    capsys,
):
    assert main(["demo"]) == 0
    out = capsys.readouterr().out
    assert Child.objects.count() > 3000

    credentials = credentials_printed(out)
    assert {c.username for c in credentials} == {
        "chair",
        "support",
        "manager",
        "analyst",
        "liaison",
        "auditor",
    }
    assert PUBLISHED_PASSWORD not in out
    assert len({c.password for c in credentials}) == 6  # one password per account
    assert len({c.totp_secret for c in credentials}) == 6
    for device in TOTPDevice.objects.filter(user__username__in=[c.username for c in credentials]):
        assert device.key != PUBLISHED_TOTP_HEX
    manager = next(c for c in credentials if c.username == "manager")
    client = _sign_in(manager.username, manager.password, manager.totp_secret)
    assert client.get("/").status_code == 200


def test_the_demo_loads_again_over_itself_and_leaves_its_existing_accounts_alone(capsys):
    assert main(["demo"]) == 0
    first = {c.username: c for c in credentials_printed(capsys.readouterr().out)}
    accounts_before = {
        u.username: (u.password, u.role, list(u.totpdevice_set.values_list("key", flat=True)))
        for u in User.objects.all()
    }

    assert main(["demo"]) == 0
    out = capsys.readouterr().out

    assert credentials_printed(out) == []  # nothing is printed twice
    assert "already exists: left as it is" in out
    assert {
        u.username: (u.password, u.role, list(u.totpdevice_set.values_list("key", flat=True)))
        for u in User.objects.all()
    } == accounts_before
    chair = first["chair"]
    assert _sign_in(chair.username, chair.password, chair.totp_secret).get("/").status_code == 200


def test_an_account_someone_added_to_a_demo_database_is_never_reset(capsys):
    assert main(["demo"]) == 0
    capsys.readouterr()
    User.objects.filter(username="auditor").delete()
    someone = make_user(Role.ANALYST, username="auditor")  # the name a demo account would take
    before = (someone.password, someone.role, list(someone.totpdevice_set.values("key")))

    assert main(["demo"]) == 0

    someone.refresh_from_db()
    assert (someone.password, someone.role, list(someone.totpdevice_set.values("key"))) == before
    assert "auditor: an account of that name already exists: left as it is" in (
        capsys.readouterr().out
    )


def test_settings_that_switch_the_demo_off_refuse_even_an_empty_database(settings, capsys):
    settings.SAFEGUARD_DEMO_ALLOWED = False  # production.py, and any site module built on it
    before = every_row()
    assert main(["demo"]) == 1
    assert every_row() == before
    assert "SAFEGUARD_DEMO_ALLOWED" in capsys.readouterr().err
