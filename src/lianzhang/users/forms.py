"""Forms of the users app: a role assignment's scope must fit its role."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from .models import RoleAssignment
from .roles import Role

__all__ = ["RoleAssignmentForm", "scope_errors"]


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
