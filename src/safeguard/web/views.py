import io
from typing import TypedDict

from django.core.paginator import Paginator
from django.db import DatabaseError, connection
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_GET

from safeguard.accounts.access import (
    Permission,
    area_ids_in_sight,
    can,
    has_no_areas,
    permissions_of,
)
from safeguard.accounts.decorators import (
    permission_required,
    public,
    signed_in_required,
)
from safeguard.accounts.http import AuthenticatedHttpRequest
from safeguard.audit.services import audit_viewed
from safeguard.cases.forms import WorklistFilterForm
from safeguard.conferences.selectors import (
    WORKLIST_SECTIONS,
    WORKLIST_WEEKS,
    DueItem,
    DueKind,
    NamedDueItem,
    Worklist,
    overdue_by_chair,
    with_child_names,
    worklist_for,
)
from safeguard.escalations.selectors import escalations_visible_to
from safeguard.notifications.selectors import agency_reports_of_liaison_cover
from safeguard.spreadsheet_cells import SafeCsvWriter


@public
def healthz(request: HttpRequest) -> HttpResponse:
    """200 when the database answers, 503 otherwise; for monitoring. Holds no personal data."""
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except DatabaseError:
        return HttpResponse("database unavailable\n", status=503, content_type="text/plain")
    return HttpResponse("ok\n", content_type="text/plain")


class HomeSection(TypedDict):
    name: str
    title: str
    count: int
    items: list[NamedDueItem]


HOME_ROWS = 5  # the soonest items of each worklist section on the home page
WORKLIST_PAGE_SIZE = 50


_KINDS = {
    "initial": frozenset({DueKind.INITIAL_CONFERENCE}),
    "review": frozenset({DueKind.REVIEW}),
    "checks": frozenset({DueKind.MIDWAY_CHECK, DueKind.PRE_REVIEW_CHECK}),
    "midway": frozenset({DueKind.MIDWAY_CHECK}),
    "pre_review": frozenset({DueKind.PRE_REVIEW_CHECK}),
}


def _worklist(request: AuthenticatedHttpRequest) -> tuple[WorklistFilterForm, Worklist]:
    """The user's worklist (their own as a chair; a chosen chair's or everyone's otherwise),
    as the filters ask; filters that do not validate are ignored."""
    form = WorklistFilterForm(request.GET or None, areas=area_ids_in_sight(request.user))
    chosen = form.cleaned_data if form.is_valid() else {}
    area = chosen.get("area")
    worklist = worklist_for(
        user=request.user,
        as_of=timezone.localdate(),
        chair=chosen.get("chair"),
        weeks=chosen.get("weeks") or WORKLIST_WEEKS[0],
        area_id=area.pk if area else None,
        kinds=_KINDS.get(chosen.get("kind") or ""),
        by_child=chosen.get("sort") == "child",
    )
    return form, worklist


@signed_in_required
@require_GET
def home(request: AuthenticatedHttpRequest) -> HttpResponse:
    """Home: the worklist for those who work with children's records; links for the others."""
    if not can(request.user, Permission.VIEW_CHILD):
        return render(request, "web/home.html", {"worklist": None, **_cover(request)})
    form, worklist = _worklist(request)
    sections: list[HomeSection] = [
        {
            "name": name,
            "title": worklist.title(name),
            "count": worklist.count(name),
            "items": with_child_names(worklist.items(name, limit=HOME_ROWS)),
        }
        for name in worklist.sections
    ]
    escalations = None
    if worklist.open_escalations is not None:
        escalations = {
            "count": worklist.open_escalations.count(),
            "items": list(worklist.open_escalations[:HOME_ROWS]),
        }
    by_chair = None
    if worklist.chair is None:
        by_chair = overdue_by_chair(as_of=worklist.as_of, areas=worklist.areas)
    shown = [item.item.child_id for section in sections for item in section["items"]]
    if shown:
        audit_viewed(actor=request.user, record_type="worklist", child_ids=shown, summary="Home")
    return render(
        request,
        "web/home.html",
        {
            "form": form,
            "worklist": worklist,
            "sections": sections,
            "escalations": escalations,
            "by_chair": by_chair,
            "query": request.GET.urlencode(),
            "no_areas": has_no_areas(request.user),
            "may": permissions_of(request.user),
        },
    )


