"""The audit log: one immutable change record per create, update or delete."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.utils.translation import gettext_lazy as _

__all__ = ["ObjectChange", "ImmutableError"]


class ImmutableError(RuntimeError):
    """Raised on any attempt to edit or delete a change record."""


class ObjectChangeQuerySet(models.QuerySet):
    """Change records are append-only: bulk update and delete are refused."""

    def update(self, **kwargs: Any) -> int:
        raise ImmutableError("change records cannot be edited")

    def delete(self) -> tuple[int, dict[str, int]]:
        raise ImmutableError("change records cannot be deleted")

    def bulk_update(self, objs: Any, fields: Any, batch_size: int | None = None) -> int:
        raise ImmutableError("change records cannot be edited")

    def for_object(self, obj: models.Model) -> ObjectChangeQuerySet:
        """Changes of one object, newest first."""
        ct = ContentType.objects.get_for_model(obj, for_concrete_model=False)
        return self.filter(content_type=ct, object_id=str(obj.pk)).order_by("-time", "-pk")


class ObjectChange(models.Model):
    """Who changed which object, when, under which request or job, from what to what."""

    class Action(models.TextChoices):
        CREATE = "create", _("create")
        UPDATE = "update", _("update")
        DELETE = "delete", _("delete")

    time = models.DateTimeField(_("time"), auto_now_add=True, db_index=True)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
        related_name="changes", verbose_name=_("user"),
    )
    # Kept even if the user is deleted later: the record must still say who.
    user_name = models.CharField(_("user name"), max_length=150, blank=True)
    request_id = models.UUIDField(_("request id"), null=True, blank=True, db_index=True)
    action = models.CharField(_("action"), max_length=10, choices=Action.choices)
    content_type = models.ForeignKey(ContentType, on_delete=models.PROTECT,
                                     verbose_name=_("object type"))
    object_id = models.CharField(_("object id"), max_length=64, db_index=True)
    object_repr = models.CharField(_("object"), max_length=300)
    prechange_data = models.JSONField(_("before"), null=True, blank=True)
    postchange_data = models.JSONField(_("after"), null=True, blank=True)

    objects = ObjectChangeQuerySet.as_manager()

    class Meta:
        ordering = ["-time", "-pk"]
        indexes = [models.Index(fields=["content_type", "object_id"])]
        verbose_name = _("change record")
        verbose_name_plural = _("change records")

    def __str__(self) -> str:
        return f"{self.get_action_display()} {self.object_repr}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        """Insert only: an existing record is never rewritten."""
        if not self._state.adding:
            raise ImmutableError("change records cannot be edited")
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> tuple[int, dict[str, int]]:
        """Refused: change records are permanent."""
        raise ImmutableError("change records cannot be deleted")

    @property
    def actor_label(self) -> str:
        """Who made the change, as a person reads it: the user name, or for a background
        job without a user ("job:<kind>") the job's name."""
        if self.user_name.startswith("job:"):
            from lianzhang.core.jobs import runners

            runner = runners.get(self.user_name[4:])
            if runner is not None:
                return _("Background job: %(name)s") % {"name": runner.name}
        return self.user_name

    def get_url(self) -> str:
        """The record's page in the audit log."""
        from django.urls import reverse

        return reverse("core:change", args=[self.pk])

    def object_url(self) -> str | None:
        """The changed object's page, when it still exists and has one."""
        model = self.content_type.model_class()
        if model is None or self.action == self.Action.DELETE:
            return None
        try:
            return model(pk=self.object_id).get_absolute_url()
        except Exception:  # models without detail pages
            return None

    def diff(self) -> list[tuple[str, Any, Any]]:
        """(field, before, after) for fields whose value changed."""
        before = self.prechange_data or {}
        after = self.postchange_data or {}
        keys = sorted(set(before) | set(after))
        return [(k, before.get(k), after.get(k)) for k in keys if before.get(k) != after.get(k)]
