"""Accounts: creating users, enrolling their second factor, signing in and out, resetting 2FA,
changing roles and a liaison officer's cover. Every change writes an audit entry."""

from __future__ import annotations

import time
from collections.abc import Iterable
from typing import Any

from django.conf import settings
from django.contrib import auth
from django.contrib.auth.password_validation import validate_password
from django.contrib.auth.tokens import PasswordResetTokenGenerator
from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import HttpRequest
from django.urls import reverse
from django.utils.encoding import force_bytes, force_str
from django.utils.http import urlsafe_base64_decode, urlsafe_base64_encode
from django_otp import login as otp_login
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from safeguard.audit.models import AuditAction
from safeguard.audit.services import audit_record, field_changes
from safeguard.cases.models import Area
from safeguard.escalations.models import OrganisationType

from .http import AuthenticatedHttpRequest
from .models import LiaisonCover, Role, User

RECOVERY_CODE_COUNT = 10
PENDING_SIGN_IN_KEY = "safeguard_pending_sign_in"
PENDING_SIGN_IN_SECONDS = 5 * 60
NEW_RECOVERY_CODES_KEY = "safeguard_new_recovery_codes"
SIGNED_IN_AT_KEY = "safeguard_signed_in_at"
ENROLMENT_KEY = "safeguard_enrolment"
# What a session that ended for want of activity left unsaved, told after the next sign-in.
TIMED_OUT_KEY = "safeguard_timed_out"
UNSAVED_LABELS_KEPT = 10


class EnrolmentTokenGenerator(PasswordResetTokenGenerator):
    """One-time enrolment links: a token stops working once the password is set, the user
    signs in, or their 2FA is reset again (the session epoch moves), and after
    PASSWORD_RESET_TIMEOUT seconds."""

    key_salt = "safeguard.accounts.EnrolmentTokenGenerator"

    def _make_hash_value(self, user: Any, timestamp: int) -> str:
        last_login = "" if user.last_login is None else user.last_login.replace(microsecond=0)
        return f"{user.pk}{user.password}{last_login}{user.session_epoch}{timestamp}"


enrolment_tokens = EnrolmentTokenGenerator()


# ---- creating users and enrolment links ----------------------------------------------------


def enrolment_link(*, user: User, base_url: str | None = None) -> str:
    """An absolute, one-time link where `user` sets a password and enrols an authenticator app:
    at `base_url` (the web pages give the address their request came to), else at
    SAFEGUARD_BASE_URL (the command line, which has no request).

    The one-time part follows '#': browsers never send it to a server, so it is in no access
    log (gunicorn's, nginx's) and no Referer. The page's script POSTs it (or the person pastes
    the link), and the enrolment carries on in the session, at a URL without it."""
    uidb64 = urlsafe_base64_encode(force_bytes(user.pk))
    token = enrolment_tokens.make_token(user)
    base = (base_url or settings.SAFEGUARD_BASE_URL).rstrip("/")
    return f"{base}{reverse('accounts:enrol')}#{uidb64}.{token}"


def enrolment_user(*, uidb64: str, token: str) -> User | None:
    """The user an enrolment link is for, or None if it is unknown, used or expired."""
    try:
        user = User.objects.get(pk=int(force_str(urlsafe_base64_decode(uidb64))))
    except (ValueError, TypeError, OverflowError, User.DoesNotExist):
        return None
    if not user.is_active or not enrolment_tokens.check_token(user, token):
        return None
    return user


def enrolment_start(*, request: HttpRequest, link: str) -> User | None:
    """Take an enrolment link (the whole link, or the part after '#') into this session; return
    the user it is for, or None if it does not work."""
    code = link.strip().rsplit("#", 1)[-1]
    uidb64, _, token = code.partition(".")
    user = enrolment_user(uidb64=uidb64, token=token)
    if user is None:
        return None
    request.session.cycle_key()
    request.session[ENROLMENT_KEY] = {"uidb64": uidb64, "token": token}
    return user


def enrolment_pending_user(*, request: HttpRequest) -> User | None:
    """The user whose enrolment link was opened in this session, while the link still works."""
    pending = request.session.get(ENROLMENT_KEY) or {}
    return enrolment_user(uidb64=pending.get("uidb64", ""), token=pending.get("token", ""))


