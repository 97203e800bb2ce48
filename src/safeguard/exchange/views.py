"""Import a bundle (check it, then confirm), and export it, whole or pseudonymised."""

from __future__ import annotations

import logging
import tempfile
from pathlib import Path

from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.csrf import csrf_exempt, csrf_protect
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from safeguard.accounts.access import Permission, can
from safeguard.accounts.decorators import permission_required
from safeguard.accounts.http import AuthenticatedHttpRequest

from .exporter import bundle_export
from .forms import ImportForm
from .pseudonymised import bundle_export_pseudonymised
from .uploads import (
    INCOMPLETE_MESSAGE,
    SESSION_KEY,
    BundleUploadHandler,
    pending_discard,
    pending_get,
    pending_store,
    upload_folder,
    upload_refusal_before_reading,
    uploaded_bundle_apply,
    uploads_tidy,
)

logger = logging.getLogger(__name__)

# ---- import ----------------------------------------------------------------------------------


@permission_required(Permission.IMPORT)
@csrf_exempt  # checked by _import_check, once the upload is streamed to the private folder
@require_http_methods(["GET", "POST"])
def import_bundle(request: AuthenticatedHttpRequest) -> HttpResponse:
    """Upload a bundle and see what it would change (a dry run), or every problem in it."""
    if request.method != "POST":
        return _import_check(request, None)
    refusal = upload_refusal_before_reading(request)
    if refusal is not None:  # nothing read, nothing changed: the form again, with the reason
        return _import_refused(request, refusal)
    uploads_tidy()
    handler = BundleUploadHandler(request)
    request.upload_handlers = [handler]  # before anything reads the body
    try:
        try:
            request.FILES  # noqa: B018 (read the upload now, to catch its failure)
        except OSError:  # the client went away mid-upload (UnreadablePostError), or the disk
            logger.warning("An upload did not complete", exc_info=True)
            return _import_refused(request, INCOMPLETE_MESSAGE)
        return _import_check(request, handler)
    finally:  # every file of the upload is deleted, but one kept for the person to confirm
        handler.discard(keep=(request.session.get(SESSION_KEY) or {}).get("token"))


def _import_refused(request: HttpRequest, problem: str) -> HttpResponse:
    form = ImportForm(data={}, files={}, upload_problem=problem)
    return render(request, "exchange/import.html", {"form": form})


@csrf_protect
def _import_check(
    request: AuthenticatedHttpRequest, handler: BundleUploadHandler | None
) -> HttpResponse:
    if handler is None:
        return render(request, "exchange/import.html", {"form": ImportForm()})
    form = ImportForm(request.POST, request.FILES, upload_problem=handler.problem)
    if not form.is_valid():
        return render(request, "exchange/import.html", {"form": form})
    uploaded, replace = form.cleaned_data["bundle"], form.cleaned_data["replace"]
    result = uploaded_bundle_apply(
        path=uploaded.stored_path,
        name=uploaded.name,
        by=request.user,
        replace=replace,
        dry_run=True,
    )
    if not result.ok:
        pending_discard(session=request.session)
        return render(
            request,
            "exchange/import_problems.html",
            {"form": ImportForm(), "result": result, "name": uploaded.name},
        )
    pending = pending_store(session=request.session, uploaded=uploaded, replace=replace)
    return render(request, "exchange/import_check.html", {"result": result, "pending": pending})


@permission_required(Permission.IMPORT)
@require_POST
def import_confirm(request: AuthenticatedHttpRequest) -> HttpResponse:
    """Import the checked upload (or cancel it); either way the uploaded file is deleted."""
    pending = pending_get(session=request.session, token=request.POST.get("token", ""))
    path = pending.path() if pending is not None else None
    if request.POST.get("action") == "cancel" or pending is None or path is None:
        pending_discard(session=request.session)
        if pending is not None:
            return redirect("exchange:import")
        return render(request, "exchange/import.html", {"form": ImportForm(), "expired": True})
    try:
        result = uploaded_bundle_apply(
            path=path,
            name=pending.name,
            by=request.user,
            replace=pending.replace,
            dry_run=False,
        )
    finally:
        pending_discard(session=request.session)
    if not result.ok:
        return render(
            request,
            "exchange/import_problems.html",
            {"form": ImportForm(), "result": result, "name": pending.name},
        )
    return render(request, "exchange/import_done.html", {"result": result, "name": pending.name})


# ---- export ----------------------------------------------------------------------------------


@permission_required(Permission.EXPORT_RECORDS, Permission.EXPORT_PSEUDONYMISED)
@require_GET
def export(request: AuthenticatedHttpRequest) -> HttpResponse:
    return render(
        request,
        "exchange/export.html",
        {
            "identifiable": can(request.user, Permission.EXPORT_RECORDS),
            "pseudonymised": can(request.user, Permission.EXPORT_PSEUDONYMISED),
        },
    )


def _zip_response(filename: str, write) -> HttpResponse:  # noqa: ANN001
    with tempfile.TemporaryDirectory(dir=upload_folder()) as folder:
        path = Path(folder) / filename
        write(path)
        content = path.read_bytes()
    response = HttpResponse(content, content_type="application/zip")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response["Cache-Control"] = "no-store"
    return response


@permission_required(Permission.EXPORT_RECORDS)
@require_POST
def export_bundle(request: AuthenticatedHttpRequest) -> HttpResponse:
    """Every record as the exchange bundle (.zip), names included. Audited."""
    filename = f"safeguard-bundle-{timezone.localdate()}.zip"
    return _zip_response(filename, lambda path: bundle_export(path=path, by=request.user))


@permission_required(Permission.EXPORT_PSEUDONYMISED)
@require_POST
def export_pseudonymised(request: AuthenticatedHttpRequest) -> HttpResponse:
    """The bundle without names, with months of birth and keyed-hash ids. Audited."""
    filename = f"safeguard-bundle-pseudonymised-{timezone.localdate()}.zip"
    return _zip_response(
        filename, lambda path: bundle_export_pseudonymised(path=path, by=request.user)
    )
