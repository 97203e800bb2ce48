"""The report pages: read the report in the browser, download it, and the JSON API."""

from __future__ import annotations

from django.http import Http404, HttpResponse, JsonResponse, QueryDict
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET

from safeguard.accounts.access import Permission, report_audience_of
from safeguard.accounts.decorators import (
    api_permission_required,
    permission_required,
)
from safeguard.accounts.http import AuthenticatedHttpRequest
from safeguard.audit.services import audit_viewed

from .cache import report_page_body_cached
from .forms import ApiReportQuery, ReportChoice, ReportForm, default_choice
from .renderers import ReportFormat
from .services import DOWNLOAD_FORMATS, FORMAT_NAMES, report_download, report_json_for_api


@permission_required(Permission.VIEW_REPORTS)
@require_GET
def index(request: AuthenticatedHttpRequest) -> HttpResponse:
    """Choose a period (whole months) and read the report with its charts. With no query, the
    latest completed half-year."""
    today = timezone.localdate()
    if request.GET:
        form = ReportForm(request.GET, today=today)
        choice = form.choice() if form.is_valid() else None
    else:
        choice = default_choice(today=today)
        form = ReportForm.for_choice(choice, today=today)
    body = downloads = None
    if choice is not None:
        body = report_page_body_cached(
            period=choice.period,
            count_by=choice.count_by,
            include_informal=choice.include_informal,
            generated_on=today,
            audience=report_audience_of(request.user),
        )
        query = _query(choice)
        audit_viewed(
            actor=request.user,
            record_type="report",
            record_id=f"{choice.period.start_on.isoformat()}/{choice.period.end_on.isoformat()}",
            summary=f"Viewed the report page ({query})",
        )
        downloads = [
            (
                FORMAT_NAMES[fmt],
                reverse("reporting:download", kwargs={"report_format": fmt.value}) + "?" + query,
            )
            for fmt in DOWNLOAD_FORMATS
        ]
    return render(
        request,
        "reporting/page_index.html",
        {"form": form, "choice": choice, "report_body": body, "downloads": downloads},
    )


def _query(choice: ReportChoice) -> str:
    """The report page's query string for `choice`, for the download links."""
    query = QueryDict(mutable=True)
    query.update(
        {
            "start_month": str(choice.period.start_on.month),
            "start_year": str(choice.period.start_on.year),
            "end_month": str(choice.period.end_on.month),
            "end_year": str(choice.period.end_on.year),
            "count_by": choice.count_by.value,
        }
    )
    if choice.include_informal:
        query["include_informal"] = "on"
    return query.urlencode()


@permission_required(Permission.VIEW_REPORTS)
@require_GET
def download(request: AuthenticatedHttpRequest, report_format: str) -> HttpResponse:
    """The report as a PDF, Word, Excel or JSON file (audited). A choice that is not valid goes
    back to the report page, which says what is wrong."""
    try:
        fmt = ReportFormat(report_format)
    except ValueError:
        raise Http404("No such format.") from None
    if fmt not in DOWNLOAD_FORMATS:
        raise Http404("No such format.")
    today = timezone.localdate()
    form = ReportForm(request.GET, today=today)
    if not form.is_valid():
        return redirect(reverse("reporting:index") + "?" + request.GET.urlencode())
    choice = form.choice()
    report_file = report_download(
        period=choice.period,
        count_by=choice.count_by,
        include_informal=choice.include_informal,
        report_format=fmt,
        by=request.user,
        generated_on=today,
    )
    response = HttpResponse(report_file.content, content_type=report_file.media_type)
    response["Content-Disposition"] = f'attachment; filename="{report_file.filename}"'
    response["Cache-Control"] = "no-store"
    return response


@api_permission_required(Permission.VIEW_REPORTS)
@require_GET
def api_report(request: AuthenticatedHttpRequest) -> JsonResponse:
    """GET /api/v1/report?from=2022-04-01&to=2022-09-30[&count_by=meeting&include_informal=1]:
    the report's figures as the CLI's JSON. A period that is not whole months is a 400 with a
    message, never a 500."""
    today = timezone.localdate()
    try:
        choice = ApiReportQuery(request.GET, today=today).choice()
    except ValueError as error:
        return JsonResponse({"error": str(error)}, status=400)
    figures = report_json_for_api(
        period=choice.period,
        count_by=choice.count_by,
        include_informal=choice.include_informal,
        by=request.user,
        generated_on=today,
    )
    response = JsonResponse(figures, json_dumps_params={"ensure_ascii": False})
    response["Cache-Control"] = "no-store"
    return response