@transaction.atomic
def user_create(
    *,
    username: str,
    role: str,
    first_name: str = "",
    last_name: str = "",
    email: str = "",
    by: User | None = None,
    base_url: str | None = None,
) -> tuple[User, str]:
    """Create an account with no usable password; return it and its one-time enrolment link
    (to be shown once: it is not stored)."""
    if role not in Role.values:
        raise ValidationError(
            {"role": f"Select a role: {role!r} is not one of {', '.join(Role.values)}"}
        )
    username = username.strip()
    if not username:
        raise ValidationError({"username": "Enter a username"})
    if User.objects.filter(username__iexact=username).exists():
        raise ValidationError(
            {"username": "A user with that username already exists: enter another username"}
        )
    user = User(username=username, role=role, first_name=first_name, last_name=last_name)
    user.email = email
    user.set_unusable_password()
    user.full_clean()
    user.save()
    if role == Role.LIAISON_OFFICER:
        LiaisonCover.objects.create(user=user)
    audit_record(
        actor=by,
        action=AuditAction.CREATE,
        record_type="user",
        record_id=str(user.pk),
        summary=f"Created user {user.username} with role {user.get_role_display()}",
    )
    return user, enrolment_link(user=user, base_url=base_url)


# ---- enrolment -----------------------------------------------------------------------------


def totp_device_for_enrolment(*, user: User) -> TOTPDevice:
    """The user's unconfirmed authenticator device, created on first use, so that reloading the
    enrolment page shows the same QR code."""
    device = TOTPDevice.objects.filter(user=user, confirmed=False).order_by("pk").first()
    if device is None:
        device = TOTPDevice.objects.create(user=user, name="Authenticator app", confirmed=False)
    return device


def _recovery_codes_replace(*, user: User) -> list[str]:
    StaticDevice.objects.filter(user=user).delete()
    device = StaticDevice.objects.create(user=user, name="Recovery codes", confirmed=True)
    codes = [StaticToken.random_token() for _ in range(RECOVERY_CODE_COUNT)]
    StaticToken.objects.bulk_create(StaticToken(device=device, token=code) for code in codes)
    return codes


@transaction.atomic
def enrolment_complete(
    *, request: HttpRequest, user: User, device: TOTPDevice, password: str, code: str
) -> list[str]:
    """Set the password, confirm the authenticator app by a code from it, replace the recovery
    codes and sign the user in with both factors. Returns the new recovery codes."""
    errors: dict[str, list[str]] = {}
    try:
        validate_password(password, user=user)
    except ValidationError as error:
        errors["password"] = list(error.messages)
    if device.user_id != user.pk or device.confirmed:
        errors["code"] = ["Reload the page and scan the new QR code."]
    elif not device.verify_token(code.replace(" ", "")):
        errors["code"] = ["The code is not right: enter the 6 digits the app shows now."]
    if errors:
        raise ValidationError(errors)
    user.set_password(password)
    user.save(update_fields=["password"])
    TOTPDevice.objects.filter(user=user).exclude(pk=device.pk).delete()
    device.confirmed = True
    device.save(update_fields=["confirmed"])
    codes = _recovery_codes_replace(user=user)
    audit_record(
        actor=user,
        action=AuditAction.CHANGE,
        record_type="user",
        record_id=str(user.pk),
        summary="Set a password and enrolled an authenticator app and recovery codes",
    )
    request.session.pop(ENROLMENT_KEY, None)
    _sign_in(request=request, user=user, device=device, summary="Signed in after enrolling")
    return codes


def password_confirm(*, request: HttpRequest, user: User, password: str) -> bool:
    """Whether `password` is the signed-in user's own. Wrong ones are audited and count towards
    the sign-in lockout, so a session left open cannot be used to guess the password."""
    confirmed = auth.authenticate(request, username=user.get_username(), password=password)
    if confirmed is not None and confirmed.pk == user.pk:
        return True
    audit_record(
        actor=user,
        action=AuditAction.SIGN_IN_FAILED,
        record_type="user",
        record_id=str(user.pk),
        summary="Wrong password given to confirm a change to their account",
    )
    return False


def password_change(
    *, request: HttpRequest, user: User, current_password: str, new_password: str
) -> None:
    """Change the signed-in user's password, after checking the current one; every other
    session the user has ends, this one carries on."""
    # Outside the transaction below: a wrong password's audit entry and lockout count stay.
    if not password_confirm(request=request, user=user, password=current_password):
        raise ValidationError({"current_password": "Your current password is not right"})
    try:
        validate_password(new_password, user=user)
    except ValidationError as error:
        raise ValidationError({"new_password": list(error.messages)}) from error
    with transaction.atomic():
        _password_set(request=request, user=user, password=new_password)


