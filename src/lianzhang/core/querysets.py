"""The one permission path for querysets: `Model.objects.restrict(user, action)`.

Views, API, exports, imports and reports all get their objects through it
(DESIGN §6.5). Domain querysets also refuse `update()`, `bulk_create()` and
`bulk_update()`, which send no signals and so would skip the audit trail (DESIGN
§6.4); `lianzhang.core.audit` has audited versions of the bulk writes."""

from __future__ import annotations

from typing import Any

from django.db import models

__all__ = ["RestrictedQuerySet", "RestrictedManager", "AuditBypassError"]


class AuditBypassError(RuntimeError):
    """Raised when code tries a bulk write that would skip the audit log."""


class RestrictedQuerySet(models.QuerySet):
    """A queryset that can be narrowed to what a user may do."""

    def restrict(self, user: Any, action: str = "view") -> RestrictedQuerySet:
        """Objects of this queryset that `user` may perform `action` on
        (view/add/change/delete); empty for anonymous users and users without a role
        that grants the action."""
        from .permissions import scope_filter

        q = scope_filter(user, self.model, action)
        if q is None:
            return self
        if q is False:
            return self.none()
        if getattr(q, "_needs_subquery", False):
            # Scopes that cross a to-many relation would duplicate rows.
            return self.filter(pk__in=self.model._base_manager.filter(q).values("pk"))
        return self.filter(q)

    def update(self, **kwargs: Any) -> int:
        """Refused: a bulk UPDATE writes no change records. Save each object instead
        (or use `lianzhang.core.audit.audited_bulk_update`)."""
        raise AuditBypassError(
            f"{self.model.__name__}.objects.update() would bypass the audit log; "
            "save objects individually or use audited_bulk_update()"
        )

    def bulk_update(self, objs: Any, fields: Any, batch_size: int | None = None) -> int:
        """Refused: writes no change records. Use `audited_bulk_update`."""
        raise AuditBypassError(
            f"{self.model.__name__}.objects.bulk_update() would bypass the audit log; "
            "use audited_bulk_update()")

    def bulk_create(self, objs: Any, *args: Any, **kwargs: Any) -> list[Any]:
        """Refused: sends no signals, so writes no change records. Use
        `audited_bulk_create` (or create objects one by one)."""
        raise AuditBypassError(
            f"{self.model.__name__}.objects.bulk_create() would bypass the audit log; "
            "use audited_bulk_create()")


RestrictedManager = models.Manager.from_queryset(RestrictedQuerySet)
