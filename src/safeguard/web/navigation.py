"""The service navigation: one list, each item shown to the roles whose permission it needs and
only once its page exists (so a colleague's page appears when its URL name is added)."""

from __future__ import annotations

import dataclasses

from django.conf import settings
from django.http import HttpRequest
from django.urls import NoReverseMatch, reverse

from safeguard.accounts.access import Permission, can, is_fully_signed_in


@dataclasses.dataclass(frozen=True)
class NavigationItem:
    label: str
    url_name: str
    permission: Permission | tuple[Permission, ...] | None  # any one; None: every signed-in user


NAVIGATION = (
    NavigationItem("Home", "web:home", None),
    NavigationItem("Children", "cases:child-list", Permission.VIEW_CHILD),
    NavigationItem("Diary", "conferences:diary", Permission.VIEW_CHILD),
    NavigationItem("Escalations", "escalations:list", Permission.VIEW_ESCALATIONS),
    NavigationItem("Reports", "reporting:index", Permission.VIEW_REPORTS),
    NavigationItem("Import", "exchange:import", Permission.IMPORT),
    NavigationItem("SSD feed", "ssd:import", Permission.IMPORT),
    NavigationItem(
        "Exports", "exchange:export", (Permission.EXPORT_RECORDS, Permission.EXPORT_PSEUDONYMISED)
    ),
    NavigationItem("Administration", "administration:index", Permission.ADMINISTER),
    NavigationItem(
        "Emails sent",
        "notifications:list",
        (Permission.ADMINISTER, Permission.VIEW_ESCALATIONS),
    ),
    NavigationItem("Audit", "audit:search", Permission.VIEW_AUDIT),
)


@dataclasses.dataclass(frozen=True)
class NavigationLink:
    label: str
    href: str
    current: bool


def navigation_for(request: HttpRequest) -> list[NavigationLink]:
    user = getattr(request, "user", None)
    if not is_fully_signed_in(user):
        return []
    links = []
    for item in NAVIGATION:
        wanted = (item.permission,) if isinstance(item.permission, Permission) else item.permission
        if wanted is not None and not any(can(user, permission) for permission in wanted):
            continue
        try:
            href = reverse(item.url_name)
        except NoReverseMatch:
            continue
        current = request.path == href if href == "/" else request.path.startswith(href)
        links.append(NavigationLink(item.label, href, current))
    return links


def navigation(request: HttpRequest) -> dict[str, object]:
    """Context processor: the navigation, the authority's name for the header, the signed-in
    person's name for the footer, and the idle time-out that the page's warning counts down."""
    signed_in = is_fully_signed_in(getattr(request, "user", None))
    return {
        "navigation": navigation_for(request),
        "authority_name": settings.AUTHORITY_NAME,
        "session_timeout_seconds": settings.SESSION_COOKIE_AGE if signed_in else None,
        "session_warning_seconds": min(
            settings.SAFEGUARD_SESSION_WARNING_SECONDS, settings.SESSION_COOKIE_AGE // 2
        ),
    }
