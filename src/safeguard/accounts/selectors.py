from __future__ import annotations

from django.db.models import QuerySet
from django.http import Http404

from .access import Permission, can
from .models import User


def users_for_administration(*, user: User) -> QuerySet[User]:
    if not can(user, Permission.ADMINISTER):
        return User.objects.none()
    return User.objects.order_by("username").select_related("liaison_cover")


def user_get_for_user(*, user: User, user_id: int) -> User:
    """A user account for a manager to administer; the same 404 for missing and not allowed."""
    try:
        return users_for_administration(user=user).get(pk=user_id)
    except User.DoesNotExist:
        raise Http404("No such user.") from None
