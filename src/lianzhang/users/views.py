"""The signed-in user's own account pages."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.http import HttpResponse
from django.urls import reverse_lazy
from django.utils.translation import gettext_lazy as _

from .forms import PasswordChangeForm

__all__ = ["PasswordChangeView"]


class PasswordChangeView(auth_views.PasswordChangeView):
    """Change one's own password. The session stays signed in (Django re-keys it);
    the user's other sessions end, and the change is audited (`password_changed`)."""

    form_class = PasswordChangeForm
    template_name = "users/password_change.html"
    success_url = reverse_lazy("home")

    def get_form_kwargs(self) -> dict[str, Any]:
        """The form also gets the request: the lock-out is per client address."""
        return {**super().get_form_kwargs(), "request": self.request}

    def form_valid(self, form: PasswordChangeForm) -> HttpResponse:
        """Save, keep this session, and say so."""
        response = super().form_valid(form)
        messages.success(self.request, _("Your password has been changed."))
        return response
