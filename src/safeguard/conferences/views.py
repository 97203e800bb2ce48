"""Pages for recording conferences (one child or a sibling group at one meeting), the agencies
invited and what each contributed, and the one-step escalation of a missing report."""

from __future__ import annotations

import re
from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse, HttpResponseNotAllowed
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_GET

from safeguard.accounts.access import Permission, can, permissions_of
from safeguard.accounts.decorators import permission_required, signed_in_required
from safeguard.accounts.http import AuthenticatedHttpRequest
from safeguard.audit.services import audit_viewed
from safeguard.cases.forms import ChairChoiceForm
from safeguard.cases.selectors import children_in_sight
from safeguard.escalations.services import escalation_raise_for_missing_report
from safeguard.web.editing import attempt_save, initial_from, prefill_from

from .forms import (
    BookingForm,
    CancelForm,
    ConferenceEditForm,
    InvitationEditForm,
    InvitationForm,
    MeetingRecordForm,
    OrganisationEditForm,
    OrganisationForm,
)
from .models import ConferenceKind, ConferenceStatus
from .selectors import (
    agency_reports_overdue,
    booked_meeting_get_for_user,
    chair_diary,
    chair_of,
    conference_get_for_user,
    invitation_get_for_user,
    meeting_conferences,
    meeting_get_for_user,
    meeting_invitations,
    meeting_quorum_suggestion,
    missing_report_escalation,
    offers_missing_report_escalation,
    organisation_get,
    organisations_registered,
    sibling_candidates,
)
from .services import (
    PARTICIPATION_FIELDS,
    conference_book,
    conference_cancel,
    conference_update,
    invitation_record,
    invitation_update,
    invitations_copy_previous,
    meeting_record,
    organisation_record,
    organisation_update,
)


def _after_invitation_saved(request: HttpRequest, invitation) -> HttpResponse:
    """Back to the meeting; or, when the agency sent no report and no apologies, to the offer
    to raise the escalation."""
    if (
        offers_missing_report_escalation(invitation)
        and can(request.user, Permission.EDIT_ESCALATION)
        and missing_report_escalation(invitation=invitation) is None
    ):
        return redirect("conferences:invitation-escalate", invitation_id=invitation.pk)
    return redirect("conferences:meeting-detail", reference=invitation.meeting.reference)


def _ids_in(text: str) -> list[str]:
    return [i for i in re.split(r"[\s,;]+", text) if i]


# The confirmation page posts the form's answers again; these are its own buttons.
_CONFIRMATION_KEYS = {"csrfmiddlewaretoken", "confirmed", "change"}


@permission_required(Permission.EDIT_CONFERENCE)
def meeting_record_page(request: AuthenticatedHttpRequest) -> HttpResponse:
    """Record a conference for one child, or for a sibling group at one meeting: the form, then
    a page naming every child to confirm, then the record. Opened from a booked meeting
    (`?meeting=`), it is pre-filled from it and saves onto its booked rows."""
    user = request.user
    reference = (request.POST.get("meeting") or request.GET.get("meeting") or "").strip()
    prefill = booked_meeting_get_for_user(user=user, reference=reference) if reference else None
    asked = _ids_in(request.GET.get("children", "")) + (prefill.child_ids if prefill else [])
    seeds = (
        asked + request.POST.getlist("children") + _ids_in(request.POST.get("other_children", ""))
    )
    candidates = sibling_candidates(
        user=user, child_ids=seeds, meeting=prefill.meeting if prefill else None
    )
    quorum = meeting_quorum_suggestion(meeting=prefill.meeting) if prefill else None
    asked_lower = {i.lower() for i in asked}
    initial: dict[str, Any] = {
        "children": [c.child_id for c in candidates if c.child_id.lower() in asked_lower],
        "chair": chair_of(user),
        "meeting": reference,
        # a worklist's "Record the review" asks for the type and today's date
        **prefill_from(request.GET, kind=ConferenceKind.values, held_on=None),
    }
    if prefill:
        initial.update(kind=prefill.kind, held_on=prefill.held_on)
        if prefill.chair:
            initial["chair"] = prefill.chair
        if quorum and quorum.quorate is not None:
            initial["quorate"] = quorum.quorate
    form = MeetingRecordForm(
        request.POST or None,
        initial=initial,
        children=children_in_sight(user),
        candidates=candidates,
    )
    template = "conferences/meeting_record.html"
    context: dict = {"form": form, "prefill": prefill, "quorum": quorum}
    if request.method == "POST" and form.is_valid() and "change" not in request.POST:
        values = dict(form.cleaned_data)
        children = values.pop("children")
        values.pop("other_children")
        values.pop("meeting")
        if "confirmed" in request.POST:
            participation = {k: values.pop(k) for k in PARTICIPATION_FIELDS}
            done = attempt_save(
                form,
                lambda: meeting_record(
                    children=children,
                    by=user,
                    today=timezone.localdate(),
                    participation={
                        child.pk: {k: v for k, v in participation.items() if v is not None}
                        for child in children
                    },
                    booked_meeting=prefill.meeting if prefill else None,
                    **values,
                ),
            )
            if done.saved:
                count = len(children)
                messages.success(
                    request,
                    f"Conference recorded for {count} child{'ren' if count > 1 else ''}: "
                    + ", ".join(c.full_name or c.child_id for c in children),
                )
                return redirect("conferences:meeting-detail", reference=done.result.reference)
        else:
            template = "conferences/meeting_record_confirm.html"
            context.update(
                children=children,
                answers=form,
                resubmit=[
                    (key, value)
                    for key, values_posted in request.POST.lists()
                    if key not in _CONFIRMATION_KEYS
                    for value in values_posted
                ],
            )
            shown = [c.child_id for c in children]
            summary = "Confirming a conference's record"
    if template == "conferences/meeting_record.html":
        shown = [c.child_id for c in form.candidates]
        summary = "Opened the form to record a conference"
    if shown:
        audit_viewed(
            actor=user,
            record_type="meeting",
            record_id=reference,
            child_ids=shown,
            summary=summary,
        )
    return render(request, template, context)


