from django.db import DatabaseError, connection
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from safeguard.accounts.access import child_get_for_user
from safeguard.accounts.decorators import public, signed_in_required
from safeguard.audit.services import audit_child_viewed


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


@signed_in_required
def home(request: HttpRequest) -> HttpResponse:
    return render(request, "web/home.html")


# ---- children --------------------------------------------------------------------------------


@signed_in_required
def child_detail(request: HttpRequest, child_id: str) -> HttpResponse:
    """A child's page. The fetcher answers 404 to roles that may not see children."""
    child = child_get_for_user(user=request.user, child_id=child_id)
    audit_child_viewed(actor=request.user, child=child)
    return render(
        request,
        "web/child_detail.html",
        {"child": child, "plans": child.plans.order_by("start_on")},
    )
