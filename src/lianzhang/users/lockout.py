"""Sign-in lock-out: who is locked after failed sign-ins, and the client's address.

Two tiers, each with its own limit:

* an account *at one address* (user name + client address) is locked after
  `AXES_FAILURE_LIMIT` failures. A stranger guessing the administrator's password
  from elsewhere locks only himself out; the administrator still signs in from his own
  address. Colleagues behind one government NAT address keep signing in while one of
  them has mistyped his own password too often.
* an *address* is locked after `LIANZHANG_LOGIN_ADDRESS_FAILURE_LIMIT` failures
  across all user names (password spraying). The limit is set far above what an
  office produces, because every colleague behind that address is locked with it
  (0 turns this tier off).

django-axes compares one failure count with one limit, so the handler reports each
tier's count on the scale of the account limit (see `TieredLockoutHandler`)."""

from __future__ import annotations

import ipaddress
from typing import Any

from axes.handlers.database import AxesDatabaseHandler
from axes.handlers.proxy import AxesProxyHandler
from axes.helpers import get_client_username, get_lockout_parameters
from axes.models import AccessAttempt
from django.conf import settings
from django.db.models import Sum
from django.http import HttpRequest

__all__ = ["client_ip", "TieredLockoutHandler", "is_locked_out"]


def client_ip(request: HttpRequest) -> str | None:
    """The client's address. Directly reachable (the default): REMOTE_ADDR. Behind
    `LIANZHANG_TRUSTED_PROXY_COUNT` reverse proxies, each appending the address it
    received the request from to X-Forwarded-For: the entry that many places from the
    right. Entries further left come from the client and are never trusted (a stranger
    could otherwise name any address and lock that address out); a header shorter than
    the proxy chain, or an entry that is not an address, falls back to REMOTE_ADDR."""
    remote = request.META.get("REMOTE_ADDR")
    proxies = getattr(settings, "LIANZHANG_TRUSTED_PROXY_COUNT", 0)
    if not proxies:
        return remote
    forwarded = [part.strip() for part in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")
                 if part.strip()]
    if len(forwarded) < proxies:
        return remote
    try:
        return str(ipaddress.ip_address(forwarded[-proxies]))
    except ValueError:
        return remote


def _tier_limit(parameter: Any) -> int:
    if parameter == "ip_address":  # the address alone; the account tier is a list
        return settings.LIANZHANG_LOGIN_ADDRESS_FAILURE_LIMIT
    return settings.AXES_FAILURE_LIMIT


class TieredLockoutHandler(AxesDatabaseHandler):
    """Axes' database handler with one limit per lock-out tier, and a successful
    sign-in that clears only that account's failures at that address."""

    def get_failures(self, request: HttpRequest, credentials: dict | None = None) -> int:
        """The highest tier count, scaled so that reaching a tier's own limit reads as
        reaching `AXES_FAILURE_LIMIT` (floor(n·L/T) ≥ L exactly when n ≥ T)."""
        limit = settings.AXES_FAILURE_LIMIT
        parameters = get_lockout_parameters(request, credentials)
        attempts = self.get_user_attempts(request, credentials)
        scaled = [0]
        for parameter, queryset in zip(parameters, attempts, strict=True):
            count = queryset.aggregate(n=Sum("failures_since_start"))["n"] or 0
            scaled.append(count * limit // _tier_limit(parameter))
        return max(scaled)

    def reset_user_attempts(self, request: HttpRequest, credentials: dict | None = None) -> int:
        """After a successful sign-in: forget that account's failures at that address
        only. Clearing the whole address would let anyone holding one valid account
        wipe the count of his guesses at other accounts."""
        username = get_client_username(request, credentials)
        count, _ = AccessAttempt.objects.filter(
            username=username, ip_address=request.axes_ip_address).delete()
        return count


def is_locked_out(request: HttpRequest, username: str) -> bool:
    """Whether `username` may not sign in from this request's address right now (the
    same test the sign-in page applies)."""
    return not AxesProxyHandler.is_allowed(request, {"username": username})
