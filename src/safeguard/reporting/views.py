"""The report pages: read the report in the browser, download it, and the JSON API."""

from __future__ import annotations

from django.contrib import messages
from django.http import Http404, HttpResponse, JsonResponse, QueryDict
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from safeguard.accounts.access import Permission, can, report_audience_of
from safeguard.accounts.decorators import (
    api_permission_required,
    permission_required,
)
from safeguard.accounts.http import AuthenticatedHttpRequest
from safeguard.audit.services import audit_viewed
from safeguard.domain.editions import Priority, flattened
from safeguard.domain.figures import Audience, for_audience
from safeguard.domain.report_json import report_to_json

from .cache import report_build_cached, report_page_body_cached
from .editions import (
    EDITION_FORMATS,
    PENDING,
    EditionRefused,
    commentary_for,
    commentary_of,
    commentary_save,
    edition_audience_for,
    edition_changes,
    edition_file_download,
    edition_get,
    edition_request,
    edition_requests_shown,
    editions_list,
    waits_too_long,
)
from .forms import (
    PRIORITY_ROWS,
    ApiReportQuery,
    CommentaryForm,
    ReportChoice,
    ReportForm,
    default_choice,
)
from .renderers import ReportFormat
from .renderers.document import build_document
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
        internal = report_build_cached(
            period=choice.period,
            count_by=choice.count_by,
            include_informal=choice.include_informal,
            generated_on=today,
            audience=Audience.INTERNAL,
        )
        body = report_page_body_cached(
            period=choice.period,
            count_by=choice.count_by,
            include_informal=choice.include_informal,
            generated_on=today,
            audience=report_audience_of(request.user),
            commentary=commentary_for(choice.period, report_to_json(internal)),
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
        {
            "form": form,
            "choice": choice,
            "report_body": body,
            "downloads": downloads,
            "may_issue": can(request.user, Permission.ISSUE_REPORTS),
            "query": _query(choice) if choice else "",
        },
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


# ---- editions and commentary (issue 20, items 3 and 4) ----------------------------------------


def _editions_page(
    request: AuthenticatedHttpRequest,
    form: ReportForm | None,
    *,
    status: int = 200,
    chosen: ReportChoice | None = None,
) -> HttpResponse:
    listed = editions_list(by=request.user, period=chosen.period if chosen else None)
    audience = edition_audience_for(request.user)
    rows = [
        {
            "edition": edition,
            "downloads": [
                (
                    FORMAT_NAMES[fmt],
                    reverse(
                        "reporting:edition-download",
                        kwargs={"edition_id": edition.edition_id, "report_format": fmt.value},
                    ),
                )
                for fmt in EDITION_FORMATS
            ],
        }
        for edition in listed
    ]
    shown = edition_requests_shown(by=request.user)
    requests = [{"request": r, "stuck": waits_too_long(r)} for r in shown]
    may_issue = can(request.user, Permission.ISSUE_REPORTS)
    return render(
        request,
        "reporting/editions.html",
        {
            "rows": rows,
            "requests": requests,
            # The page refreshes itself while an edition is being issued (no script needed).
            "refresh": any(r.status in PENDING and not waits_too_long(r) for r in shown),
            "form": form if may_issue else None,
            "may_issue": may_issue,
            "audience": audience,
            "chosen": chosen,
            "query": _query(chosen) if chosen else "",
        },
        status=status,
    )


@permission_required(Permission.VIEW_REPORTS)
@require_GET
def editions(request: AuthenticatedHttpRequest) -> HttpResponse:
    """Every edition issued, newest first, with its stored files in the reader's version, and
    those being issued; a manager may issue the report of a period that has ended. With the
    report page's period in the query (its "Editions issued" link carries it), the editions of
    that period, and that period ready to issue."""
    today = timezone.localdate()
    chosen = None
    if request.GET.get("start_year"):
        asked = ReportForm(request.GET, today=today)
        chosen = asked.choice() if asked.is_valid() else None
    response = _editions_page(
        request,
        ReportForm.for_choice(chosen or default_choice(today=today), today=today),
        chosen=chosen,
    )
    listed = len(editions_list(by=request.user, period=chosen.period if chosen else None))
    audit_viewed(
        actor=request.user,
        record_type="report edition",
        record_id="",
        summary=(
            f"Viewed the report editions of {chosen.period} ({listed})"
            if chosen
            else f"Viewed the list of report editions ({listed})"
        ),
    )
    return response


@permission_required(Permission.ISSUE_REPORTS)
@require_POST
def edition_issue_view(request: AuthenticatedHttpRequest) -> HttpResponse:
    """Ask the task worker to issue the report for the period chosen (a manager): it is listed
    once its files are stored; they are never rendered again."""
    today = timezone.localdate()
    form = ReportForm(request.POST, today=today)
    if not form.is_valid():
        return _editions_page(request, form, status=400)
    choice = form.choice()
    try:
        edition_request(
            period=choice.period,
            count_by=choice.count_by,
            include_informal=choice.include_informal,
            by=request.user,
            generated_on=today,
        )
    except EditionRefused as refused:
        form.add_error(None, str(refused))
        return _editions_page(request, form, status=400)
    messages.success(
        request,
        f"The report for {choice.period} is being issued. It is listed here once its files "
        "are ready, within a minute or two.",
    )
    return redirect("reporting:editions")


@permission_required(Permission.VIEW_REPORTS)
@require_GET
def edition_download(
    request: AuthenticatedHttpRequest, edition_id: str, report_format: str
) -> HttpResponse:
    """An edition's stored file, in the reader's version (analysts: the members')."""
    try:
        fmt = ReportFormat(report_format)
    except ValueError:
        raise Http404("No such format.") from None
    edition = edition_get(edition_id, by=request.user)
    stored = edition_file_download(
        edition, fmt, by=request.user, audience=edition_audience_for(request.user, edition)
    )
    response = HttpResponse(bytes(stored.content), content_type=stored.media_type)
    response["Content-Disposition"] = f'attachment; filename="{stored.filename}"'
    response["Cache-Control"] = "no-store"
    return response


@permission_required(Permission.VIEW_REPORTS)
@require_GET
def edition_changes_view(request: AuthenticatedHttpRequest, edition_id: str) -> HttpResponse:
    """Each figure the records now give differently from the edition, and the records changed
    since it was issued (who, when)."""
    edition = edition_get(edition_id, by=request.user)
    changes = edition_changes(edition, by=request.user)
    return render(request, "reporting/edition_changes.html", {"changes": changes})


@permission_required(Permission.ISSUE_REPORTS)
@require_http_methods(["GET", "POST"])
def commentary(request: AuthenticatedHttpRequest) -> HttpResponse:
    """The manager's executive summary, commentary per section, priorities for the next period
    and what was done about the last edition's priorities, for the period chosen."""
    today = timezone.localdate()
    data = request.POST if request.method == "POST" else request.GET
    period_form = ReportForm(data, today=today) if data.get("start_year") else None
    choice = (
        period_form.choice()
        if period_form is not None and period_form.is_valid()
        else default_choice(today=today)
    )
    if period_form is None:
        period_form = ReportForm.for_choice(choice, today=today)
    report = report_build_cached(
        period=choice.period,
        count_by=choice.count_by,
        include_informal=choice.include_informal,
        generated_on=today,
        audience=Audience.INTERNAL,
    )
    figures = report_to_json(report)
    current = commentary_for(choice.period, figures)
    sections = [
        (section.key, section.title)
        for section in build_document(report).sections
        if not section.appendix
    ]
    reviews = [review.said for review in current.reviews]
    # A priority may name any figure of the members' version: never an id or a reason typed,
    # which the members' copy of "what changed" would otherwise show.
    known = frozenset(
        path for path, _ in flattened(report_to_json(for_audience(report, Audience.MEMBERS)))
    )
    if request.method == "POST":
        form = CommentaryForm(request.POST, sections=sections, reviews=reviews, known_figures=known)
        if form.is_valid():
            cleaned = form.cleaned_data
            commentary_save(
                period=choice.period,
                executive_summary=cleaned["executive_summary"],
                sections={key: cleaned[f"section_{key}"] for key in form.section_keys},
                priorities=[
                    Priority(text=cleaned[f"priority_{n}"], figure=cleaned[f"priority_{n}_figure"])
                    for n in range(1, PRIORITY_ROWS + 1)
                ],
                progress={
                    str(n): cleaned[f"progress_{n}"] for n in range(1, form.review_count + 1)
                },
                by=request.user,
            )
            messages.success(request, f"The commentary for {choice.period} has been saved.")
            return redirect(reverse("reporting:index") + "?" + _query(choice))
        status = 400
    else:
        stored = commentary_of(choice.period)
        initial: dict[str, str] = {}
        if stored is not None:
            initial["executive_summary"] = stored.executive_summary
            initial.update({f"section_{k}": v for k, v in stored.sections.items()})
            initial.update({f"progress_{k}": v for k, v in stored.progress.items()})
            for number, priority in enumerate(stored.priorities, start=1):
                initial[f"priority_{number}"] = priority.get("text", "")
                initial[f"priority_{number}_figure"] = priority.get("figure", "")
        form = CommentaryForm(
            initial=initial, sections=sections, reviews=reviews, known_figures=known
        )
        status = 200
        audit_viewed(
            actor=request.user,
            record_type="report commentary",
            record_id=f"{choice.period.start_on.isoformat()}/{choice.period.end_on.isoformat()}",
            summary=f"Opened the commentary for the report {choice.period}",
        )
    return render(
        request,
        "reporting/commentary.html",
        {
            "form": form,
            "period_form": period_form,
            "choice": choice,
            "query": _query(choice),
            "previous_edition": current.previous_edition,
        },
        status=status,
    )
