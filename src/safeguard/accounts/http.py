"""The request a signed-in page receives."""

from django.http import HttpRequest

from .models import User


class AuthenticatedHttpRequest(HttpRequest):
    """The request a view behind a signed-in access rule receives (safeguard.accounts.decorators):
    the rule turned away anybody else, so `user` is a `User` (django-stubs' way of typing
    `request.user`)."""

    user: User
