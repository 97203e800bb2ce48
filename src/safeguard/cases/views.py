"""Pages about children and their plans. Each binds a form, calls one service or selector, and
renders or redirects; records are fetched through the access-checked fetchers."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_GET

from safeguard.accounts.access import (
    Permission,
    has_no_areas,
    permissions_of,
    sees_every_area,
)
from safeguard.accounts.decorators import permission_required, signed_in_required
from safeguard.accounts.http import AuthenticatedHttpRequest
from safeguard.audit.services import audit_child_viewed, audit_viewed
from safeguard.conferences.selectors import children_chaired_by
from safeguard.conferences.services import new_source_id
from safeguard.domain.identifiers import identifier_problem
from safeguard.web.editing import attempt_save, initial_from

from .forms import (
    BreakGlassForm,
    ChildAddForm,
    ChildEditForm,
    ChildIdCorrectionForm,
    ChildSearchForm,
    EnquiryForm,
    PlanEditForm,
    PlanForm,
)
from .models import Child
from .selectors import (
    child_get_for_user,
    child_history,
    child_outside_sight,
    child_record,
    child_summary,
    children_matching,
    children_recently_opened,
    plan_get_for_user,
)
from .services import (
    break_glass_hours,
    break_glass_open,
    child_create,
    child_id_correct,
    child_update,
    enquiry_record,
    plan_create,
    plan_update,
)

PAGE_SIZE = 25
MY_CHILDREN_SHOWN = 50  # a chair's caseload, before a search


def _values(form) -> dict:
    return {k: v for k, v in form.cleaned_data.items() if k not in ("version", "child_id")}


@permission_required(Permission.VIEW_CHILD)
@require_GET
def child_list(request: AuthenticatedHttpRequest) -> HttpResponse:
    """Find a child by id or name, among the children of one's areas. A child id typed exactly
    that belongs to a child outside them is offered to open with a recorded reason. Before a
    search: the children one opened recently and, for a chair, the children whose plans they
    chair."""
    form = ChildSearchForm(request.GET or None)
    page = outside = None
    searched = ""
    recent: list[Child] = []
    mine: list[Child] = []
    if form.is_bound and form.is_valid():
        text = searched = form.cleaned_data["q"]
        children = children_matching(user=request.user, text=text)
        page = Paginator(children, PAGE_SIZE).get_page(request.GET.get("page"))
        audit_viewed(
            actor=request.user,
            record_type="search",
            child_ids=[child.child_id for child in page],
            summary=f"Searched for a child: {page.paginator.count} found",
            search=form.cleaned_data["q"],
        )
        outside = child_outside_sight(user=request.user, text=text)
    elif not form.is_bound:
        recent = children_recently_opened(user=request.user)
        mine = list(children_chaired_by(user=request.user)[:MY_CHILDREN_SHOWN])
        if recent or mine:
            audit_viewed(
                actor=request.user,
                record_type="children",
                child_ids=[child.child_id for child in [*recent, *mine]],
                summary="Viewed the children one opened recently and one's own as chair",
            )
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "cases/child_list.html",
        {
            "form": form,
            "page": page,
            "query": query.urlencode(),
            "may": permissions_of(request.user),
            "outside": outside,
            "searched": searched,
            "recent": recent,
            "mine": mine,
            "sees_every_area": sees_every_area(request.user),
            "no_areas": has_no_areas(request.user),
        },
    )


@permission_required(Permission.VIEW_CHILD)
def child_break_glass(request: AuthenticatedHttpRequest, child_id: str) -> HttpResponse:
    """ "Why do you need to open this record?": a child outside one's areas opens for a few hours
    once the reason is recorded (audited). The form looks the same whether or not the child
    exists; the answer to a reason for a child that does not exist is the same 404."""
    form = BreakGlassForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            child = break_glass_open(
                user=request.user, child_id=child_id, reason=form.cleaned_data["reason"]
            )
        except ValidationError as error:
            for message in error.message_dict.get("reason", error.messages):
                form.add_error("reason", message)
        else:
            return redirect("cases:child-detail", child_id=child.child_id)
    if request.method == "GET":
        # Asking to open a record outside one's areas is itself worth an auditor's eye.
        audit_viewed(
            actor=request.user,
            record_type="break_glass_form",
            record_id=child_id,
            child_ids=[child_id],
            summary="Asked to open a child outside their areas",
        )
    return render(
        request,
        "cases/child_break_glass.html",
        {"form": form, "child_id": child_id, "hours": break_glass_hours()},
    )


@permission_required(Permission.EDIT_CHILD)
def child_add(request: AuthenticatedHttpRequest) -> HttpResponse:
    form = ChildAddForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        done = attempt_save(
            form,
            lambda: child_create(
                child_id=form.cleaned_data["child_id"].strip(), by=request.user, **_values(form)
            ),
        )
        if done.saved:
            messages.success(request, f"Child {done.result.child_id} recorded")
            return redirect("cases:child-detail", child_id=done.result.child_id)
    return render(request, "cases/child_form.html", {"form": form, "child": None})


@signed_in_required
@require_GET
def child_detail(request: AuthenticatedHttpRequest, child_id: str) -> HttpResponse:
    """A child's page. The fetcher answers 404 to roles that may not see children."""
    child = child_get_for_user(user=request.user, child_id=child_id)
    audit_child_viewed(actor=request.user, child=child)
    record = child_record(child=child)
    return render(
        request,
        "cases/child_detail.html",
        {
            "record": record,
            "summary": child_summary(user=request.user, record=record, today=timezone.localdate()),
            "history": child_history(record=record),
            "child": child,
            "id_problem": identifier_problem(child.child_id, noun="child id"),
            "may": permissions_of(request.user),
        },
    )