@signed_in_required
@require_GET
def meeting_detail(request: AuthenticatedHttpRequest, reference: str) -> HttpResponse:
    """One meeting: the children discussed and the agencies invited."""
    meeting = meeting_get_for_user(user=request.user, reference=reference)
    invitations = list(meeting_invitations(meeting=meeting))
    offers = {
        i.pk
        for i in invitations
        if offers_missing_report_escalation(i) and missing_report_escalation(invitation=i) is None
    }
    conferences = list(meeting_conferences(meeting=meeting))
    audit_viewed(
        actor=request.user,
        record_type="meeting",
        record_id=meeting.reference,
        child_ids=[c.child.child_id for c in conferences],
        summary="Viewed the meeting's page",
    )
    return render(
        request,
        "conferences/meeting_detail.html",
        {
            "meeting": meeting,
            "conferences": conferences,
            "invitations": invitations,
            "offers": offers,
            "quorum": meeting_quorum_suggestion(meeting=meeting),
            "may": permissions_of(request.user),
            "booked": any(c.status == ConferenceStatus.BOOKED for c in conferences),
            "cancelled": bool(conferences)
            and all(c.status == ConferenceStatus.CANCELLED for c in conferences),
        },
    )


@permission_required(Permission.EDIT_CONFERENCE)
def conference_edit(request: AuthenticatedHttpRequest, conference_id: str) -> HttpResponse:
    conference = conference_get_for_user(user=request.user, conference_id=conference_id)
    form = ConferenceEditForm(
        request.POST or None,
        initial={**initial_from(conference, ConferenceEditForm), "version": conference.version},
    )
    if request.method == "GET":
        audit_viewed(
            actor=request.user,
            record_type="conference",
            record_id=conference.conference_id,
            child_ids=[conference.child.child_id],
            summary="Opened the conference's form",
        )
    context = {}
    if request.method == "POST" and form.is_valid():
        values = {k: v for k, v in form.cleaned_data.items() if k != "version"}
        done = attempt_save(
            form,
            lambda: conference_update(
                conference=conference,
                expected_version=form.cleaned_data["version"],
                by=request.user,
                **values,
            ),
        )
        if done.saved:
            messages.success(request, f"Conference for {conference.child.child_id} saved")
            return redirect("cases:child-detail", child_id=conference.child.child_id)
        context = done.context
    return render(
        request,
        "conferences/conference_edit.html",
        {"form": form, "conference": conference, **context},
    )


@permission_required(Permission.EDIT_INVITATION)
def invitation_add(request: AuthenticatedHttpRequest, reference: str) -> HttpResponse:
    meeting = meeting_get_for_user(user=request.user, reference=reference)
    form = InvitationForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        done = attempt_save(
            form,
            lambda: invitation_record(meeting=meeting, by=request.user, **form.cleaned_data),
        )
        if done.saved:
            messages.success(request, f"{done.result.organisation_type} recorded")
            return _after_invitation_saved(request, done.result)
    return render(
        request,
        "conferences/invitation_form.html",
        {"form": form, "meeting": meeting, "invitation": None},
    )


