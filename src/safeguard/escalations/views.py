from django.contrib import messages
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET

from safeguard.accounts.access import Permission, can, permissions_of
from safeguard.accounts.decorators import permission_required
from safeguard.accounts.http import AuthenticatedHttpRequest
from safeguard.audit.models import AuditAction
from safeguard.audit.services import audit_record, audit_viewed
from safeguard.cases.selectors import children_in_sight
from safeguard.conferences.selectors import chair_of
from safeguard.spreadsheet_cells import SafeCsvWriter
from safeguard.web.editing import attempt_save, initial_from

from .forms import (
    EscalationEditForm,
    EscalationFilterForm,
    EscalationRaiseForm,
    EscalationStepForm,
    GoodPracticeForm,
)
from .selectors import (
    escalation_children,
    escalation_csv_rows,
    escalation_get_for_user,
    escalation_log,
    escalation_timeline,
    good_practice_visible_to,
)
from .services import (
    escalation_raise,
    escalation_step_record,
    escalation_update,
    good_practice_record,
)

PAGE_SIZE = 50


# ---- the escalations log, raising and editing (issue 5) ----------------------------------------


def _log_filters(form: EscalationFilterForm) -> dict:
    values = form.cleaned_data if form.is_bound else {}
    return {
        "since": values.get("since"),
        "until": values.get("until"),
        "organisation_type": values.get("organisation_type"),
        "area": values.get("area"),
        "stage": values.get("stage", ""),
        "status": values.get("status", ""),
        "raised_by": values.get("raised_by"),
    }


@permission_required(Permission.VIEW_ESCALATIONS)
@require_GET
def escalation_list(request: AuthenticatedHttpRequest) -> HttpResponse:
    """The escalations log, filtered; a Senior Liaison Officer sees their cover, without
    children."""
    form = EscalationFilterForm(request.GET or None)
    page = None
    if not form.is_bound or form.is_valid():
        rows = escalation_log(user=request.user, **_log_filters(form), newest_first=True)
        page = Paginator(rows, PAGE_SIZE).get_page(request.GET.get("page"))
        if can(request.user, Permission.VIEW_ALL_ESCALATIONS):
            audit_viewed(
                actor=request.user,
                record_type="escalations",
                child_ids=[e.child.child_id for e in page if e.child],
                summary="Viewed the escalations log"
                + (f" ({request.GET.urlencode()})" if request.GET else ""),
            )
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "escalations/escalation_list.html",
        {
            "form": form,
            "page": page,
            "query": query.urlencode(),
            "may": permissions_of(request.user),
        },
    )


@permission_required(Permission.VIEW_ESCALATIONS)
@require_GET
def escalation_export(request: AuthenticatedHttpRequest) -> HttpResponse:
    """The log as filtered, as CSV (with children's ids only for those who may see them)."""
    form = EscalationFilterForm(request.GET or None)
    if form.is_bound and not form.is_valid():
        return redirect(reverse("escalations:list") + "?" + request.GET.urlencode())
    rows = escalation_log(user=request.user, **_log_filters(form))
    with_child = can(request.user, Permission.VIEW_ALL_ESCALATIONS)
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = (
        f'attachment; filename="escalations-{timezone.localdate().isoformat()}.csv"'
    )
    writer = SafeCsvWriter(response)
    count, shown = -1, []
    for count, row in enumerate(escalation_csv_rows(escalations=rows, with_child=with_child)):  # noqa: B007
        writer.writerow(row)
        if with_child and count > 0:
            shown.append(row[-1])
    audit_record(
        actor=request.user,
        action=AuditAction.EXPORT,
        record_type="escalations",
        summary=f"Exported the escalations log as CSV: {count} escalations"
        + (f" ({request.GET.urlencode()})" if request.GET else ""),
        shown_ids=[child_id for child_id in shown if child_id],
    )
    return response


@permission_required(Permission.EDIT_ESCALATION)
def escalation_raise_page(request: AuthenticatedHttpRequest) -> HttpResponse:
    form = EscalationRaiseForm(
        request.POST or None,
        initial={
            "child": request.GET.get("child", ""),
            "raised_on": timezone.localdate(),
            "formal": True,
            "stage": 1,
            "raised_by": chair_of(request.user),
        },
        children=children_in_sight(request.user),
    )
    if request.method == "POST" and form.is_valid():
        done = attempt_save(
            form,
            lambda: escalation_raise(
                by=request.user, today=timezone.localdate(), **form.cleaned_data
            ),
        )
        if done.saved:
            messages.success(request, f"Escalation {done.result.escalation_id} raised")
            return redirect("escalations:detail", escalation_id=done.result.escalation_id)
    return render(request, "escalations/escalation_form.html", {"form": form, "escalation": None})


