"""DRF viewsets generated from the registry: restricted querysets, the model's
FilterSet, and a scope check after every write (all inside one transaction)."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import transaction
from django.db.models import ProtectedError
from rest_framework import viewsets
from rest_framework.exceptions import PermissionDenied, ValidationError

from ..registry import ObjectType
from .permissions import ACTION_FOR_METHOD

__all__ = ["ObjectViewSet", "viewset_for"]


class ObjectViewSet(viewsets.ModelViewSet):
    """CRUD for one object type, always through `restrict(user, action)`."""

    object_type: type[ObjectType]

    def get_queryset(self):
        action = ACTION_FOR_METHOD.get(self.request.method, "view")
        return self.object_type.model.objects.restrict(self.request.user, action).order_by("pk")

    def _check_scope(self, instance: Any, action: str) -> None:
        allowed = self.object_type.model.objects.restrict(self.request.user, action)
        if not allowed.filter(pk=instance.pk).exists():
            raise DjangoPermissionDenied

    def perform_create(self, serializer: Any) -> None:
        try:
            with transaction.atomic():
                instance = serializer.save()
                self._check_scope(instance, "add")
        except DjangoPermissionDenied:
            raise PermissionDenied("对象超出您的权限范围") from None

    def perform_update(self, serializer: Any) -> None:
        try:
            with transaction.atomic():
                instance = serializer.save()
                self._check_scope(instance, "change")
        except DjangoPermissionDenied:
            raise PermissionDenied("对象超出您的权限范围") from None

    def perform_destroy(self, instance: Any) -> None:
        try:
            with transaction.atomic():
                instance.delete()
        except ProtectedError as exc:
            blockers = "、".join(str(o) for o in list(exc.protected_objects)[:5])
            raise ValidationError({"detail": f"仍被以下对象引用，不能删除：{blockers}"}) from None
        except DjangoValidationError as exc:  # the model refuses (a published map's node)
            raise ValidationError({"detail": exc.messages}) from None


def viewset_for(object_type: type[ObjectType]) -> type[ObjectViewSet]:
    """A viewset class declaring the type's queryset, serializer and filterset."""
    base = getattr(object_type, "viewset_base", None) or ObjectViewSet
    return type(f"{object_type.model.__name__}ViewSet", (base,), {
        "object_type": object_type,
        # Only tells DRF and the schema the model; get_queryset() restricts.
        "queryset": object_type.model.objects.none(),
        "serializer_class": object_type.serializer,
        "filterset_class": object_type.filterset,
    })
