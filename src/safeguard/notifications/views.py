from urllib.parse import urlencode

from django.contrib import messages
from django.core.paginator import Paginator
from django.db.models import Exists, OuterRef, Q
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_GET, require_POST

from safeguard.accounts.access import Permission, can
from safeguard.accounts.decorators import permission_required
from safeguard.accounts.http import AuthenticatedHttpRequest
from safeguard.audit.services import audit_viewed

from .alerts import alert_retry
from .models import QUEUED_TOO_LONG, DeliveryStatus, NotificationKind, RecipientDelivery
from .selectors import notifications_visible_to

PAGE_SIZE = 50


@permission_required(Permission.ADMINISTER, Permission.VIEW_ESCALATIONS)
@require_GET
def notification_list(request: AuthenticatedHttpRequest) -> HttpResponse:
    """Every digest, alert and reminder sent, with its recipients, for managers; the emails
    sent to them for liaison officers (their digests) and chairs (their reminders). `?failed=1`
    lists only the emails that failed, or stayed queued too long, for somebody (with a retry
    button for managers)."""
    rows = notifications_visible_to(user=request.user).prefetch_related("deliveries")
    kind = request.GET.get("kind", "")
    if kind in NotificationKind.values:
        rows = rows.filter(kind=kind)
    failed_only = request.GET.get("failed") == "1"
    if failed_only:
        stuck = Q(status=DeliveryStatus.FAILED) | Q(
            status=DeliveryStatus.QUEUED, at__lt=timezone.now() - QUEUED_TOO_LONG
        )
        rows = rows.filter(
            Exists(RecipientDelivery.objects.filter(stuck, notification=OuterRef("pk")))
        )
    page = Paginator(rows, PAGE_SIZE).get_page(request.GET.get("page"))
    audit_viewed(
        actor=request.user,
        record_type="notifications",
        record_id=kind,
        child_ids=[n.child_id for n in page if n.child_id],
        summary="Viewed the emails sent",
    )
    query = {key: value for key, value in (("kind", kind), ("failed", failed_only)) if value}
    return render(
        request,
        "notifications/notification_list.html",
        {
            "page": page,
            "kind": kind,
            "failed_only": failed_only,
            "query": urlencode({k: "1" if v is True else v for k, v in query.items()}),
            "kinds": NotificationKind.choices,
            "all_kinds": can(request.user, Permission.ADMINISTER),
        },
    )


@permission_required(Permission.ADMINISTER)
@require_POST
def notification_retry(request: AuthenticatedHttpRequest, notification_id: int) -> HttpResponse:
    """A manager's retry of an email that failed: its failed recipients (and those queued too
    long) are queued again for the worker (audited)."""
    notification = get_object_or_404(
        notifications_visible_to(user=request.user), pk=notification_id
    )
    queued = alert_retry(notification=notification, by=request.user)
    if queued:
        messages.info(
            request,
            f"'{notification.subject}' queued again for {queued} recipient"
            f"{'s' if queued != 1 else ''}: this page shows when the mail server accepts it.",
        )
    else:
        messages.info(
            request, f"'{notification.subject}' had not failed; nothing was queued again."
        )
    return redirect("notifications:list")
