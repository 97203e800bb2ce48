"""Test factories and fixtures shared by every app's tests.

Use from a test module or a conftest with `from tests.factories import *  # noqa: F403`, or
register the module once with `pytest_plugins = ["tests.factories"]` in tests/conftest.py.

- `make_user(role=...)`: an active user with a password and a confirmed authenticator app.
- `sign_in(client, user)`: signs `client` in as `user` with both factors (no forms involved).
- `signed_in_client(role)` fixture: a `django.test.Client` signed in as a new user of `role`
  (the user is `client.user`); `signed_in_client(user=u)` for a given user;
  `signed_in_client(role, enforce_csrf_checks=True)` for CSRF tests.
- `totp_code(device)`: the code an authenticator app would show now.
- `make_area`, `make_organisation_type`, `make_child`, `make_plan`, `make_escalation`,
  `make_conference` (a held conference and its meeting).
"""

from __future__ import annotations

import datetime as dt
import itertools
from collections.abc import Callable

import pytest
from django.test import Client
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice

from safeguard.accounts.models import LiaisonCover, Role, User
from safeguard.cases.models import Area, Child, Plan
from safeguard.conferences.models import Conference, Meeting
from safeguard.escalations.models import Escalation, OrganisationType

PASSWORD = "correct horse battery staple 42"
_numbers = itertools.count(1)


def make_user(
    role: str = Role.CHAIR,
    *,
    username: str | None = None,
    password: str = PASSWORD,
    with_totp: bool = True,
    areas: list[Area] | None = None,
    **fields,
) -> User:
    """`areas`: the areas a chair or business support sees; without it they see every area
    (`all_areas`), as most tests are not about area scoping."""
    if role in (Role.CHAIR, Role.BUSINESS_SUPPORT) and areas is None:
        fields.setdefault("all_areas", True)
    user = User(username=username or f"{role}-{next(_numbers)}", role=role, **fields)
    user.set_password(password)
    user.save()
    if areas:
        user.areas.set(areas)
    if with_totp:
        TOTPDevice.objects.create(user=user, name="Authenticator app", confirmed=True)
    return user


def totp_device_of(user: User) -> TOTPDevice:
    return TOTPDevice.objects.get(user=user, confirmed=True)


def totp_code(device: TOTPDevice, *, steps_ahead: int = 0) -> str:
    """The code an authenticator app shows now (or `steps_ahead` periods of 30 s later)."""
    totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
    totp.time = totp.time + steps_ahead * device.step
    return f"{totp.token():0{device.digits}d}"


def sign_in(client: Client, user: User) -> Client:
    """Sign `client` in as `user` with both factors, as the sign-in pages would."""
    device = TOTPDevice.objects.filter(user=user, confirmed=True).first()
    if device is None:
        device = TOTPDevice.objects.create(user=user, name="Authenticator app", confirmed=True)
    client.force_login(user, backend="django.contrib.auth.backends.ModelBackend")
    session = client.session
    session[DEVICE_ID_SESSION_KEY] = device.persistent_id
    session.save()
    return client


@pytest.fixture
def signed_in_client(db) -> Callable[..., Client]:
    def make(role: str = Role.CHAIR, *, user: User | None = None, **client_kwargs) -> Client:
        user = user or make_user(role)
        client = sign_in(Client(**client_kwargs), user)
        client.user = user  # type: ignore[attr-defined]
        return client

    return make


# ---- records ---------------------------------------------------------------------------------


def make_area(name: str | None = None) -> Area:
    return Area.objects.get_or_create(name=name or f"Area {next(_numbers)}")[0]


def make_organisation_type(name: str | None = None) -> OrganisationType:
    return OrganisationType.objects.get_or_create(name=name or f"Agency {next(_numbers)}")[0]


def make_child(
    *,
    child_id: str | None = None,
    given_name: str = "Amelia",
    family_name: str = "Testchild",
    date_of_birth: dt.date | None = dt.date(2015, 6, 14),
    area: Area | None = None,
    **fields,
) -> Child:
    return Child.objects.create(
        child_id=child_id or f"C{next(_numbers):05d}",
        given_name=given_name,
        family_name=family_name,
        date_of_birth=date_of_birth,
        area=area,
        **fields,
    )


def make_plan(
    *,
    child: Child,
    start_on: dt.date = dt.date(2022, 1, 10),
    end_on: dt.date | None = None,
    plan_id: str | None = None,
    **fields,
) -> Plan:
    return Plan.objects.create(
        plan_id=plan_id or f"P{next(_numbers):05d}",
        child=child,
        start_on=start_on,
        end_on=end_on,
        **fields,
    )


def make_conference(
    *,
    child: Child,
    held_on: dt.date,
    conference_id: str,
    reference: str,
    kind: str = "initial",
    **fields,
) -> Conference:
    """A conference held on `held_on` and the meeting it was held at (`reference`)."""
    meeting = Meeting.objects.create(reference=reference, held_on=held_on)
    return Conference.objects.create(
        conference_id=conference_id,
        child=child,
        meeting=meeting,
        kind=kind,
        held_on=held_on,
        **fields,
    )


def make_escalation(
    *,
    organisation_type: OrganisationType | None = None,
    area: Area | None = None,
    child: Child | None = None,
    escalation_id: str | None = None,
    raised_on: dt.date = dt.date(2022, 3, 1),
    **fields,
) -> Escalation:
    return Escalation.objects.create(
        escalation_id=escalation_id or f"E{next(_numbers):05d}",
        raised_on=raised_on,
        organisation_type=organisation_type or make_organisation_type(),
        area=area,
        child=child,
        reason=fields.pop("reason", "no_report"),
        **fields,
    )


def make_liaison_officer(
    *,
    organisation_types: list[OrganisationType] = (),
    areas: list[Area] = (),
    all_areas: bool = False,
) -> User:
    user = make_user(Role.LIAISON_OFFICER)
    cover = LiaisonCover.objects.create(user=user, all_areas=all_areas)
    cover.organisation_types.set(organisation_types)
    cover.areas.set(areas)
    return user


def database_emptied_after_module() -> None:
    """Empty every table, as pytest-django does after a transactional test: for module-scoped
    fixtures that load a whole authority outside the per-test transactions. (The audit trail
    offers no way to delete an entry; a test database's flush is not the application.)"""
    from django.core.management import call_command

    call_command("flush", interactive=False, verbosity=0)


def plans_may_overlap() -> None:
    """Records written before the rule book, on purpose: on PostgreSQL, lift the constraint that
    refuses overlapping plans (cases 0004_r17_plan_overlap) for the rest of the test's
    transaction, which rolls it back with the records. SQLite has no such constraint."""
    from django.db import connection

    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ALTER TABLE cases_plan DROP CONSTRAINT IF EXISTS cases_plan_no_overlap")
