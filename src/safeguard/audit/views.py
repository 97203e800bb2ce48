from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from safeguard.accounts.access import Permission
from safeguard.accounts.decorators import permission_required
from safeguard.accounts.http import AuthenticatedHttpRequest

from .forms import AuditSearchForm
from .selectors import audit_entries
from .services import audit_viewed

PAGE_SIZE = 50


@permission_required(Permission.VIEW_AUDIT)
@require_GET
def search(request: AuthenticatedHttpRequest) -> HttpResponse:
    """Read-only: the audit trail offers no way to change or delete an entry."""
    form = AuditSearchForm(request.GET or None)
    page = None
    if form.is_bound and form.is_valid() or not form.is_bound:
        filters = form.cleaned_data if form.is_bound else {}
        user = filters.get("user")
        entries = audit_entries(
            child_id=filters.get("child_id") or None,
            user_id=user.pk if user else None,
            since=filters.get("since"),
            until=filters.get("until"),
        )
        page = Paginator(entries, PAGE_SIZE).get_page(request.GET.get("page"))
        shown = [i for e in page for i in (e.child_id, *e.shown_ids.split()) if i]
        terms = {k: filters.get(k) for k in ("user", "since", "until") if filters.get(k)}
        audit_viewed(
            actor=request.user,
            record_type="audit trail",
            child_ids=shown,
            summary="Searched the audit trail"
            + "".join(f"; {k}: {v}" for k, v in terms.items())
            + f"; {page.paginator.count} entries",
            search=filters.get("child_id") or None,
        )
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "audit/search.html",
        {"form": form, "page": page, "query": query.urlencode()},
    )
