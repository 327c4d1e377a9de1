"""Who may read which change records."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet

from .models import ObjectChange
from .permissions import is_system_admin, user_assignments

__all__ = ["can_view_audit_log", "visible_changes", "can_view_change"]


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


def can_view_change(user: Any, change: ObjectChange) -> bool:
    """One change record: auditors see every one; anyone else the records of an
    object they may view (the same records its 变更记录 tab shows them), so the link
    in an edit-conflict message opens for the user who got it."""
    if can_view_audit_log(user):
        return True
    model = change.content_type.model_class()
    manager = getattr(model, "objects", None)
    if manager is None or not hasattr(manager, "restrict"):
        return False
    try:
        return manager.restrict(user, "view").filter(pk=change.object_id).exists()
    except (TypeError, ValueError):  # an id that is not this model's kind of key
        return False
