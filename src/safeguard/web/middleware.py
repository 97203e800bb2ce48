"""Deny by default: every request for a page goes through the view's declared access rule."""

from __future__ import annotations

import logging
from collections.abc import Callable

from django.conf import settings
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
