"""Who may do what: one table of role -> permissions, `can`, and the access-checked fetchers.

Every page, export and command that reads personal data asks `can(user, Permission.X)`, or
fetches its record through an `x_get_for_user` below, which answers the same `Http404` whether
the record is missing or not the user's to see (so ids cannot be probed).
"""

from __future__ import annotations

import enum
from typing import Any

from django.db.models import Q, QuerySet
from django.http import Http404

from safeguard.cases.models import Child
from safeguard.escalations.models import Escalation

from .models import LiaisonCover, Role


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
    VIEW_REPORTS = "view_reports"
    ADMINISTER = "administer"  # users, roles, liaison cover, 2FA resets, retention
    VIEW_AUDIT = "view_audit"


P = Permission
_CHAIR = frozenset(
    {
        P.VIEW_CHILD,
        P.VIEW_REPORTS,  # the chair downloads the report; it holds nothing a chair
        # may not already see (decision 0003)
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
    | {P.VIEW_REPORTS, P.EXPORT_RECORDS, P.EXPORT_PSEUDONYMISED, P.ADMINISTER, P.VIEW_AUDIT},
    Role.ANALYST: frozenset({P.VIEW_REPORTS, P.EXPORT_PSEUDONYMISED}),
    Role.LIAISON_OFFICER: frozenset({P.VIEW_ESCALATIONS}),
    Role.AUDITOR: frozenset({P.VIEW_AUDIT}),
}
"""The single statement of the role model (docs/decisions/0003-roles-and-access.md)."""


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


def child_get_for_user(*, user: Any, child_id: str) -> Child:
    """The child with this child id, if `user` may see children; otherwise the same 404."""
    if not can(user, P.VIEW_CHILD):
        raise Http404("No such child.")
    try:
        return Child.objects.select_related("area").get(child_id=child_id)
    except Child.DoesNotExist:
        raise Http404("No such child.") from None


def escalations_visible_to(*, user: Any) -> QuerySet[Escalation]:
    """Every escalation for chairs and managers; a liaison officer's cover; nothing otherwise."""
    escalations = Escalation.objects.select_related("organisation_type", "area")
    if can(user, P.VIEW_ALL_ESCALATIONS):
        return escalations
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
