"""Who may do what: one table of role -> permissions, `can`, and what a user's account says
about where they may look (their areas).

Every page, export and command that reads personal data asks `can(user, Permission.X)`, or
fetches its record through an access-checked fetcher kept with its concept's selectors
(safeguard.cases.selectors for children and plans, safeguard.conferences.selectors for
conferences, meetings and invitations, safeguard.escalations.selectors for escalations), which
answers the same `Http404` whether the record is missing or not the user's to see (so ids
cannot be probed). This module imports no record model (an import-linter contract holds it).

Children are scoped by area: a chair or business support sees the children of their areas
(`User.areas`, or every area with `User.all_areas`); a manager sees every area
(`sees_every_area`). A child outside one's areas opens only after a recorded reason
(safeguard.cases.services.break_glass_open); `safeguard.cases.selectors.children_in_sight` is
the one statement of which children a user sees.
"""

from __future__ import annotations

import enum
from typing import TypeGuard

from django.contrib.auth.models import AnonymousUser

from safeguard.domain.figures import Audience

from .models import Role, User


class Permission(enum.StrEnum):
    VIEW_CHILD = "view_child"  # a child's page, names and dates of birth
    EDIT_CHILD = "edit_child"
    EDIT_PLAN = "edit_plan"
    EDIT_CONFERENCE = "edit_conference"
    EDIT_INVITATION = "edit_invitation"
    BOOK_CONFERENCE = "book_conference"  # enquiries, booking and cancelling, the organisations
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
    ISSUE_REPORTS = "issue_reports"  # issue an edition of the report and write its commentary
    ADMINISTER = "administer"  # users, roles, liaison cover, 2FA resets, retention
    VIEW_AUDIT = "view_audit"
    VIEW_ALL_AREAS = "view_all_areas"  # children of every area, without a recorded reason


P = Permission
_CHAIR = frozenset(
    {
        P.VIEW_CHILD,
        P.VIEW_REPORTS,  # the issue's chair downloads the report; it holds nothing a chair
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
        {
            P.VIEW_CHILD,
            P.EDIT_CHILD,
            P.EDIT_PLAN,
            P.EDIT_CONFERENCE,
            P.BOOK_CONFERENCE,
            P.EDIT_INVITATION,  # business support invites the agencies and chases reports
            P.IMPORT,
            P.EXPORT_RECORDS,
        }
    ),
    Role.MANAGER: _CHAIR
    | {
        P.VIEW_REPORTS,
        P.BOOK_CONFERENCE,
        P.ISSUE_REPORTS,
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

Someone = User | AnonymousUser | None
"""Whoever a request or a command acts for: a signed-in user, an anonymous visitor, or nobody."""

AREA_SCOPED_ROLES = frozenset({Role.CHAIR, Role.BUSINESS_SUPPORT})
"""The roles that see children of their own areas only (a manager sets them on the user's page)."""


def is_fully_signed_in(user: Someone) -> TypeGuard[User]:
    """Signed in with a password and a second factor, and the account is active."""
    verified = getattr(user, "is_verified", None)  # django-otp's middleware sets it
    return bool(
        isinstance(user, User)
        and user.is_authenticated
        and user.is_active
        and callable(verified)
        and verified()
    )


def permissions_of(user: Someone) -> frozenset[Permission]:
    if not is_fully_signed_in(user):
        return frozenset()
    return ROLE_PERMISSIONS.get(user.role, frozenset())


def can(user: Someone, permission: Permission) -> bool:
    """Whether `user`, signed in with both factors, holds `permission` through their role."""
    return permission in permissions_of(user)


def report_audience_of(user: Someone) -> Audience:
    """The report's audience for `user`: INTERNAL for those who may read its identifiers
    (chairs, managers), MEMBERS for everyone else who may read it (analysts). Applied where the
    report is handed out (safeguard.reporting.services and the report page)."""
    return Audience.INTERNAL if can(user, P.VIEW_REPORT_IDENTIFIERS) else Audience.MEMBERS


def sees_every_area(user: Someone) -> bool:
    """Managers, and accounts a manager has given every area."""
    return can(user, P.VIEW_ALL_AREAS) or (
        can(user, P.VIEW_CHILD) and bool(getattr(user, "all_areas", False))
    )


def has_no_areas(user: Someone) -> bool:
    """A chair or business support account with no area set: it sees no child (the home and
    children pages say to ask a service manager)."""
    return (
        isinstance(user, User)
        and can(user, P.VIEW_CHILD)
        and not sees_every_area(user)
        and not user.areas.exists()
    )


def area_ids_in_sight(user: Someone) -> list[int] | None:
    """The areas whose children `user` sees; None for every area (children with none too)."""
    if sees_every_area(user):
        return None
    if not isinstance(user, User) or not can(user, P.VIEW_CHILD):
        return []
    return list(user.areas.values_list("pk", flat=True))
