from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from safeguard.accounts.decorators import role_required
from safeguard.accounts.models import Role

from .models import NotificationKind
from .selectors import notifications_visible_to

PAGE_SIZE = 50


@role_required(Role.MANAGER, Role.LIAISON_OFFICER)
@require_GET
def notifications(request: HttpRequest) -> HttpResponse:
    """Every digest, alert and reminder sent, with its recipients (a Senior Liaison Officer
    sees only their own digests)."""
    rows = notifications_visible_to(user=request.user)
    kind = request.GET.get("kind", "")
    if kind in NotificationKind.values:
        rows = rows.filter(kind=kind)
    page = Paginator(rows, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "escalations/notifications.html",
        {
            "page": page,
            "kind": kind,
            "kinds": NotificationKind.choices,
            "all_kinds": request.user.role == Role.MANAGER,
        },
    )