@permission_required(Permission.EDIT_INVITATION)
def invitation_edit(request: AuthenticatedHttpRequest, invitation_id: int) -> HttpResponse:
    invitation = invitation_get_for_user(user=request.user, invitation_id=invitation_id)
    form = InvitationEditForm(
        request.POST or None,
        initial={**initial_from(invitation, InvitationEditForm), "version": invitation.version},
    )
    context = {}
    if request.method == "POST" and form.is_valid():
        values = {k: v for k, v in form.cleaned_data.items() if k != "version"}
        done = attempt_save(
            form,
            lambda: invitation_update(
                invitation=invitation,
                expected_version=form.cleaned_data["version"],
                by=request.user,
                **values,
            ),
        )
        if done.saved:
            messages.success(request, f"{invitation.organisation_type} saved")
            return _after_invitation_saved(request, invitation)
        context = done.context
    return render(
        request,
        "conferences/invitation_form.html",
        {"form": form, "meeting": invitation.meeting, "invitation": invitation, **context},
    )


@permission_required(Permission.EDIT_ESCALATION)
def invitation_escalate(request: AuthenticatedHttpRequest, invitation_id: int) -> HttpResponse:
    """The offer, in one step, to escalate an agency that sent no report and no apologies."""
    invitation = invitation_get_for_user(user=request.user, invitation_id=invitation_id)
    existing = missing_report_escalation(invitation=invitation)
    offered = offers_missing_report_escalation(invitation) and existing is None
    if request.method == "POST" and offered:
        escalation = escalation_raise_for_missing_report(
            invitation=invitation,
            by=request.user,
            today=timezone.localdate(),
            raised_by=chair_of(request.user),
        )
        messages.success(request, f"Escalation {escalation.escalation_id} raised")
        return redirect("escalations:detail", escalation_id=escalation.escalation_id)
    return render(
        request,
        "conferences/invitation_escalate.html",
        {
            "invitation": invitation,
            "meeting": invitation.meeting,
            "conferences": meeting_conferences(meeting=invitation.meeting),
            "existing": existing,
            "offered": offered,
            "today": timezone.localdate(),
        },
    )


# ---- booking, the chairs' diary, agencies' reports and the organisations' register -----------


@permission_required(Permission.BOOK_CONFERENCE)
def meeting_book(request: AuthenticatedHttpRequest) -> HttpResponse:
    """Book an initial or review conference for one child or a sibling group."""
    named = _ids_in(request.POST.get("children") or request.GET.get("children", ""))
    form = BookingForm(
        request.POST or None,
        initial={"children": request.GET.get("children", ""), "kind": request.GET.get("kind")},
        children=children_in_sight(request.user),
        candidates=sibling_candidates(user=request.user, child_ids=named).exclude(
            child_id__in=named
        )
        if named
        else None,
    )
    if request.method == "POST" and form.is_valid():
        values = dict(form.cleaned_data)
        children = values.pop("children")
        done = attempt_save(
            form,
            lambda: conference_book(
                children=children, by=request.user, today=timezone.localdate(), **values
            ),
        )
        if done.saved:
            count = len(children)
            messages.success(
                request, f"Conference booked for {count} child{'ren' if count > 1 else ''}"
            )
            for warning in done.result.warnings:
                messages.warning(request, warning)
            return redirect("conferences:meeting-detail", reference=done.result.meeting.reference)
    return render(request, "conferences/meeting_book.html", {"form": form})


@permission_required(Permission.BOOK_CONFERENCE)
def meeting_cancel(request: AuthenticatedHttpRequest, reference: str) -> HttpResponse:
    """Cancel a booked conference, with the reason."""
    meeting = meeting_get_for_user(user=request.user, reference=reference)
    conferences = list(meeting_conferences(meeting=meeting))
    form = CancelForm(request.POST or None)
    if request.method == "GET":
        audit_viewed(
            actor=request.user,
            record_type="meeting",
            record_id=meeting.reference,
            child_ids=[c.child.child_id for c in conferences],
            summary="Opened the cancellation of a booked conference",
        )
    if request.method == "POST" and form.is_valid():
        done = attempt_save(
            form,
            lambda: conference_cancel(
                meeting=meeting, reason=form.cleaned_data["reason"], by=request.user
            ),
        )
        if done.saved:
            messages.success(request, "Conference cancelled")
            return redirect("conferences:meeting-detail", reference=meeting.reference)
    return render(
        request,
        "conferences/meeting_cancel.html",
        {"form": form, "meeting": meeting, "conferences": conferences},
    )


