"""Locking sign-in after repeated wrong passwords (django-axes), and the page it shows.

Failures are counted two ways at once: per username, whatever the address they come from
(password guessing spread over many addresses), and per address, whatever the username (one
address spraying a common password over many accounts). Each count has its own limit
(SAFEGUARD_LOCKOUT_USERNAME_LIMIT, SAFEGUARD_LOCKOUT_ADDRESS_LIMIT); reaching either locks for
AXES_COOLOFF_TIME. A full sign-in (password and second factor) clears the username's count.

The client's address is REMOTE_ADDR, unless REMOTE_ADDR is one of SAFEGUARD_TRUSTED_PROXIES:
then it is the right-most address of X-Forwarded-For that is not a trusted proxy (the one the
proxy itself appended; whatever a client sends in the header sits to its left).
"""

from __future__ import annotations

import ipaddress
import logging
from functools import lru_cache

from axes.attempts import get_cool_off_threshold
from axes.handlers.database import AxesDatabaseHandler
from axes.helpers import get_client_username
from axes.models import AccessAttempt
from django.conf import settings
from django.db.models import Sum
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

Network = ipaddress.IPv4Network | ipaddress.IPv6Network
logger = logging.getLogger(__name__)


def failure_limit(request: HttpRequest, credentials: dict | None = None) -> int:
    """AXES_FAILURE_LIMIT: the username's limit (LockoutHandler adds the address's own)."""
    return settings.SAFEGUARD_LOCKOUT_USERNAME_LIMIT


def proxy_setting_errors(proxies: list[str]) -> list[str]:
    """The entries of SAFEGUARD_TRUSTED_PROXIES that are not an address or a network."""
    wrong = []
    for proxy in proxies:
        try:
            ipaddress.ip_network(proxy.strip(), strict=False)
        except ValueError:
            wrong.append(proxy)
    return wrong


@lru_cache(maxsize=8)
def _networks(proxies: tuple[str, ...]) -> tuple[Network, ...]:
    wrong = proxy_setting_errors(list(proxies))
    if wrong:  # also reported by `manage.py check` (safeguard.accounts.checks)
        logger.error("SAFEGUARD_TRUSTED_PROXIES: not an address or network, ignored: %s", wrong)
    return tuple(ipaddress.ip_network(p.strip(), strict=False) for p in proxies if p not in wrong)


def _is_trusted(address: str, networks: tuple[Network, ...]) -> bool:
    try:
        ip = ipaddress.ip_address(address)
    except ValueError:
        return False
    return any(ip in network for network in networks)


def client_address(request: HttpRequest) -> str | None:
    """The address of the client, for counting failures (AXES_CLIENT_IP_CALLABLE)."""
    remote = request.META.get("REMOTE_ADDR")
    networks = _networks(tuple(settings.SAFEGUARD_TRUSTED_PROXIES))
    if not remote or not networks or not _is_trusted(remote, networks):
        return remote
    forwarded = [a.strip() for a in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")]
    for address in reversed([a for a in forwarded if a]):
        if _is_trusted(address, networks):
            continue
        try:
            return str(ipaddress.ip_address(address))
        except ValueError:
            return remote  # not what nginx writes: a misconfigured proxy; count the proxy
    return remote


class LockoutHandler(AxesDatabaseHandler):
    """django-axes's database handler with two limits.

    axes compares one number of failures with one limit (AXES_FAILURE_LIMIT, which is the
    username limit here). The number reported is how far the nearer of the two locks is:
    the username's failures, or the address's failures less the difference between the two
    limits, whichever is larger. So each count locks exactly at its own limit.
    """

    def get_failures(self, request, credentials=None) -> int:
        username_failures, address_failures = failure_counts(request, credentials)
        extra = settings.SAFEGUARD_LOCKOUT_ADDRESS_LIMIT - settings.SAFEGUARD_LOCKOUT_USERNAME_LIMIT
        return max(username_failures, address_failures - extra)

    def reset_user_attempts(self, request, credentials=None) -> int:
        # A full sign-in proves the account's owner, not that the address is innocent: only the
        # username's failures are cleared, or an insider could reset their address's count.
        username = get_client_username(request, credentials)
        count, _ = AccessAttempt.objects.filter(username=username).delete()
        return count


def failure_counts(request: HttpRequest, credentials: dict | None = None) -> tuple[int, int]:
    """The failures, within the cool-off time, of the username tried and of the address."""
    recent = AccessAttempt.objects.filter(attempt_time__gte=get_cool_off_threshold(request))
    username = get_client_username(request, credentials)
    address = getattr(request, "axes_ip_address", None) or client_address(request)

    def total(queryset) -> int:
        return queryset.aggregate(n=Sum("failures_since_start"))["n"] or 0

    return total(recent.filter(username=username)), total(recent.filter(ip_address=address))


def cooloff_minutes() -> int:
    return round(float(settings.AXES_COOLOFF_TIME) * 60)


def warning_before_lock(request: HttpRequest) -> str | None:
    """After a wrong password: the warning to show if the next wrong one will lock sign-in."""
    failures = getattr(request, "axes_failures_since_start", None)
    if failures != settings.SAFEGUARD_LOCKOUT_USERNAME_LIMIT - 1:
        return None
    return (
        "If you enter a wrong password once more, sign-in will be locked for "
        f"{cooloff_minutes()} minutes"
    )


def lockout_response(
    request: HttpRequest, original_response=None, credentials=None
) -> HttpResponse:
    return render(
        request, "accounts/locked_out.html", {"cooloff_minutes": cooloff_minutes()}, status=429
    )


def trusted_proxies_check(app_configs=None, **kwargs) -> list:
    from django.core.checks import Error

    return [
        Error(
            f"SAFEGUARD_TRUSTED_PROXIES: {proxy!r} is not an address or a network.",
            hint="Give addresses or networks, comma-separated, e.g. 127.0.0.1,10.0.0.0/8.",
            id="safeguard.E101",
        )
        for proxy in proxy_setting_errors(list(settings.SAFEGUARD_TRUSTED_PROXIES))
    ]
