"""API token authentication that honours the sign-in lock-out."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext_lazy as _
from rest_framework.authentication import TokenAuthentication
from rest_framework.exceptions import AuthenticationFailed
from rest_framework.request import Request

from .lockout import is_locked_out

__all__ = ["LockoutAwareTokenAuthentication"]


class LockoutAwareTokenAuthentication(TokenAuthentication):
    """DRF's token authentication, refusing a token (401) while its account is locked
    at the caller's address: someone who has been guessing the password there must not
    carry on with a token instead."""

    def authenticate(self, request: Request) -> tuple[Any, Any] | None:
        """The token's user and token, or None when the request carries no token."""
        result = super().authenticate(request)
        if result is None:
            return None
        user, token = result
        if is_locked_out(request._request, user.get_username()):
            raise AuthenticationFailed(_(
                "The account is locked after too many failed sign-in attempts; "
                "its API token is refused until the lock ends."))
        return user, token
