"""API permission: the HTTP method maps to an action; objects come from restrict()."""

from __future__ import annotations

from typing import Any

from rest_framework.permissions import BasePermission

from ..permissions import user_can

__all__ = ["ObjectPermission", "ACTION_FOR_METHOD"]

ACTION_FOR_METHOD = {
    "GET": "view", "HEAD": "view", "OPTIONS": "view",
    "POST": "add", "PUT": "change", "PATCH": "change", "DELETE": "delete",
}


class ObjectPermission(BasePermission):
    """Authenticated users whose roles grant the action on the model; object-level
    scope is enforced by the viewset's restricted queryset (out of scope → 404)."""

    def has_permission(self, request: Any, view: Any) -> bool:
        if not (request.user and request.user.is_authenticated):
            return False
        model = getattr(getattr(view, "queryset", None), "model", None)
        if model is None:
            return True
        return user_can(request.user, model, ACTION_FOR_METHOD.get(request.method, "view"))
