"""Deny by default: every request for a page goes through the view's declared access rule."""

from __future__ import annotations

import logging
from collections.abc import Callable

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.urls import Resolver404, resolve

from safeguard.accounts.access import is_fully_signed_in
from safeguard.accounts.decorators import access_rule_of

logger = logging.getLogger(__name__)


class AccessMiddleware:
    """Sends anybody not signed in with both factors to the sign-in page (for unknown addresses
    too, so that they learn nothing about which exist), and refuses a view that declares no
    access rule. The rule itself is checked again by the view's decorator or mixin."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if not is_fully_signed_in(request.user):
            try:
                resolve(request.path_info)
            except Resolver404:
                return redirect_to_login(request.get_full_path(), settings.LOGIN_URL)
        return self.get_response(request)

    def process_view(self, request, view_func, view_args, view_kwargs) -> HttpResponse | None:
        rule = access_rule_of(view_func)
        if rule is None:
            logger.error("View %s declares no access rule; refused.", view_func.__qualname__)
            raise PermissionDenied
        return rule.check(request)


class NoStoreMiddleware:
    """Every response the application makes (pages, downloads, redirects, errors) may hold
    personal data: browsers and proxies must keep no copy. Static files are answered by
    WhiteNoise before this middleware and keep their own caching."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        response["Cache-Control"] = "no-store"
        response["Pragma"] = "no-cache"  # for HTTP/1.0 caches
        return response


class SessionLifetimeMiddleware:
    """Ends a session SAFEGUARD_SESSION_MAX_HOURS after signing in, however active it has been
    (the idle time-out, SESSION_COOKIE_AGE, ends it sooner when it is left alone)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        from safeguard.accounts.services import session_end_if_too_old

        if session_end_if_too_old(request=request):
            messages.info(
                request,
                f"You have been signed in for {settings.SAFEGUARD_SESSION_MAX_HOURS:g} hours: "
                "sign in again to carry on.",
            )
        return self.get_response(request)
