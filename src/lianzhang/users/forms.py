"""Forms of the users app: a role assignment's scope must fit its role, and the
signed-in user's own password change."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib.auth import forms as auth_forms
from django.contrib.auth.signals import user_login_failed
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _
from django.views.decorators.debug import sensitive_variables

from lianzhang.core.forms import style_widgets

from .lockout import is_locked_out
from .models import RoleAssignment
from .roles import Role

__all__ = ["PasswordChangeForm", "RoleAssignmentForm", "scope_errors"]


def scope_errors(role: str, towns: Any, chains: Any, enterprises: Any) -> dict[str, str]:
    """Field → message for a scope that does not fit the role: an enterprise user speaks
    for named firms and nothing else; staff roles are scoped by towns and chains."""
    errors: dict[str, str] = {}
    if role == Role.FIRM:
        if not enterprises:
            errors["enterprises"] = _("An enterprise user must be given the firm(s) it "
                                      "speaks for.")
        if towns or chains:
            errors["towns"] = _("An enterprise user is scoped by its firms, not by towns "
                                "or chains.")
    elif enterprises:
        errors["enterprises"] = _("Only enterprise users are scoped by firms.")
    return errors


class RoleAssignmentForm(forms.ModelForm):
    """Role assignment (admin inline) that refuses a scope which does not fit the role."""

    class Meta:
        model = RoleAssignment
        fields = ["role", "chains", "towns", "enterprises", "note"]

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        for field, message in scope_errors(data.get("role", ""), data.get("towns"),
                                           data.get("chains"),
                                           data.get("enterprises")).items():
            self.add_error(field, message)
        return data


class PasswordChangeForm(auth_forms.PasswordChangeForm):
    """Django's password change (current password, the project's validators, the new
    one twice), where a wrong current password counts as a failed sign-in: a borrowed
    or stolen session cannot be used to guess the password without hitting the lock."""

    error_messages = {
        **auth_forms.PasswordChangeForm.error_messages,
        "locked": _("The account is locked after too many failed attempts; try again later."),
        "password_unchanged": _("The new password must differ from the current one."),
    }

    def __init__(self, user: Any, *args: Any, request: HttpRequest, **kwargs: Any) -> None:
        super().__init__(user, *args, **kwargs)
        self.request = request
        for name in ("old_password", "new_password1", "new_password2"):
            self.fields[name].widget.attrs["autocomplete"] = (
                "current-password" if name == "old_password" else "new-password")
        self.fields["old_password"].widget.attrs.pop("autofocus", None)
        style_widgets(self)

    @sensitive_variables()
    def clean_old_password(self) -> str:
        """The current password, refused while the account is locked and counted as a
        failed sign-in when wrong."""
        username = self.user.get_username()
        if is_locked_out(self.request, username):
            raise forms.ValidationError(self.error_messages["locked"], code="locked")
        try:
            return super().clean_old_password()
        except forms.ValidationError:
            user_login_failed.send(sender=__name__, credentials={"username": username},
                                   request=self.request)
            raise

    @sensitive_variables("old", "new")
    def clean(self) -> dict[str, Any]:
        """Django's checks of the new password, then: it must not be the current one."""
        cleaned = super().clean()
        old, new = cleaned.get("old_password"), cleaned.get("new_password2")
        if old and new and old == new and not self.has_error("new_password2"):
            self.add_error("new_password2", forms.ValidationError(
                self.error_messages["password_unchanged"], code="password_unchanged"))
        return cleaned