def _password_set(*, request: HttpRequest, user: User, password: str) -> None:
    user.set_password(password)
    user.session_epoch += 1
    user.save(update_fields=["password", "session_epoch"])
    auth.update_session_auth_hash(request, user)
    audit_record(
        actor=user,
        action=AuditAction.CHANGE,
        record_type="user",
        record_id=str(user.pk),
        summary="Changed their password",
    )


@transaction.atomic
def recovery_codes_renew(*, user: User) -> list[str]:
    """New recovery codes in place of the old (the caller has had the password confirmed)."""
    codes = _recovery_codes_replace(user=user)
    audit_record(
        actor=user,
        action=AuditAction.CHANGE,
        record_type="user",
        record_id=str(user.pk),
        summary="Replaced recovery codes",
    )
    return codes


def recovery_codes_remaining(*, user: User) -> int:
    return StaticToken.objects.filter(device__user=user).count()


# ---- signing in and out --------------------------------------------------------------------


def has_second_factor(user: User) -> bool:
    return TOTPDevice.objects.filter(user=user, confirmed=True).exists()


def sign_in_password(*, request: HttpRequest, username: str, password: str) -> User | None:
    """Check the password (django-axes counts failures and locks out). On success the user is
    not yet signed in: they are remembered in the session for the second step."""
    user = auth.authenticate(request, username=username, password=password)
    if user is None:
        known = User.objects.filter(username=username).first()
        audit_record(
            actor=known,
            actor_name=username[:150],
            action=AuditAction.SIGN_IN_FAILED,
            record_type="user",
            record_id=str(known.pk) if known else "",
            summary="Wrong username or password, or locked out",
        )
        return None
    request.session.cycle_key()
    request.session[PENDING_SIGN_IN_KEY] = {"user_id": user.pk, "at": time.time()}
    return user


def pending_sign_in_user(*, request: HttpRequest) -> User | None:
    """The user who gave the right password in this session in the last few minutes."""
    pending = request.session.get(PENDING_SIGN_IN_KEY)
    if not pending or time.time() - pending.get("at", 0) > PENDING_SIGN_IN_SECONDS:
        return None
    return User.objects.filter(pk=pending.get("user_id"), is_active=True).first()


def sign_in_second_factor(*, request: HttpRequest, user: User, code: str) -> bool:
    """Check a code from the authenticator app or a recovery code (each works once); on success
    sign the user in with both factors."""
    code = code.replace(" ", "").replace("-", "").strip().lower()
    # A six-digit code is from the app; anything else can only be a recovery code. Checking one
    # device only keeps django-otp's per-device throttling meaningful.
    model = TOTPDevice if (len(code) == 6 and code.isdigit()) else StaticDevice
    with transaction.atomic():
        device = model.objects.select_for_update().filter(user=user, confirmed=True).first()
        if device is not None and not device.verify_token(code):
            device = None
    if device is None:
        audit_record(
            actor=user,
            action=AuditAction.SIGN_IN_FAILED,
            record_type="user",
            record_id=str(user.pk),
            summary="Wrong two-factor code",
        )
        return False
    used_recovery_code = isinstance(device, StaticDevice)
    summary = "Signed in with a recovery code" if used_recovery_code else "Signed in"
    _sign_in(request=request, user=user, device=device, summary=summary)
    return True


def _sign_in(*, request: HttpRequest, user: User, device: Any, summary: str) -> None:
    request.session.pop(PENDING_SIGN_IN_KEY, None)
    auth.login(request, user, backend="django.contrib.auth.backends.ModelBackend")
    otp_login(request, device)
    audit_record(
        actor=user,
        action=AuditAction.SIGN_IN,
        record_type="user",
        record_id=str(user.pk),
        summary=summary,
    )


def session_mark_signed_in(*, request: HttpRequest) -> None:
    """Remember when this session signed in (on every sign-in: see AccountsConfig.ready)."""
    request.session[SIGNED_IN_AT_KEY] = time.time()