@permission_required(Permission.VIEW_ESCALATIONS)
@require_GET
def escalation_detail(request: AuthenticatedHttpRequest, escalation_id: str) -> HttpResponse:
    escalation = escalation_get_for_user(user=request.user, escalation_id=escalation_id)
    may = permissions_of(request.user)
    children = escalation_children(escalation=escalation)
    audit_viewed(
        actor=request.user,
        record_type="escalation",
        record_id=escalation.escalation_id,
        child_ids=[child.child_id for child in children],
        summary="Viewed the escalation's page",
    )
    return render(
        request,
        "escalations/escalation_detail.html",
        {
            "escalation": escalation,
            "children": children,
            "timeline": escalation_timeline(escalation=escalation),
            "may": may,
        },
    )


@permission_required(Permission.EDIT_ESCALATION)
def escalation_edit(request: AuthenticatedHttpRequest, escalation_id: str) -> HttpResponse:
    escalation = escalation_get_for_user(user=request.user, escalation_id=escalation_id)
    form = EscalationEditForm(
        request.POST or None,
        initial={**initial_from(escalation, EscalationEditForm), "version": escalation.version},
    )
    context = {}
    if request.method == "POST" and form.is_valid():
        values = {k: v for k, v in form.cleaned_data.items() if k != "version"}
        done = attempt_save(
            form,
            lambda: escalation_update(
                escalation=escalation,
                expected_version=form.cleaned_data["version"],
                by=request.user,
                today=timezone.localdate(),
                **values,
            ),
        )
        if done.saved:
            messages.success(request, f"Escalation {escalation.escalation_id} saved")
            return redirect("escalations:detail", escalation_id=escalation.escalation_id)
        context = done.context
    return render(
        request,
        "escalations/escalation_form.html",
        {"form": form, "escalation": escalation, **context},
    )


@permission_required(Permission.EDIT_ESCALATION)
def escalation_step_add(request: AuthenticatedHttpRequest, escalation_id: str) -> HttpResponse:
    """Record a step in the escalation's history: a new stage, a note, or both."""
    escalation = escalation_get_for_user(user=request.user, escalation_id=escalation_id)
    form = EscalationStepForm(
        request.POST or None,
        initial={
            "on": timezone.localdate(),
            "stage": escalation.stage,
            "version": escalation.version,
        },
    )
    if request.method == "GET":
        audit_viewed(
            actor=request.user,
            record_type="escalation",
            record_id=escalation.escalation_id,
            child_ids=[child.child_id for child in escalation_children(escalation=escalation)],
            summary="Opened the form to record a step",
        )
    context = {}
    if request.method == "POST" and form.is_valid():
        values = form.cleaned_data
        done = attempt_save(
            form,
            lambda: escalation_step_record(
                escalation=escalation,
                on=values["on"],
                stage=values["stage"],
                note=values["note"],
                expected_version=values["version"],
                by=request.user,
                today=timezone.localdate(),
            ),
        )
        if done.saved:
            messages.success(request, f"Step recorded on escalation {escalation.escalation_id}")
            return redirect("escalations:detail", escalation_id=escalation.escalation_id)
        context = done.context
    return render(
        request,
        "escalations/escalation_step_form.html",
        {"form": form, "escalation": escalation, **context},
    )


# ---- good practice, recorded beside escalations (issue 19) --------------------------------------


@permission_required(Permission.VIEW_ESCALATIONS)
@require_GET
def good_practice_list(request: AuthenticatedHttpRequest) -> HttpResponse:
    rows = good_practice_visible_to(user=request.user)
    page = Paginator(rows, PAGE_SIZE).get_page(request.GET.get("page"))
    audit_viewed(
        actor=request.user,
        record_type="good practice",
        summary="Viewed the good practice list",
    )
    return render(
        request,
        "escalations/good_practice_list.html",
        {"page": page, "may": permissions_of(request.user)},
    )


@permission_required(Permission.EDIT_ESCALATION)
def good_practice_record_page(request: AuthenticatedHttpRequest) -> HttpResponse:
    form = GoodPracticeForm(
        request.POST or None,
        initial={"recorded_on": timezone.localdate(), "recorded_by": chair_of(request.user)},
    )
    if request.method == "POST" and form.is_valid():
        done = attempt_save(
            form,
            lambda: good_practice_record(
                by=request.user, today=timezone.localdate(), **form.cleaned_data
            ),
        )
        if done.saved:
            messages.success(request, "Good practice recorded")
            return redirect("escalations:good-practice")
    return render(request, "escalations/good_practice_form.html", {"form": form})