@permission_required(Permission.EDIT_INVITATION)
def invitations_copy(request: AuthenticatedHttpRequest, reference: str) -> HttpResponse:
    """Invite the agencies invited to the children's previous meeting (POST only; the meeting
    is fetched first, so that one out of sight is not found whatever the method)."""
    meeting = meeting_get_for_user(user=request.user, reference=reference)
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    try:
        copied = invitations_copy_previous(
            meeting=meeting, by=request.user, today=timezone.localdate()
        )
    except ValidationError as error:
        messages.warning(request, " ".join(error.messages))
    else:
        count = len(copied)
        messages.success(
            request,
            f"{count} agenc{'ies' if count != 1 else 'y'} invited from the previous meeting"
            if count
            else "Every agency invited last time is already on the list",
        )
    return redirect("conferences:meeting-detail", reference=meeting.reference)


@permission_required(Permission.VIEW_CHILD)
@require_GET
def diary(request: AuthenticatedHttpRequest) -> HttpResponse:
    """A chair's booked conferences by day: one's own as a chair; a chosen chair's (or every
    chair's) for business support and managers."""
    own = chair_of(request.user)
    form = ChairChoiceForm(request.GET or None)
    chosen = form.cleaned_data.get("chair") if form.is_valid() else None
    chair = own or chosen
    days = chair_diary(user=request.user, from_on=timezone.localdate(), chair=chair)
    shown = [c.child.child_id for day in days for m in day.meetings for c in m.conferences]
    if shown:
        audit_viewed(
            actor=request.user,
            record_type="diary",
            record_id=chair.name if chair else "",
            child_ids=shown,
            summary="Viewed the chairs' diary",
        )
    return render(
        request,
        "conferences/diary.html",
        {
            "form": form,
            "days": days,
            "chair": chair,
            "own": own is not None,
            "may": permissions_of(request.user),
        },
    )


@permission_required(Permission.EDIT_INVITATION)
@require_GET
def reports_overdue(request: AuthenticatedHttpRequest) -> HttpResponse:
    """Agencies' reports overdue for every booked meeting in the user's sight."""
    today = timezone.localdate()
    invitations = agency_reports_overdue(user=request.user, as_of=today)
    shown = sorted({c.child.child_id for i in invitations for c in i.meeting.conferences.all()})
    if shown:
        audit_viewed(
            actor=request.user,
            record_type="invitation",
            child_ids=shown,
            summary="Viewed the agencies' reports overdue",
        )
    return render(
        request,
        "conferences/reports_overdue.html",
        {"invitations": invitations, "today": today},
    )


@permission_required(Permission.BOOK_CONFERENCE)
@require_GET
def organisations(request: AuthenticatedHttpRequest) -> HttpResponse:
    """The authority's register of organisations invited to conferences."""
    return render(
        request, "conferences/organisations.html", {"organisations": organisations_registered()}
    )


@permission_required(Permission.BOOK_CONFERENCE)
def organisation_add(request: AuthenticatedHttpRequest) -> HttpResponse:
    form = OrganisationForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        done = attempt_save(form, lambda: organisation_record(by=request.user, **form.cleaned_data))
        if done.saved:
            messages.success(request, f"{done.result.name} added to the register")
            return redirect("conferences:organisations")
    return render(
        request, "conferences/organisation_form.html", {"form": form, "organisation": None}
    )


@permission_required(Permission.BOOK_CONFERENCE)
def organisation_edit(request: AuthenticatedHttpRequest, organisation_id: int) -> HttpResponse:
    organisation = organisation_get(organisation_id=organisation_id)
    form = OrganisationEditForm(
        request.POST or None,
        initial={
            **initial_from(organisation, OrganisationEditForm),
            "version": organisation.version,
        },
    )
    context = {}
    if request.method == "POST" and form.is_valid():
        values = {k: v for k, v in form.cleaned_data.items() if k != "version"}
        done = attempt_save(
            form,
            lambda: organisation_update(
                organisation=organisation,
                expected_version=form.cleaned_data["version"],
                by=request.user,
                **values,
            ),
        )
        if done.saved:
            messages.success(request, f"{organisation.name} saved")
            return redirect("conferences:organisations")
        context = done.context
    return render(
        request,
        "conferences/organisation_form.html",
        {"form": form, "organisation": organisation, **context},
    )