def session_end_if_too_old(*, request: HttpRequest) -> bool:
    """Sign out a session that signed in more than SAFEGUARD_SESSION_MAX_HOURS ago, however
    active. Returns whether it did."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return False
    signed_in_at = request.session.get(SIGNED_IN_AT_KEY)
    if signed_in_at is None:  # a session from before the limit existed: it starts counting now
        session_mark_signed_in(request=request)
        return False
    hours = settings.SAFEGUARD_SESSION_MAX_HOURS
    if time.time() - signed_in_at <= hours * 3600:
        return False
    _audit_sign_out(user, f"Session ended: {hours:g} hours since signing in")
    auth.logout(request)
    return True


def _audit_sign_out(user: User, summary: str) -> None:
    audit_record(
        actor=user,
        action=AuditAction.SIGN_OUT,
        record_type="user",
        record_id=str(user.pk),
        summary=summary,
    )


def sign_out(*, request: HttpRequest) -> None:
    user = request.user
    if user.is_authenticated:
        _audit_sign_out(user, "Signed out")
    auth.logout(request)


def idle_time_out_phrase() -> str:
    """The idle time-out in words: "30 minutes" (or seconds, for a shortened test time-out)."""
    seconds = settings.SESSION_COOKIE_AGE
    if seconds % 60:
        return f"{seconds} seconds"
    minutes = seconds // 60
    return "1 minute" if minutes == 1 else f"{minutes} minutes"


def session_extend(*, request: AuthenticatedHttpRequest) -> int:
    """Keep a signed-in session for another idle time-out ("Stay signed in" on the warning);
    returns the seconds it now has. Not audited: nothing is viewed or changed, and a session
    that does end is (session_time_out)."""
    request.session.set_expiry(None)
    request.session.modified = True
    return settings.SESSION_COOKIE_AGE


def session_time_out(*, request: HttpRequest, unsaved: Iterable[str]) -> None:
    """Sign out a session whose idle time ran out in the browser (its warning went unanswered)
    and remember, for the next sign-in in this browser, the fields whose changes were lost."""
    user = request.user
    user_id = None
    if user.is_authenticated:
        user_id = user.pk
        _audit_sign_out(user, f"Signed out after {idle_time_out_phrase()} without activity")
    auth.logout(request)
    labels = [" ".join(label.split())[:100] for label in unsaved if label.strip()]
    request.session[TIMED_OUT_KEY] = {
        "user_id": user_id,
        "unsaved": list(dict.fromkeys(labels))[:UNSAVED_LABELS_KEPT],
        "form_sent": False,
    }


def session_note_form_lost(*, request: HttpRequest) -> None:
    """A form sent after the session had ended is not saved: say so after the next sign-in."""
    request.session[TIMED_OUT_KEY] = {"user_id": None, "unsaved": [], "form_sent": True}


def session_time_out_message(*, request: HttpRequest, user: User) -> str | None:
    """What the person signing in lost when their last session timed out in this browser (only
    them: somebody else signing in on the same computer is told nothing)."""
    note = request.session.pop(TIMED_OUT_KEY, None)
    if not note or note.get("user_id") not in (None, user.pk):
        return None
    signed_out = f"You were signed out after {idle_time_out_phrase()} without activity"
    if note.get("unsaved"):
        fields = ", ".join(note["unsaved"])
        return f"{signed_out}, so what you had entered was not saved ({fields}). Enter it again."
    if note.get("form_sent"):
        return f"{signed_out}, so the form you sent was not saved. Enter it again."
    return f"{signed_out}. You had not changed anything on this page."


@transaction.atomic
def sign_out_everywhere(*, request: AuthenticatedHttpRequest) -> None:
    """End every session the user has, on every device, this one included."""
    user = request.user
    User.objects.filter(pk=user.pk).update(session_epoch=user.session_epoch + 1)
    _audit_sign_out(user, "Signed out everywhere")
    auth.logout(request)


# ---- administration ------------------------------------------------------------------------


@transaction.atomic
def two_factor_reset(*, user: User, by: User | None, base_url: str | None = None) -> str:
    """For a lost phone: remove the user's devices and password, end their sessions, and
    return a new one-time enrolment link."""
    TOTPDevice.objects.filter(user=user).delete()
    StaticDevice.objects.filter(user=user).delete()
    user.set_unusable_password()
    user.session_epoch += 1
    user.save(update_fields=["password", "session_epoch"])
    audit_record(
        actor=by,
        action=AuditAction.CHANGE,
        record_type="user",
        record_id=str(user.pk),
        summary=f"Reset two-factor authentication of {user.username}",
    )
    return enrolment_link(user=user, base_url=base_url)


@transaction.atomic
def user_update(
    *,
    user: User,
    by: User | None,
    role: str,
    is_active: bool,
    first_name: str,
    last_name: str,
    email: str,
) -> User:
    if role not in Role.values:
        raise ValidationError({"role": "Select a role"})
    if by is not None and by.pk == user.pk and (role != Role.MANAGER or not is_active):
        raise ValidationError(
            {"role": "You cannot remove your own manager role or deactivate yourself"}
        )
    new_values = {
        "role": role,
        "is_active": is_active,
        "first_name": first_name,
        "last_name": last_name,
        "email": email,
    }
    changes = field_changes(user, new_values)
    if not changes:
        return user
    for name, value in new_values.items():
        setattr(user, name, value)
    if "role" in changes or "is_active" in changes:
        user.session_epoch += 1  # a change of rights takes effect at once
    user.full_clean()
    user.save()
    if user.role == Role.LIAISON_OFFICER:
        LiaisonCover.objects.get_or_create(user=user)
    audit_record(
        actor=by,
        action=AuditAction.CHANGE,
        record_type="user",
        record_id=str(user.pk),
        summary=f"Changed user {user.username}",
        changes=changes,
    )
    return user


@transaction.atomic
def liaison_cover_set(
    *,
    user: User,
    by: User | None,
    organisation_types: Iterable[OrganisationType],
    areas: Iterable[Area],
    all_areas: bool,
) -> LiaisonCover:
    cover, _ = LiaisonCover.objects.get_or_create(user=user)
    old = {
        "organisation_types": sorted(t.name for t in cover.organisation_types.all()),
        "areas": sorted(a.name for a in cover.areas.all()),
        "all_areas": cover.all_areas,
    }
    organisation_types, areas = list(organisation_types), list(areas)
    new = {
        "organisation_types": sorted(t.name for t in organisation_types),
        "areas": sorted(a.name for a in areas),
        "all_areas": all_areas,
    }
    cover.all_areas = all_areas
    cover.save()
    cover.organisation_types.set(organisation_types)
    cover.areas.set(areas)
    changes = {k: (old[k], new[k]) for k in old if old[k] != new[k]}
    if changes:
        audit_record(
            actor=by,
            action=AuditAction.CHANGE,
            record_type="liaison_cover",
            record_id=str(user.pk),
            summary=f"Changed the liaison cover of {user.username}",
            changes=changes,
        )
    return cover


@transaction.atomic
def user_areas_set(*, user: User, by: User | None, areas: Iterable[Area], all_areas: bool) -> User:
    """The areas whose children `user` sees (chairs and business support; managers see every
    area whatever is set). It takes effect on the user's next request."""
    old = {"areas": sorted(a.name for a in user.areas.all()), "all_areas": user.all_areas}
    areas = list(areas)
    new = {"areas": sorted(a.name for a in areas), "all_areas": all_areas}
    changes = {k: (old[k], new[k]) for k in old if old[k] != new[k]}
    if not changes:
        return user
    user.all_areas = all_areas
    user.save(update_fields=["all_areas"])
    user.areas.set(areas)
    audit_record(
        actor=by,
        action=AuditAction.CHANGE,
        record_type="user_areas",
        record_id=str(user.pk),
        summary=f"Changed the areas of {user.username}",
        changes=changes,
    )
    return user


