from base64 import b32encode
from urllib.parse import urlencode

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_POST

from . import services
from .access import AREA_SCOPED_ROLES, Permission, is_fully_signed_in
from .decorators import permission_required, public, signed_in_required
from .forms import (
    CodeForm,
    EnrolmentForm,
    EnrolmentLinkForm,
    LiaisonCoverForm,
    PasswordChangeForm,
    PasswordConfirmForm,
    SignInForm,
    UserAddForm,
    UserAreasForm,
    UserEditForm,
)
from .http import AuthenticatedHttpRequest
from .lockout import warning_before_lock
from .models import LiaisonCover, Role
from .qr import qr_code_data_uri
from .selectors import user_get_for_user, users_for_administration

NEXT_KEY = "safeguard_next"
NEW_ENROLMENT_LINK_KEY = "safeguard_new_enrolment_link"


def _safe_next(request: HttpRequest, candidate: str | None) -> str:
    if candidate and url_has_allowed_host_and_scheme(
        candidate, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return candidate
    return reverse("web:home")


# ---- signing in ---------------------------------------------------------------------------


@public
def sign_in(request: HttpRequest) -> HttpResponse:
    if is_fully_signed_in(request.user):
        return redirect("web:home")
    form = SignInForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        next_url = _safe_next(request, request.GET.get("next"))
        user = services.sign_in_password(
            request=request,
            username=form.cleaned_data["username"],
            password=form.cleaned_data["password"],
        )
        if user is None:
            form.add_error(None, "Enter a correct username and password")
            if warning := warning_before_lock(request):
                form.add_error(None, warning)
        elif not services.has_second_factor(user):
            request.session.pop(services.PENDING_SIGN_IN_KEY, None)
            form.add_error(
                None,
                "Your account has no authenticator app set up: "
                "ask a service manager for an enrolment link",
            )
        else:
            request.session[NEXT_KEY] = next_url
            return redirect("accounts:sign-in-code")
    return render(request, "accounts/sign_in.html", {"form": form})


@public
def sign_in_code(request: HttpRequest) -> HttpResponse:
    user = services.pending_sign_in_user(request=request)
    if user is None:
        return redirect("accounts:sign-in")
    form = CodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        next_url = request.session.pop(NEXT_KEY, None)
        time_out_note = request.session.get(services.TIMED_OUT_KEY)
        if services.sign_in_second_factor(
            request=request, user=user, code=form.cleaned_data["code"]
        ):
            request.session[services.TIMED_OUT_KEY] = time_out_note
            if message := services.session_time_out_message(request=request, user=user):
                messages.warning(request, message)
            return redirect(_safe_next(request, next_url))
        request.session[NEXT_KEY] = next_url
        form.add_error("code", "The code is not right, or was used before: try the next one")
        cleared = request.POST.copy()
        cleared["code"] = ""  # a wrong code is not left in the box to be corrected
        form.data = cleared
    return render(request, "accounts/sign_in_code.html", {"form": form})


@public
def enrol(request: HttpRequest) -> HttpResponse:
    """Where an enrolment link opens. Its one-time part (after '#') reaches here by POST."""
    form = EnrolmentLinkForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        if services.enrolment_start(request=request, link=form.cleaned_data["link"]):
            return redirect("accounts:enrol-set-up")
        form.add_error(
            "link",
            "This enrolment link does not work: links work once, for "
            f"{settings.PASSWORD_RESET_TIMEOUT // 86400} days. "
            "Check you copied all of it, or ask a service manager for a new one",
        )
    return render(request, "accounts/enrol_start.html", {"form": form})


@public
def enrol_set_up(request: HttpRequest) -> HttpResponse:
    user = services.enrolment_pending_user(request=request)
    if user is None:
        return render(request, "accounts/enrol_link_invalid.html", status=404)
    device = services.totp_device_for_enrolment(user=user)
    form = EnrolmentForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            codes = services.enrolment_complete(
                request=request,
                user=user,
                device=device,
                password=form.cleaned_data["password"],
                code=form.cleaned_data["code"],
            )
        except ValidationError as error:
            for field, field_messages in error.message_dict.items():
                for message in field_messages:
                    form.add_error(field if field in form.fields else None, message)
        else:
            request.session[services.NEW_RECOVERY_CODES_KEY] = codes
            return redirect("accounts:recovery-codes")
    secret = b32encode(device.bin_key).decode("ascii")
    return render(
        request,
        "accounts/enrol.html",
        {
            "form": form,
            "enrolling_user": user,
            "qr_code": qr_code_data_uri(device.config_url),
            "secret_groups": [secret[i : i + 4] for i in range(0, len(secret), 4)],
        },
    )


# ---- your account -------------------------------------------------------------------------


@signed_in_required
def account(request: AuthenticatedHttpRequest) -> HttpResponse:
    return render(
        request,
        "accounts/account.html",
        {"recovery_codes_left": services.recovery_codes_remaining(user=request.user)},
    )


@signed_in_required
def password_change(request: AuthenticatedHttpRequest) -> HttpResponse:
    form = PasswordChangeForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            services.password_change(
                request=request,
                user=request.user,
                current_password=form.cleaned_data["current_password"],
                new_password=form.cleaned_data["new_password"],
            )
        except ValidationError as error:
            for field, field_messages in error.message_dict.items():
                for message in field_messages:
                    form.add_error(field if field in form.fields else None, message)
        else:
            messages.success(
                request, "Your password has been changed. You have been signed out elsewhere."
            )
            return redirect("accounts:account")
    return render(request, "accounts/password_change.html", {"form": form})


@signed_in_required
def recovery_codes(request: AuthenticatedHttpRequest) -> HttpResponse:
    form = PasswordConfirmForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        if services.password_confirm(
            request=request, user=request.user, password=form.cleaned_data["password"]
        ):
            request.session[services.NEW_RECOVERY_CODES_KEY] = services.recovery_codes_renew(
                user=request.user
            )
            return redirect("accounts:recovery-codes")
        form.add_error("password", "Your password is not right")
    codes = (
        None
        if request.method == "POST"
        else request.session.pop(services.NEW_RECOVERY_CODES_KEY, None)
    )
    return render(
        request,
        "accounts/recovery_codes.html",
        {
            "form": form,
            "codes": codes,
            "recovery_codes_left": services.recovery_codes_remaining(user=request.user),
        },
    )


@signed_in_required
def sign_out(request: AuthenticatedHttpRequest) -> HttpResponse:
    if request.method == "POST":
        services.sign_out(request=request)
        messages.success(request, "You have signed out.")
        return redirect("accounts:sign-in")
    return render(request, "accounts/sign_out.html")


@signed_in_required
@require_POST
def session_extend(request: AuthenticatedHttpRequest) -> HttpResponse:
    """ "Stay signed in" on the time-out warning: by script (JSON), or as a plain form, which
    goes back to the page it was on."""
    seconds = services.session_extend(request=request)
    if "application/json" in request.headers.get("Accept", ""):
        return JsonResponse({"seconds_left": seconds})
    return redirect(_safe_next(request, request.POST.get("next")))


@public
@require_POST
def session_ended(request: HttpRequest) -> HttpResponse:
    """The time-out warning went unanswered: sign out, then sign in again back to the page."""
    services.session_time_out(request=request, unsaved=request.POST.getlist("unsaved"))
    next_url = _safe_next(request, request.POST.get("next"))
    return redirect(f"{reverse(settings.LOGIN_URL)}?{urlencode({'next': next_url})}")


@signed_in_required
@require_POST
def sign_out_everywhere(request: AuthenticatedHttpRequest) -> HttpResponse:
    services.sign_out_everywhere(request=request)
    messages.success(request, "You have signed out on every device.")
    return redirect("accounts:sign-in")


# ---- users and roles (managers) -----------------------------------------------------------


@permission_required(Permission.ADMINISTER)
def users(request: AuthenticatedHttpRequest) -> HttpResponse:
    return render(
        request, "accounts/users.html", {"users": users_for_administration(user=request.user)}
    )


@permission_required(Permission.ADMINISTER)
def user_add(request: AuthenticatedHttpRequest) -> HttpResponse:
    form = UserAddForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            new_user, link = services.user_create(
                by=request.user, base_url=request.build_absolute_uri("/"), **form.cleaned_data
            )
        except ValidationError as error:
            for field, field_messages in error.message_dict.items():
                for message in field_messages:
                    form.add_error(field if field in form.fields else None, message)
        else:
            request.session[NEW_ENROLMENT_LINK_KEY] = link
            return redirect("accounts:user-detail", user_id=new_user.pk)
    return render(request, "accounts/user_add.html", {"form": form})


@permission_required(Permission.ADMINISTER)
def user_detail(request: AuthenticatedHttpRequest, user_id: int) -> HttpResponse:
    subject = user_get_for_user(user=request.user, user_id=user_id)
    cover = LiaisonCover.objects.filter(user=subject).first()
    return render(
        request,
        "accounts/user_detail.html",
        {
            "subject": subject,
            "cover": cover,
            "area_scoped": subject.role in AREA_SCOPED_ROLES,
            "enrolment_link": request.session.pop(NEW_ENROLMENT_LINK_KEY, None),
            "has_second_factor": services.has_second_factor(subject),
        },
    )


@permission_required(Permission.ADMINISTER)
def user_edit(request: AuthenticatedHttpRequest, user_id: int) -> HttpResponse:
    subject = user_get_for_user(user=request.user, user_id=user_id)
    cover = LiaisonCover.objects.filter(user=subject).first()
    initial = {
        "first_name": subject.first_name,
        "last_name": subject.last_name,
        "email": subject.email,
        "role": subject.role,
        "is_active": subject.is_active,
    }
    cover_initial = {
        "organisation_types": list(cover.organisation_types.all()) if cover else [],
        "areas": list(cover.areas.all()) if cover else [],
        "all_areas": cover.all_areas if cover else False,
    }
    areas_initial = {"areas": list(subject.areas.all()), "all_areas": subject.all_areas}
    data = request.POST if request.method == "POST" else None
    form = UserEditForm(data, initial=initial)
    cover_form = LiaisonCoverForm(data, initial=cover_initial, prefix="cover")
    areas_form = UserAreasForm(data, initial=areas_initial, prefix="areas")
    valid = form.is_valid() and cover_form.is_valid() and areas_form.is_valid()
    if request.method == "POST" and valid:
        try:
            services.user_update(user=subject, by=request.user, **form.cleaned_data)
            if subject.role == Role.LIAISON_OFFICER:
                services.liaison_cover_set(user=subject, by=request.user, **cover_form.cleaned_data)
            if subject.role in AREA_SCOPED_ROLES:
                services.user_areas_set(user=subject, by=request.user, **areas_form.cleaned_data)
        except ValidationError as error:
            for field, field_messages in error.message_dict.items():
                for message in field_messages:
                    form.add_error(field if field in form.fields else None, message)
        else:
            messages.success(request, f"{subject.username} has been updated.")
            return redirect("accounts:user-detail", user_id=subject.pk)
    return render(
        request,
        "accounts/user_edit.html",
        {"form": form, "cover_form": cover_form, "areas_form": areas_form, "subject": subject},
    )


@permission_required(Permission.ADMINISTER)
def user_reset_two_factor(request: AuthenticatedHttpRequest, user_id: int) -> HttpResponse:
    subject = user_get_for_user(user=request.user, user_id=user_id)
    if request.method == "POST":
        request.session[NEW_ENROLMENT_LINK_KEY] = services.two_factor_reset(
            user=subject, by=request.user, base_url=request.build_absolute_uri("/")
        )
        return redirect("accounts:user-detail", user_id=subject.pk)
    return render(request, "accounts/user_reset_two_factor.html", {"subject": subject})
