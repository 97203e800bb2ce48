"""Access rules for views. Every view declares one; `safeguard.web.middleware.AccessMiddleware`
refuses (403) any view that does not, so a page added without a rule is never open.

    @permission_required(Permission.EDIT_CHILD)
    def child_edit(request, child_id): ...

A signed-in user is one who gave their password *and* a second factor. Anybody else is sent to
the sign-in page; a signed-in user whose role lacks the permission gets 403. Record pages fetch
through `x_get_for_user`, which answers 404 for records the user may not see.
"""

from __future__ import annotations

import dataclasses
import functools
from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse, JsonResponse

from .access import Permission, can, is_fully_signed_in


@dataclasses.dataclass(frozen=True)
class AccessRule:
    public: bool = False
    permissions: frozenset[Permission] = frozenset()  # any one of them suffices

    def check(self, request: HttpRequest) -> HttpResponse | None:
        """None to go ahead; otherwise the redirect to sign in. Raises 403 when the user's role
        holds none of the permissions."""
        if self.public:
            return None
        user = request.user
        if not user.is_authenticated or not is_fully_signed_in(user):
            if request.method == "POST" and settings.SESSION_COOKIE_NAME in request.COOKIES:
                from .services import (
                    session_note_form_lost,  # services import the decorators' users
                )

                session_note_form_lost(request=request)
            return redirect_to_login(request.get_full_path(), settings.LOGIN_URL)
        if self.permissions and not any(can(user, p) for p in self.permissions):
            raise PermissionDenied
        return None


@dataclasses.dataclass(frozen=True)
class ApiAccessRule(AccessRule):
    """The rule for JSON endpoints: a client that is not signed in gets 401 with a JSON error
    (not the sign-in page's redirect), and the wrong role a JSON 403. The API uses the browser
    session (docs/security.md, "The API")."""

    def check(self, request: HttpRequest) -> HttpResponse | None:
        if self.public:
            return None
        user = request.user
        if not user.is_authenticated or not is_fully_signed_in(user):
            response = JsonResponse(
                {"error": "Sign in to Safeguard first: the API uses your signed-in session."},
                status=401,
            )
            response["WWW-Authenticate"] = 'Session realm="Safeguard"'
            return response
        if self.permissions and not any(can(user, p) for p in self.permissions):
            return JsonResponse({"error": "Your role does not include this."}, status=403)
        return None


def access_rule_of(view: Callable) -> AccessRule | None:
    rule = getattr(view, "access_rule", None)
    if rule is None:
        rule = getattr(getattr(view, "view_class", None), "access_rule", None)
    return rule


def _with_rule(rule: AccessRule) -> Callable[[Callable], Callable]:
    def decorate(view: Callable) -> Callable:
        @functools.wraps(view)
        def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
            refusal = rule.check(request)
            if refusal is not None:
                return refusal
            return view(request, *args, **kwargs)

        wrapped.access_rule = rule  # type: ignore[attr-defined]
        return wrapped

    return decorate


def public(view: Callable) -> Callable:
    """Open to anybody: sign-in pages and /healthz only."""
    return _with_rule(AccessRule(public=True))(view)


def signed_in_required(view: Callable) -> Callable:
    """Any signed-in user (record pages then fetch through an access-checked fetcher)."""
    return _with_rule(AccessRule())(view)


def permission_required(*permissions: Permission) -> Callable[[Callable], Callable]:
    """Signed in, with a role that holds any one of `permissions`."""
    return _with_rule(AccessRule(permissions=frozenset(permissions)))


def api_permission_required(*permissions: Permission) -> Callable[[Callable], Callable]:
    """For JSON endpoints: as `permission_required`, answering 401/403 in JSON, never a redirect."""
    return _with_rule(ApiAccessRule(permissions=frozenset(permissions)))
