"""Who may do what: one table of role -> permissions, `can`, and the access-checked fetchers.

Every page, export and command that reads personal data asks `can(user, Permission.X)`, or
fetches its record through an `x_get_for_user` below, which answers the same `Http404` whether
the record is missing or not the user's to see (so ids cannot be probed).

Children are scoped by area: a chair or business support sees the children of their areas
(`User.areas`, or every area with `User.all_areas`); a manager sees every area. A child outside
one's areas opens only after `break_glass_open` has recorded a reason (audited), for that child
and for BREAK_GLASS_HOURS. `children_in_sight` is the one statement of that rule; every fetcher
of a child's records (plans, conferences, meetings, invitations, escalations) goes through it.
"""

from __future__ import annotations

import datetime as dt
import enum
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q, QuerySet
from django.http import Http404
from django.utils import timezone

from safeguard.audit.models import AuditAction
from safeguard.audit.services import audit_record
from safeguard.cases.models import Child
from safeguard.domain.figures import Audience
from safeguard.escalations.models import Escalation

from .models import BreakGlass, LiaisonCover, Role


class Permission(enum.StrEnum):
    VIEW_CHILD = "view_child"  # a child's page, names and dates of birth
    EDIT_CHILD = "edit_child"
    EDIT_PLAN = "edit_plan"
    EDIT_CONFERENCE = "edit_conference"
    EDIT_INVITATION = "edit_invitation"
    EDIT_CHECK = "edit_check"
    VIEW_ESCALATIONS = "view_escalations"  # the escalations the user's scope allows
    VIEW_ALL_ESCALATIONS = "view_all_escalations"  # unscoped, with the child linked
    EDIT_ESCALATION = "edit_escalation"
    IMPORT = "import"
    EXPORT_RECORDS = "export_records"  # identifiable exports (the CSV bundle, census returns)
    EXPORT_PSEUDONYMISED = "export_pseudonymised"
    VIEW_REPORTS = "view_reports"  # the report for members: no identifier, no free text
    VIEW_REPORT_IDENTIFIERS = "view_report_identifiers"  # the internal report (its appendix's
    # child and conference ids and the reasons recorded)
    ADMINISTER = "administer"  # users, roles, liaison cover, 2FA resets, retention
    VIEW_AUDIT = "view_audit"
    VIEW_ALL_AREAS = "view_all_areas"  # children of every area, without a recorded reason


P = Permission
_CHAIR = frozenset(
    {
        P.VIEW_CHILD,
        P.VIEW_REPORTS,  # the chair downloads the report; it holds nothing a chair
        # may not already see (decision 0003)
        P.VIEW_REPORT_IDENTIFIERS,
        P.EDIT_CONFERENCE,
        P.EDIT_INVITATION,
        P.EDIT_CHECK,
        P.VIEW_ESCALATIONS,
        P.VIEW_ALL_ESCALATIONS,
        P.EDIT_ESCALATION,
    }
)

ROLE_PERMISSIONS: dict[str, frozenset[Permission]] = {
    Role.CHAIR: _CHAIR,
    Role.BUSINESS_SUPPORT: frozenset(
        {P.VIEW_CHILD, P.EDIT_CHILD, P.EDIT_PLAN, P.EDIT_CONFERENCE, P.IMPORT, P.EXPORT_RECORDS}
    ),
    Role.MANAGER: _CHAIR
    | {
        P.VIEW_REPORTS,
        P.EXPORT_RECORDS,
        P.EXPORT_PSEUDONYMISED,
        P.ADMINISTER,
        P.VIEW_AUDIT,
        P.VIEW_ALL_AREAS,
    },
    Role.ANALYST: frozenset({P.VIEW_REPORTS, P.EXPORT_PSEUDONYMISED}),
    Role.LIAISON_OFFICER: frozenset({P.VIEW_ESCALATIONS}),
    Role.AUDITOR: frozenset({P.VIEW_AUDIT}),
}
"""The single statement of the role model (docs/decisions/0003-roles-and-access.md)."""

AREA_SCOPED_ROLES = frozenset({Role.CHAIR, Role.BUSINESS_SUPPORT})
"""The roles that see children of their own areas only (a manager sets them on the user's page)."""


def is_fully_signed_in(user: Any) -> bool:
    """Signed in with a password and a second factor, and the account is active."""
    return bool(
        getattr(user, "is_authenticated", False)
        and user.is_active
        and callable(getattr(user, "is_verified", None))
        and user.is_verified()
    )


def permissions_of(user: Any) -> frozenset[Permission]:
    if not is_fully_signed_in(user):
        return frozenset()
    return ROLE_PERMISSIONS.get(user.role, frozenset())


def can(user: Any, permission: Permission) -> bool:
    """Whether `user`, signed in with both factors, holds `permission` through their role."""
    return permission in permissions_of(user)


def report_audience_of(user: Any) -> Audience:
    """The report's audience for `user`: INTERNAL for those who may read its identifiers
    (chairs, managers), MEMBERS for everyone else who may read it (analysts). Applied where the
    report is handed out (safeguard.reporting.services and the report page)."""
    return Audience.INTERNAL if can(user, P.VIEW_REPORT_IDENTIFIERS) else Audience.MEMBERS


