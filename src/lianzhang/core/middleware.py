"""Middleware that opens a change context for every request (audit user + request id)."""

from __future__ import annotations

import uuid

from django.contrib.auth.middleware import LoginRequiredMiddleware as _DjangoLoginRequired

from .context import change_context

__all__ = ["ChangeContextMiddleware", "LoginRequiredMiddleware"]


class ChangeContextMiddleware:
    """Give each request an id and make the user available to audit signals."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        request.id = uuid.uuid4()
        with change_context(request_id=request.id, request=request):
            response = self.get_response(request)
        response["X-Request-ID"] = str(request.id)
        return response


class LoginRequiredMiddleware(_DjangoLoginRequired):
    """Every page needs a signed-in user (secure by default); the API is exempt here
    because DRF authenticates tokens itself and answers 401/403 instead of redirecting."""

    def process_view(self, request, view_func, view_args, view_kwargs):
        path = request.path_info
        if path.startswith("/api/docs"):
            # DRF marks its views login_required=False; the docs page is still a page.
            if request.user.is_authenticated:
                return None
            return self.handle_no_permission(request, view_func)
        if path.startswith("/api/"):
            return None
        return super().process_view(request, view_func, view_args, view_kwargs)