def _areas_named(names: Iterable[str]) -> list[Area]:
    names = [n.strip() for n in names if n.strip()]
    found = {a.name.casefold(): a for a in Area.objects.all()}
    unknown = [n for n in names if n.casefold() not in found]
    if unknown:
        known = ", ".join(sorted(a.name for a in found.values())) or "none recorded yet"
        raise ValidationError({"areas": f"No area is named {', '.join(unknown)} (areas: {known})"})
    return [found[n.casefold()] for n in names]


def cli_user_add(
    *, username: str, role: str, areas: Iterable[str] = (), all_areas: bool = False
) -> str:
    """For `safeguard user add NAME --role ROLE [--area NAME ...] [--all-areas]`: the text to
    print (the link appears once)."""
    with transaction.atomic():
        chosen = _areas_named(areas)
        user, link = user_create(username=username, role=role, by=None)
        if chosen or all_areas:
            user_areas_set(user=user, by=None, areas=chosen, all_areas=all_areas)
    if user.role in (Role.CHAIR, Role.BUSINESS_SUPPORT):
        seen = "every area" if all_areas else ", ".join(a.name for a in chosen) or "no area yet"
        areas_line = f"Areas: {seen}.\n"
    else:
        areas_line = ""
    return (
        f"Created {user.username} ({user.get_role_display()}).\n"
        f"{areas_line}"
        f"Enrolment link (works once, for {settings.PASSWORD_RESET_TIMEOUT // 3600} hours):\n"
        f"{link}\n"
    )
