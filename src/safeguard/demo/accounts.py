"""Sign-in accounts for the demo authority, one per role, so that somebody trying Safeguard can
sign in at once. Each new account gets its own random password and authenticator secret, shown
once by `safeguard demo` and kept nowhere else; an account that already exists is left as it is.

Only `safeguard.demo.services.demo_load` calls this, after refusing any database that holds
records the demo did not load."""

from __future__ import annotations

import base64
import secrets

from django.db import transaction
from django_otp.plugins.otp_totp.models import TOTPDevice

from safeguard.accounts.models import LiaisonCover, Role, User
from safeguard.accounts.services import _recovery_codes_replace
from safeguard.audit.models import AuditAction
from safeguard.audit.services import audit_record
from safeguard.cases.models import Area
from safeguard.conferences.models import Chair, Conference
from safeguard.escalations.models import OrganisationType

DEMO_ACCOUNTS = (
    ("chair", Role.CHAIR, "Demo", "Chair"),
    ("support", Role.BUSINESS_SUPPORT, "Demo", "Support"),
    ("manager", Role.MANAGER, "Demo", "Manager"),
    ("analyst", Role.ANALYST, "Demo", "Analyst"),
    ("liaison", Role.LIAISON_OFFICER, "Demo", "Liaison"),
    ("auditor", Role.AUDITOR, "Demo", "Auditor"),
)


@transaction.atomic
def demo_accounts_ensure() -> list[str]:
    """Create the demo accounts that do not exist yet; return the lines that tell a person how to
    sign in (the only place the new passwords and secrets are ever shown)."""
    lines = [
        "",
        "Demo sign-in (password, then a code from an authenticator app given the secret; "
        "shown only now):",
    ]
    busiest_chair = (
        Conference.objects.exclude(chair=None)
        .values_list("chair__name", flat=True)
        .order_by("-held_on")
        .first()
    )
    for username, role, first_name, last_name in DEMO_ACCOUNTS:
        if User.objects.filter(username=username).exists():
            lines.append(f"  {username}: an account of that name already exists: left as it is")
            continue
        password = secrets.token_urlsafe(15)
        user = User(username=username, role=role, first_name=first_name, last_name=last_name)
        user.set_password(password)
        user.save()
        device = TOTPDevice.objects.create(user=user, name="Demo authenticator", confirmed=True)
        codes = _recovery_codes_replace(user=user)
        if role == Role.CHAIR and busiest_chair:
            Chair.objects.filter(name=busiest_chair, user=None).update(user=user)
        if role in (Role.CHAIR, Role.BUSINESS_SUPPORT):
            user.areas.set(Area.objects.all())  # children are scoped by area (decision 0003)
        if role == Role.LIAISON_OFFICER:
            cover, _ = LiaisonCover.objects.get_or_create(user=user)
            cover.organisation_types.set(OrganisationType.objects.all())
            cover.areas.set(Area.objects.all())
        secret = base64.b32encode(device.bin_key).decode()
        lines.append(
            f"  {username:<8} ({Role(role).label}): password {password}; "
            f"authenticator secret {secret}; recovery codes {', '.join(codes[:3])}"
        )
        if role == Role.CHAIR and busiest_chair:
            lines.append(f"           (signs in as {busiest_chair}'s account)")
        audit_record(
            actor=None,
            action=AuditAction.CREATE,
            record_type="user",
            record_id=str(user.pk),
            summary=f"Demo account {username} set up",
        )
    lines.append(
        "  Add an account's secret to an authenticator app (or use a recovery code once). "
        "These details are not shown again."
    )
    return lines
