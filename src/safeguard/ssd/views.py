"""Business support's door onto the SSD feed: upload an extract, see what it would change
(record by record), confirm; and the reconciliation of the last extract with Safeguard."""

from __future__ import annotations

import logging

from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.csrf import csrf_exempt, csrf_protect
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from safeguard.accounts.access import Permission
from safeguard.accounts.decorators import permission_required
from safeguard.accounts.http import AuthenticatedHttpRequest
from safeguard.exchange.uploads import (
    INCOMPLETE_MESSAGE,
    SESSION_KEY,
    BundleUploadHandler,
    pending_discard,
    pending_get,
    pending_store,
    upload_refusal_before_reading,
    uploads_tidy,
)

from .forms import SsdUploadForm
from .reconcile import ssd_reconcile
from .services import ssd_uploaded_apply

logger = logging.getLogger(__name__)
SHOWN_CHANGES = 500


@permission_required(Permission.IMPORT)
@csrf_exempt  # checked by _check, once the upload is streamed to the private folder
@require_http_methods(["GET", "POST"])
def ssd_upload(request: AuthenticatedHttpRequest) -> HttpResponse:
    """Upload an SSD extract and see which records it would add, change or withdraw."""
    if request.method != "POST":
        return _check(request, None)
    refusal = upload_refusal_before_reading(request)
    if refusal is not None:
        return render(
            request,
            "ssd/import.html",
            {"form": SsdUploadForm(data={}, files={}, upload_problem=refusal)},
        )
    uploads_tidy()
    handler = BundleUploadHandler(request)
    request.upload_handlers = [handler]
    try:
        try:
            request.FILES  # noqa: B018 (read the upload now, to catch its failure)
        except OSError:
            logger.warning("An upload did not complete", exc_info=True)
            form = SsdUploadForm(data={}, files={}, upload_problem=INCOMPLETE_MESSAGE)
            return render(request, "ssd/import.html", {"form": form})
        return _check(request, handler)
    finally:
        handler.discard(keep=(request.session.get(SESSION_KEY) or {}).get("token"))


@csrf_protect
def _check(request: AuthenticatedHttpRequest, handler: BundleUploadHandler | None) -> HttpResponse:
    if handler is None:
        return render(request, "ssd/import.html", {"form": SsdUploadForm()})
    form = SsdUploadForm(request.POST, request.FILES, upload_problem=handler.problem)
    if not form.is_valid():
        return render(request, "ssd/import.html", {"form": form})
    uploaded = form.cleaned_data["bundle"]
    result = ssd_uploaded_apply(
        path=uploaded.stored_path, name=uploaded.name, by=request.user, dry_run=True
    )
    if not result.ok:
        pending_discard(session=request.session)
        return render(
            request,
            "ssd/import_problems.html",
            {"form": SsdUploadForm(), "result": result, "name": uploaded.name},
        )
    pending = pending_store(session=request.session, uploaded=uploaded, replace=False)
    return render(
        request,
        "ssd/import_check.html",
        {"result": result, "pending": pending, "changes": result.changes[:SHOWN_CHANGES]},
    )


@permission_required(Permission.IMPORT)
@require_POST
def ssd_upload_confirm(request: AuthenticatedHttpRequest) -> HttpResponse:
    """Apply the checked extract (or cancel); either way the uploaded file is deleted."""
    pending = pending_get(session=request.session, token=request.POST.get("token", ""))
    path = pending.path() if pending is not None else None
    if request.POST.get("action") == "cancel" or pending is None or path is None:
        pending_discard(session=request.session)
        if pending is not None:
            return redirect("ssd:import")
        return render(request, "ssd/import.html", {"form": SsdUploadForm(), "expired": True})
    try:
        result = ssd_uploaded_apply(path=path, name=pending.name, by=request.user, dry_run=False)
    finally:
        pending_discard(session=request.session)
    if not result.ok:
        return render(
            request,
            "ssd/import_problems.html",
            {"form": SsdUploadForm(), "result": result, "name": pending.name},
        )
    return render(
        request,
        "ssd/import_done.html",
        {"result": result, "name": pending.name, "changes": result.changes[:SHOWN_CHANGES]},
    )


@permission_required(Permission.IMPORT)
@require_GET
def ssd_reconciliation(request: AuthenticatedHttpRequest) -> HttpResponse:
    """What differs between the last extract and Safeguard's records (audited as a view)."""
    return render(request, "ssd/reconcile.html", {"lines": ssd_reconcile(by=request.user)})
