"""Middleware: a change context for every request (audit user + request id), login
required for pages, a write refused as stale (optimistic locking) answered with a 409
page, and refused query parameters answered with 400."""

from __future__ import annotations

import uuid

from django.contrib.auth.middleware import LoginRequiredMiddleware as _DjangoLoginRequired
from django.http import HttpResponse, JsonResponse
from django.shortcuts import render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _

from .context import change_context
from .models import StaleObjectError
from .params import InvalidQuery

__all__ = ["ChangeContextMiddleware", "LoginRequiredMiddleware", "InvalidQueryMiddleware"]


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

    def process_exception(self, request, exception) -> HttpResponse | None:
        """A save that lost a race with another user's (pages check the revision they
        showed first; this catches the rest): 409 with who changed what, never a 500.
        The view's transaction has rolled back, so nothing was written."""
        if not isinstance(exception, StaleObjectError):
            return None
        from .locking import conflict_html, conflict_text

        advice = " " + _("Nothing was saved. Reload the page and try again.")
        if "application/json" in request.headers.get("Accept", "") or request.headers.get(
                "HX-Request"):
            return JsonResponse({"ok": False, "error": conflict_text(exception, advice)},
                                status=409)
        back = request.headers.get("Referer", "")
        if not url_has_allowed_host_and_scheme(back, allowed_hosts={request.get_host()},
                                               require_https=request.is_secure()):
            back = "/"
        return render(request, "core/conflict.html",
                      {"message": conflict_html(exception, advice), "back": back}, status=409)


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


class InvalidQueryMiddleware:
    """A page whose query parameters a form refused (`core.params.InvalidQuery`)
    answers 400 in the site's layout, saying which parameter is wrong and why."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_view(self, request, view_func, view_args, view_kwargs):
        # Django's admin change and delete pages look up a field named "" when
        # `_to_field` is given empty, and fail: refuse it like any bad parameter.
        if getattr(view_func, "model_admin", None) is not None and request.GET.get(
                "_to_field", None) == "":
            return render(request, "core/invalid_query.html", {"query_errors": [
                ("_to_field", "", [_("Enter a field name.")])]}, status=400)
        return None

    def process_exception(self, request, exception):
        if isinstance(exception, InvalidQuery):
            return render(request, "core/invalid_query.html",
                          {"query_errors": exception.errors}, status=400)
        return None
