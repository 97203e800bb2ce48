from urllib.parse import urlencode

from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from safeguard.accounts.access import Permission, can
from safeguard.accounts.decorators import permission_required
from safeguard.accounts.http import AuthenticatedHttpRequest
from safeguard.audit.services import audit_viewed

from .models import NotificationKind
from .selectors import notifications_visible_to

PAGE_SIZE = 50


@permission_required(Permission.ADMINISTER, Permission.VIEW_ESCALATIONS)
@require_GET
def notification_list(request: AuthenticatedHttpRequest) -> HttpResponse:
    """Every digest, alert and reminder sent, with its recipients, for managers; the emails
    sent to them for liaison officers (their digests) and chairs (their reminders)."""
    rows = notifications_visible_to(user=request.user)
    kind = request.GET.get("kind", "")
    if kind in NotificationKind.values:
        rows = rows.filter(kind=kind)
    page = Paginator(rows, PAGE_SIZE).get_page(request.GET.get("page"))
    audit_viewed(
        actor=request.user,
        record_type="notifications",
        record_id=kind,
        child_ids=[n.child_id for n in page if n.child_id],
        summary="Viewed the emails sent",
    )
    return render(
        request,
        "notifications/notification_list.html",
        {
            "page": page,
            "kind": kind,
            "query": urlencode({"kind": kind}) if kind else "",
            "kinds": NotificationKind.choices,
            "all_kinds": can(request.user, Permission.ADMINISTER),
        },
    )
