"""Recording a chair's midway or pre-review check of a plan."""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone

from safeguard.accounts.access import Permission
from safeguard.accounts.decorators import permission_required
from safeguard.accounts.http import AuthenticatedHttpRequest
from safeguard.audit.services import audit_viewed
from safeguard.cases.selectors import plan_get_for_user
from safeguard.conferences.selectors import chair_of
from safeguard.web.editing import attempt_save, prefill_from

from .forms import CheckForm
from .models import CheckKind
from .services import monitoring_check_record


@permission_required(Permission.EDIT_CHECK)
def check_record(request: AuthenticatedHttpRequest, plan_id: str) -> HttpResponse:
    plan = plan_get_for_user(user=request.user, plan_id=plan_id)
    form = CheckForm(
        request.POST or None,
        initial={
            "chair": chair_of(request.user),
            "completed_on": timezone.localdate(),
            **prefill_from(request.GET, kind=CheckKind.values),
        },
    )
    if request.method == "GET":
        audit_viewed(
            actor=request.user,
            record_type="plan",
            record_id=plan.plan_id,
            child_ids=[plan.child.child_id],
            summary="Opened the form of a check on the plan",
        )
    if request.method == "POST" and form.is_valid():
        done = attempt_save(
            form,
            lambda: monitoring_check_record(
                plan=plan,
                by=request.user,
                base_url=settings.SAFEGUARD_BASE_URL,
                today=timezone.localdate(),
                **form.cleaned_data,
            ),
        )
        if done.saved:
            # With concerns the alert is only queued: never "Success" until the mail server has
            # accepted it (the child's page shows each recipient's delivery, and a failure).
            recorded = done.result
            if recorded.alert is None:
                messages.success(request, recorded.message)
            elif recorded.alert.missing_roles:
                messages.warning(request, recorded.message)
            else:
                messages.info(request, recorded.message)
            return redirect("cases:child-detail", child_id=plan.child.child_id)
    return render(request, "monitoring/check_form.html", {"form": form, "plan": plan})
