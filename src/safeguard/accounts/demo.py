"""Sign-in accounts for the demo authority: one per role, with a known password and a known
authenticator secret, so that somebody trying Safeguard can sign in at once.

Only `safeguard demo` calls this; it refuses to run where production settings are in force."""

from __future__ import annotations

import base64

from django.conf import settings
from django.db import transaction
from django_otp.plugins.otp_totp.models import TOTPDevice

from safeguard.audit.models import AuditAction
from safeguard.audit.services import audit_record
from safeguard.cases.models import Area
from safeguard.conferences.models import Chair, Conference
from safeguard.escalations.models import OrganisationType

from .models import LiaisonCover, Role, User
from .services import _recovery_codes_replace

DEMO_PASSWORD = "demo-safeguard-2022"  # noqa: S105 - published for the demo only
# A fixed, published secret: demo accounts are for trying the software, never for real records.
DEMO_TOTP_SECRET_HEX = "3132333435363738393031323334353637383930"  # noqa: S105
DEMO_ACCOUNTS = (
    ("chair", Role.CHAIR, "Demo", "Chair"),
    ("support", Role.BUSINESS_SUPPORT, "Demo", "Support"),
    ("manager", Role.MANAGER, "Demo", "Manager"),
    ("analyst", Role.ANALYST, "Demo", "Analyst"),
    ("liaison", Role.LIAISON_OFFICER, "Demo", "Liaison"),
    ("auditor", Role.AUDITOR, "Demo", "Auditor"),
)


def demo_totp_secret_base32() -> str:
    return base64.b32encode(bytes.fromhex(DEMO_TOTP_SECRET_HEX)).decode()


@transaction.atomic
def demo_accounts_ensure() -> list[str]:
    """Create (or reset) the demo accounts; return the lines that tell a person how to sign in."""
    if "production" in settings.SETTINGS_MODULE:
        raise RuntimeError("Demo accounts are never created under the production settings.")
    lines = ["", "Demo sign-in (password, then a code from an authenticator app):"]
    busiest_chair = (
        Conference.objects.exclude(chair=None)
        .values_list("chair__name", flat=True)
        .order_by("-held_on")
        .first()
    )
    for username, role, first_name, last_name in DEMO_ACCOUNTS:
        user, _ = User.objects.get_or_create(
            username=username,
            defaults={"role": role, "first_name": first_name, "last_name": last_name},
        )
        user.role = role
        user.set_password(DEMO_PASSWORD)
        user.save()
        TOTPDevice.objects.filter(user=user).delete()
        TOTPDevice.objects.create(
            user=user, name="Demo authenticator", key=DEMO_TOTP_SECRET_HEX, confirmed=True
        )
        codes = _recovery_codes_replace(user=user)
        if role == Role.CHAIR and busiest_chair:
            Chair.objects.filter(user=user).update(user=None)
            Chair.objects.filter(name=busiest_chair).update(user=user)
        if role in (Role.CHAIR, Role.BUSINESS_SUPPORT):
            user.areas.set(Area.objects.all())  # children are scoped by area (decision 0003)
        if role == Role.LIAISON_OFFICER:
            cover, _ = LiaisonCover.objects.get_or_create(user=user)
            cover.organisation_types.set(OrganisationType.objects.all())
            cover.areas.set(Area.objects.all())
        lines.append(
            f"  {username:<8} ({Role(role).label}): password {DEMO_PASSWORD}; "
            f"recovery codes {', '.join(codes[:3])}"
        )
        audit_record(
            actor=None,
            action=AuditAction.CREATE,
            record_type="user",
            record_id=str(user.pk),
            summary=f"Demo account {username} set up",
        )
    lines.append(
        f"  Authenticator secret for every demo account: {demo_totp_secret_base32()} "
        "(add it to an authenticator app, or use a recovery code once)."
    )
    if busiest_chair:
        lines.append(f"  The demo chair signs in as {busiest_chair}'s account.")
    return lines