def _cover(request: AuthenticatedHttpRequest) -> dict[str, object]:
    """For those who see escalations but no children (a Senior Liaison Officer): the open
    escalations within their cover, oldest first, and the agencies' reports to booked
    conferences due and overdue (counts, by agency)."""
    if not can(request.user, Permission.VIEW_ESCALATIONS):
        return {}
    open_escalations = (
        escalations_visible_to(user=request.user)
        .filter(resolved_on__isnull=True)
        .select_related("organisation_type", "area")
        .order_by("raised_on", "escalation_id")
    )
    shown = list(open_escalations.select_related("child")[: HOME_ROWS * 4])
    if shown:
        audit_viewed(
            actor=request.user,
            record_type="escalations",
            child_ids=[e.child.child_id for e in shown if e.child],
            summary="Home: open escalations in the cover",
        )
    return {
        "cover_escalations": {"count": open_escalations.count(), "items": shown},
        "cover_reports": agency_reports_of_liaison_cover(
            user=request.user, as_of=timezone.localdate()
        ),
    }


@permission_required(Permission.VIEW_CHILD)
@require_GET
def worklist(request: AuthenticatedHttpRequest) -> HttpResponse:
    """One section of the worklist in full, a page at a time."""
    show = request.GET.get("show") or "reviews-due"
    if show not in WORKLIST_SECTIONS:
        raise Http404("No such list.")
    form, worklist = _worklist(request)
    # Paginator only slices a section; the stub's protocol also asks for indexing and iterating.
    section = worklist.section(show)
    paginator: Paginator[DueItem] = Paginator(section, WORKLIST_PAGE_SIZE)  # type: ignore[arg-type]
    page = paginator.get_page(request.GET.get("page"))
    items = with_child_names(list(page))
    audit_viewed(
        actor=request.user,
        record_type="worklist",
        record_id=show,
        child_ids=[item.item.child_id for item in items],
        summary=f"Viewed the worklist: {worklist.title(show)}",
    )
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "web/worklist.html",
        {
            "form": form,
            "worklist": worklist,
            "title": worklist.title(show),
            "show": show,
            "items": items,
            "page": page,
            "query": query.urlencode(),
            "may": permissions_of(request.user),
        },
    )


@permission_required(Permission.VIEW_CHILD)
@require_GET
def worklist_csv(request: AuthenticatedHttpRequest) -> HttpResponse:
    """The whole worklist, as its filters ask, as a CSV file (audited like the page)."""
    _, worklist = _worklist(request)
    items = worklist.all_items()
    audit_viewed(
        actor=request.user,
        record_type="worklist",
        record_id="csv",
        child_ids=[item.child_id for item in items],
        summary="Downloaded the worklist as CSV"
        + (f" ({request.GET.urlencode()})" if request.GET else ""),
    )
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = (
        f'attachment; filename="worklist-{worklist.as_of.isoformat()}.csv"'
    )
    # Written whole, then handed to the response at once: the response's own write, row by row,
    # cost a large authority's twelve-week list (7,000 rows) a tenth of a second.
    text = io.StringIO()
    writer = SafeCsvWriter(text, lineterminator="\r\n")
    writer.writerow(["due_date", "what", "child_id", "child_name", "plan_id", "chair", "status"])
    writer.writerows(
        [
            item.due_on.isoformat(),
            item.kind.label,
            item.child_id,
            item.child_name,
            item.plan_id,
            item.chair,
            "overdue" if item.overdue else "due",
        ]
        for item in items
    )
    response.write(text.getvalue())
    return response