def break_glass_hours() -> int:
    """How long a recorded reason opens a child outside one's areas (SAFEGUARD_BREAK_GLASS_HOURS,
    default 4)."""
    return int(getattr(settings, "SAFEGUARD_BREAK_GLASS_HOURS", 4))


def sees_every_area(user: Any) -> bool:
    """Managers, and accounts a manager has given every area."""
    return can(user, P.VIEW_ALL_AREAS) or (
        can(user, P.VIEW_CHILD) and bool(getattr(user, "all_areas", False))
    )


def has_no_areas(user: Any) -> bool:
    """A chair or business support account with no area set: it sees no child (the home and
    children pages say to ask a service manager)."""
    return can(user, P.VIEW_CHILD) and not sees_every_area(user) and not user.areas.exists()


def area_ids_in_sight(user: Any) -> list[int] | None:
    """The areas whose children `user` sees; None for every area (children with none too)."""
    if sees_every_area(user):
        return None
    if not can(user, P.VIEW_CHILD):
        return []
    return list(user.areas.values_list("pk", flat=True))


def children_in_sight(user: Any) -> QuerySet[Child]:
    """The children `user` may open: none without VIEW_CHILD; every child for a manager or an
    account with every area; otherwise the children of the user's areas and those the user
    has opened with a recorded reason that has not yet expired."""
    children = Child.objects.all()
    if not can(user, P.VIEW_CHILD):
        return children.none()
    if sees_every_area(user):
        return children
    broken_glass = BreakGlass.objects.filter(user=user, expires_at__gt=timezone.now())
    return children.filter(Q(area__in=user.areas.all()) | Q(pk__in=broken_glass.values("child_id")))


def child_get_for_user(*, user: Any, child_id: str) -> Child:
    """The child with this child id, if it is within `user`'s sight; otherwise the same 404."""
    try:
        return children_in_sight(user).select_related("area").get(child_id=child_id)
    except Child.DoesNotExist:
        raise Http404("No such child.") from None


BREAK_GLASS_REASON_MIN = 10
BREAK_GLASS_REASON_MAX = 400  # the whole reason fits in the audit entry's summary


@transaction.atomic
def break_glass_open(*, user: Any, child_id: str, reason: str) -> Child:
    """Record `user`'s reason to open a child outside their areas, and open it for
    break_glass_hours(). The same 404 as any fetcher for a role that may not see children or a
    child that does not exist; a reason too short to mean anything is a ValidationError."""
    if not can(user, P.VIEW_CHILD):
        raise Http404("No such child.")
    reason = " ".join(reason.split())
    if len(reason) < BREAK_GLASS_REASON_MIN:
        message = (
            f"Say why you need to open this record (at least {BREAK_GLASS_REASON_MIN} letters)"
        )
        raise ValidationError({"reason": message})
    if len(reason) > BREAK_GLASS_REASON_MAX:
        message = f"Give the reason in {BREAK_GLASS_REASON_MAX} characters or fewer"
        raise ValidationError({"reason": message})
    try:
        child = Child.objects.select_related("area").get(child_id=child_id)
    except Child.DoesNotExist:
        raise Http404("No such child.") from None
    if children_in_sight(user).filter(pk=child.pk).exists():
        return child
    now = timezone.now()
    BreakGlass.objects.create(
        user=user,
        child=child,
        reason=reason,
        opened_at=now,
        expires_at=now + dt.timedelta(hours=break_glass_hours()),
    )
    audit_record(
        actor=user,
        action=AuditAction.VIEW,
        record_type="break_glass",
        record_id=child.child_id,
        child_id=child.child_id,
        summary=f"Opened a child outside their areas; reason: {reason}",
    )
    return child


def escalations_visible_to(*, user: Any) -> QuerySet[Escalation]:
    """Every escalation for managers; for chairs, those about no child or a child in their
    sight (children_in_sight); a liaison officer's cover; nothing otherwise."""
    escalations = Escalation.objects.select_related("organisation_type", "area")
    if can(user, P.VIEW_ALL_ESCALATIONS):
        if sees_every_area(user):
            return escalations
        return escalations.filter(Q(child=None) | Q(child__in=children_in_sight(user)))
    if not can(user, P.VIEW_ESCALATIONS):
        return escalations.none()
    try:
        cover = LiaisonCover.objects.get(user=user)
    except LiaisonCover.DoesNotExist:
        return escalations.none()
    in_cover = Q(organisation_type__in=cover.organisation_types.all())
    if not cover.all_areas:
        in_cover &= Q(area__in=cover.areas.all())
    return escalations.filter(in_cover)


def escalation_get_for_user(*, user: Any, escalation_id: str) -> Escalation:
    """The escalation with this id if it is within the user's sight; otherwise the same 404."""
    try:
        return escalations_visible_to(user=user).get(escalation_id=escalation_id)
    except Escalation.DoesNotExist:
        raise Http404("No such escalation.") from None
