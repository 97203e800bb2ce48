from typing import TypedDict

from django.core.paginator import Paginator
from django.db import DatabaseError, connection
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_GET

from safeguard.accounts.access import Permission, can, has_no_areas, permissions_of
from safeguard.accounts.decorators import (
    permission_required,
    public,
    signed_in_required,
)
from safeguard.accounts.http import AuthenticatedHttpRequest
from safeguard.audit.services import audit_viewed
from safeguard.cases.forms import WorklistChairForm
from safeguard.conferences.selectors import (
    WORKLIST_SECTIONS,
    DueItem,
    NamedDueItem,
    Worklist,
    with_child_names,
    worklist_for,
)


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


def _worklist(request: AuthenticatedHttpRequest) -> tuple[WorklistChairForm, Worklist]:
    """The user's worklist (their own as a chair; a chosen chair's or everyone's otherwise)."""
    form = WorklistChairForm(request.GET or None)
    chosen = form.cleaned_data.get("chair") if form.is_valid() else None
    worklist = worklist_for(user=request.user, as_of=timezone.localdate(), chair=chosen)
    return form, worklist


@signed_in_required
@require_GET
def home(request: AuthenticatedHttpRequest) -> HttpResponse:
    """Home: the worklist for those who work with children's records; links for the others."""
    if not can(request.user, Permission.VIEW_CHILD):
        return render(request, "web/home.html", {"worklist": None})
    form, worklist = _worklist(request)
    sections: list[HomeSection] = [
        {
            "name": name,
            "title": title,
            "count": worklist.count(name),
            "items": with_child_names(worklist.items(name, limit=HOME_ROWS)),
        }
        for name, title in worklist.sections.items()
    ]
    escalations = None
    if worklist.open_escalations is not None:
        escalations = {
            "count": worklist.open_escalations.count(),
            "items": list(worklist.open_escalations[:HOME_ROWS]),
        }
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
            "query": request.GET.urlencode(),
            "no_areas": has_no_areas(request.user),
            "may": permissions_of(request.user),
        },
    )


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
        summary=f"Viewed the worklist: {WORKLIST_SECTIONS[show]}",
    )
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "web/worklist.html",
        {
            "form": form,
            "worklist": worklist,
            "title": WORKLIST_SECTIONS[show],
            "show": show,
            "items": items,
            "page": page,
            "query": query.urlencode(),
            "may": permissions_of(request.user),
        },
    )
