"""Who may read which change records."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet

from .models import ObjectChange
from .permissions import is_system_admin, user_assignments

__all__ = ["can_view_audit_log", "visible_changes"]


def can_view_audit_log(user: Any) -> bool:
    """The global audit list is for administrators and unscoped secretariat staff."""
    from lianzhang.users.roles import Role

    if is_system_admin(user):
        return True
    return any(a.role == Role.SECRETARIAT and not a.town_ids and not a.chain_ids
               for a in user_assignments(user))


def visible_changes(user: Any) -> QuerySet[ObjectChange]:
    """All change records for auditors, otherwise none (objects' own 变更记录 tabs
    show their history to whoever may view the object)."""
    qs = ObjectChange.objects.select_related("user", "content_type")
    return qs if can_view_audit_log(user) else qs.none()
