"""Administration for service managers: the reference data every record points at (organisation
types, areas, chairs, Senior Liaison Officers) and the timeliness rule set. Users and roles
live in accounts; the index links both."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Generic, TypeVar

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET

from safeguard.accounts.access import Permission
from safeguard.accounts.decorators import permission_required
from safeguard.accounts.http import AuthenticatedHttpRequest
from safeguard.cases.models import Area
from safeguard.conferences.models import Chair, RuleSetting
from safeguard.conferences.timeliness import installation_rule_set
from safeguard.escalations.models import OrganisationType, SeniorLiaisonOfficer

from . import services
from .forms import ChairForm, LiaisonOfficerForm, NameForm, RuleSettingForm

administer = permission_required(Permission.ADMINISTER)


def _errors_to_form(form: Any, error: ValidationError) -> None:
    if hasattr(error, "error_dict"):
        for field, field_messages in error.message_dict.items():
            for message in field_messages:
                form.add_error(field if field in form.fields else None, message)
    else:
        for message in error.messages:
            form.add_error(None, message)


@administer
@require_GET
def index(request: AuthenticatedHttpRequest) -> HttpResponse:
    return render(request, "administration/index.html")


# ---- organisation types and areas: a name each -----------------------------------------------


_Named = TypeVar("_Named", OrganisationType, Area)
"""The reference data that is a name alone."""


@dataclass(frozen=True)
class NamedKind(Generic[_Named]):
    model: type[_Named]
    singular: str
    plural: str
    list_url: str
    edit_url: str
    save: Callable[..., _Named]
    save_argument: str
    hint: str


ORGANISATION_TYPES = NamedKind(
    OrganisationType,
    "organisation type",
    "Organisation types",
    "administration:organisation-types",
    "administration:organisation-type-edit",
    services.organisation_type_save,
    "organisation_type",
    "The agency categories that invitations and escalations name, such as GP's or PPU.",
)
AREAS = NamedKind(
    Area,
    "area",
    "Areas",
    "administration:areas",
    "administration:area-edit",
    services.area_save,
    "area",
    "The localities or team areas that children and escalations belong to.",
)


def _named_list(request: AuthenticatedHttpRequest, kind: NamedKind[_Named]) -> HttpResponse:
    form = NameForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            record = kind.save(name=form.cleaned_data["name"], by=request.user)
        except ValidationError as error:
            _errors_to_form(form, error)
        else:
            messages.success(request, f"{record} has been added.")
            return redirect(kind.list_url)
    rows = [
        (record, reverse(kind.edit_url, args=[record.pk])) for record in kind.model.objects.all()
    ]
    return render(
        request, "administration/named_list.html", {"form": form, "kind": kind, "rows": rows}
    )


def _named_edit(
    request: AuthenticatedHttpRequest, kind: NamedKind[_Named], pk: int
) -> HttpResponse:
    record = get_object_or_404(kind.model, pk=pk)
    form = NameForm(request.POST or None, initial={"name": record.name})
    if request.method == "POST" and form.is_valid():
        try:
            kind.save(
                **{kind.save_argument: record}, name=form.cleaned_data["name"], by=request.user
            )
        except ValidationError as error:
            _errors_to_form(form, error)
        else:
            messages.success(request, f"{record} has been saved.")
            return redirect(kind.list_url)
    return render(
        request,
        "administration/form_page.html",
        {
            "form": form,
            "title": f"Rename the {kind.singular} {record}",
            "caption": kind.plural,
            "back": reverse(kind.list_url),
            "hint": "Records that name it follow the new name. A bundle imported later with "
            "the old name adds it again.",
            "button": "Save",
        },
    )


@administer
def organisation_types(request: AuthenticatedHttpRequest) -> HttpResponse:
    return _named_list(request, ORGANISATION_TYPES)


@administer
def organisation_type_edit(
    request: AuthenticatedHttpRequest, organisation_type_id: int
) -> HttpResponse:
    return _named_edit(request, ORGANISATION_TYPES, organisation_type_id)


@administer
def areas(request: AuthenticatedHttpRequest) -> HttpResponse:
    return _named_list(request, AREAS)


@administer
def area_edit(request: AuthenticatedHttpRequest, area_id: int) -> HttpResponse:
    return _named_edit(request, AREAS, area_id)


# ---- chairs ------------------------------------------------------------------------------------


@administer
@require_GET
def chairs(request: AuthenticatedHttpRequest) -> HttpResponse:
    return render(
        request,
        "administration/chairs.html",
        {"chairs": Chair.objects.select_related("user").order_by("name")},
    )


@administer
def chair_edit(request: AuthenticatedHttpRequest, chair_id: int | None = None) -> HttpResponse:
    chair = get_object_or_404(Chair, pk=chair_id) if chair_id is not None else None
    initial = {"name": chair.name, "email": chair.email, "user": chair.user} if chair else {}
    form = ChairForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            saved = services.chair_save(chair=chair, by=request.user, **form.cleaned_data)
        except ValidationError as error:
            _errors_to_form(form, error)
        else:
            messages.success(request, f"{saved} has been {'saved' if chair else 'added'}.")
            return redirect("administration:chairs")
    return render(
        request,
        "administration/form_page.html",
        {
            "form": form,
            "title": f"Change {chair}" if chair else "Add a chair",
            "caption": "Chairs",
            "back": reverse("administration:chairs"),
            "button": "Save" if chair else "Add chair",
        },
    )


# ---- Senior Liaison Officers ---------------------------------------------------------------


@administer
@require_GET
def liaison_officers(request: AuthenticatedHttpRequest) -> HttpResponse:
    officers = SeniorLiaisonOfficer.objects.select_related("user").prefetch_related(
        "organisation_types", "areas"
    )
    return render(request, "administration/liaison_officers.html", {"officers": officers})


@administer
def liaison_officer_edit(
    request: AuthenticatedHttpRequest, officer_id: int | None = None
) -> HttpResponse:
    officer = get_object_or_404(SeniorLiaisonOfficer, pk=officer_id) if officer_id else None
    initial = {}
    if officer is not None:
        initial = {
            "name": officer.name,
            "email": officer.email,
            "cover_name": officer.cover_name,
            "organisation_types": list(officer.organisation_types.all()),
            "areas": list(officer.areas.all()),
            "covers_unassigned_areas": officer.covers_unassigned_areas,
            "user": officer.user,
        }
    form = LiaisonOfficerForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        values = {
            **form.cleaned_data,
            "organisation_types": list(form.cleaned_data["organisation_types"]),
            "areas": list(form.cleaned_data["areas"]),
        }
        try:
            saved = services.liaison_officer_save(officer=officer, by=request.user, **values)
        except ValidationError as error:
            _errors_to_form(form, error)
        else:
            messages.success(request, f"{saved} has been {'saved' if officer else 'added'}.")
            return redirect("administration:liaison-officers")
    return render(
        request,
        "administration/form_page.html",
        {
            "form": form,
            "title": f"Change {officer}" if officer else "Add a Senior Liaison Officer",
            "caption": "Senior Liaison Officers",
            "back": reverse("administration:liaison-officers"),
            "hint": "An escalation is in the officer's cover when its organisation type and its "
            "area are both covered.",
            "button": "Save" if officer else "Add officer",
        },
    )


# ---- the timeliness rule set ---------------------------------------------------------------


@administer
def rules(request: AuthenticatedHttpRequest) -> HttpResponse:
    setting = RuleSetting.objects.first()
    current = installation_rule_set()
    initial = {name: getattr(setting, name) for name in services.RULE_FIELDS} if setting else {}
    initial.setdefault("nation", str(current.nation))
    form = RuleSettingForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        changed = services.rule_setting_save(by=request.user, **form.cleaned_data)
        messages.success(
            request,
            "The rule set has been saved and every conference's timeliness worked out again: "
            f"{changed} conference{'s' if changed != 1 else ''} changed.",
        )
        return redirect("administration:rules")
    return render(request, "administration/rules.html", {"form": form, "rule_set": current})