@permission_required(Permission.EDIT_CHILD)
def child_edit(request: AuthenticatedHttpRequest, child_id: str) -> HttpResponse:
    child = child_get_for_user(user=request.user, child_id=child_id)
    form = ChildEditForm(
        request.POST or None,
        initial={**initial_from(child, ChildEditForm), "version": child.version},
    )
    if request.method == "GET":
        audit_child_viewed(actor=request.user, child=child, summary="Opened the child's form")
    context = {}
    if request.method == "POST" and form.is_valid():
        done = attempt_save(
            form,
            lambda: child_update(
                child=child,
                expected_version=form.cleaned_data["version"],
                by=request.user,
                **_values(form),
            ),
        )
        if done.saved:
            messages.success(request, "Child's details saved")
            return redirect("cases:child-detail", child_id=child.child_id)
        context = done.context
    return render(request, "cases/child_form.html", {"form": form, "child": child, **context})


@permission_required(Permission.ADMINISTER)
def child_id_correction(request: AuthenticatedHttpRequest, child_id: str) -> HttpResponse:
    """A service manager corrects a child's id: one stored before the id rule, or mistyped.
    Everything about the child follows it; the audit trail records the change."""
    child = child_get_for_user(user=request.user, child_id=child_id)
    form = ChildIdCorrectionForm(request.POST or None, initial={"version": child.version})
    if request.method == "GET":
        audit_child_viewed(actor=request.user, child=child, summary="Opened the child id's form")
    context = {}
    if request.method == "POST" and form.is_valid():
        old = child.child_id
        done = attempt_save(
            form,
            lambda: child_id_correct(
                child=child,
                new_child_id=form.cleaned_data["new_child_id"],
                expected_version=form.cleaned_data["version"],
                by=request.user,
            ),
        )
        if done.saved:
            messages.success(request, f"Child id corrected from {old} to {child.child_id}")
            return redirect("cases:child-detail", child_id=child.child_id)
        context = done.context
    return render(request, "cases/child_id_form.html", {"form": form, "child": child, **context})


@permission_required(Permission.EDIT_PLAN)
def plan_add(request: AuthenticatedHttpRequest, child_id: str) -> HttpResponse:
    child = child_get_for_user(user=request.user, child_id=child_id)
    form = PlanForm(request.POST or None)
    if request.method == "GET":
        audit_child_viewed(actor=request.user, child=child, summary="Opened a new plan's form")
    if request.method == "POST" and form.is_valid():
        done = attempt_save(
            form,
            lambda: plan_create(
                child=child, plan_id=new_source_id("P"), by=request.user, **_values(form)
            ),
        )
        if done.saved:
            messages.success(request, "Plan recorded")
            return redirect("cases:child-detail", child_id=child.child_id)
    return render(request, "cases/plan_form.html", {"form": form, "child": child, "plan": None})


@permission_required(Permission.EDIT_PLAN)
def plan_edit(request: AuthenticatedHttpRequest, plan_id: str) -> HttpResponse:
    plan = plan_get_for_user(user=request.user, plan_id=plan_id)
    form = PlanEditForm(
        request.POST or None, initial={**initial_from(plan, PlanEditForm), "version": plan.version}
    )
    if request.method == "GET":
        audit_viewed(
            actor=request.user,
            record_type="plan",
            record_id=plan.plan_id,
            child_ids=[plan.child.child_id],
            summary="Opened the plan's form",
        )
    context = {}
    if request.method == "POST" and form.is_valid():
        done = attempt_save(
            form,
            lambda: plan_update(
                plan=plan,
                expected_version=form.cleaned_data["version"],
                by=request.user,
                **_values(form),
            ),
        )
        if done.saved:
            messages.success(request, f"Plan {plan.plan_id} saved")
            return redirect("cases:child-detail", child_id=plan.child.child_id)
        context = done.context
    return render(
        request,
        "cases/plan_form.html",
        {"form": form, "child": plan.child, "plan": plan, **context},
    )


@permission_required(Permission.BOOK_CONFERENCE)
def enquiry_add(request: AuthenticatedHttpRequest, child_id: str) -> HttpResponse:
    """Record a section 47 enquiry and its strategy discussion: its initial conference is then
    on the worklist to book."""
    child = child_get_for_user(user=request.user, child_id=child_id)
    form = EnquiryForm(request.POST or None)
    if request.method == "GET":
        audit_child_viewed(
            actor=request.user, child=child, summary="Opened a strategy discussion's form"
        )
    if request.method == "POST" and form.is_valid():
        done = attempt_save(
            form,
            lambda: enquiry_record(
                child=child,
                enquiry_id=new_source_id("E"),
                by=request.user,
                today=timezone.localdate(),
                **form.cleaned_data,
            ),
        )
        if done.saved:
            messages.success(request, "Strategy discussion recorded")
            return redirect("cases:child-detail", child_id=child.child_id)
    return render(request, "cases/enquiry_form.html", {"form": form, "child": child})
