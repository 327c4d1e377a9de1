"""DRF viewsets generated from the registry: restricted querysets, the model's
FilterSet, a scope check after every write (all inside one transaction), and
optimistic locking: an ETag on object reads, If-Match (412) and a `revision` in the
payload (409) on writes."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import transaction
from django.db.models import ProtectedError
from django.utils.translation import gettext as _
from rest_framework import status, viewsets
from rest_framework.exceptions import PermissionDenied, ValidationError
from rest_framework.response import Response

from ..locking import check_revision, conflict_data
from ..models import StaleObjectError, protection_message
from ..registry import ObjectType
from .permissions import ACTION_FOR_METHOD
from .schema import ObjectAutoSchema

__all__ = ["ObjectViewSet", "viewset_for", "etag", "if_match_revision"]


def etag(instance: Any) -> str:
    """A strong entity tag naming the object's stored revision: `"7"`."""
    return f'"{instance.revision}"'


def if_match_revision(header: str | None, current: int) -> int | None:
    """The revision an If-Match header asks for: None when there is no header,
    `current` when a tag matches (`*` matches any existing object), else the first
    tag's revision (0 when it is not one of ours). Weak tags never match (RFC 9110
    compares If-Match strongly)."""
    if header is None or not header.strip():
        return None
    asked = []
    for raw in header.split(","):
        tag = raw.strip()
        if tag == "*":
            return current
        if tag.startswith('"') and tag.endswith('"') and len(tag) >= 2:
            inner = tag[1:-1]
            asked.append(int(inner) if inner.isdigit() and len(inner) <= 18 else 0)
        else:
            asked.append(0)
    return current if current in asked else (asked[0] if asked else 0)


class ObjectViewSet(viewsets.ModelViewSet):
    """CRUD for one object type, always through `restrict(user, action)`."""

    object_type: type[ObjectType]
    schema = ObjectAutoSchema()

    def get_queryset(self):
        action = ACTION_FOR_METHOD.get(self.request.method, "view")
        return self.object_type.model.objects.restrict(self.request.user, action).order_by("pk")

    def _check_scope(self, instance: Any, action: str) -> None:
        allowed = self.object_type.model.objects.restrict(self.request.user, action)
        if not allowed.filter(pk=instance.pk).exists():
            raise DjangoPermissionDenied

    # --- optimistic locking -----------------------------------------------------------
    def _precondition(self, instance: Any) -> int | None:
        """Evaluate If-Match before anything is processed: 412 (StaleObjectError with
        the If-Match flag set) when it names another revision."""
        expected = if_match_revision(self.request.headers.get("If-Match"), instance.revision)
        self._if_match = expected is not None
        if expected is not None and expected != instance.revision:
            raise StaleObjectError(type(instance), instance.pk, expected)
        return expected

    def handle_exception(self, exc: Exception) -> Response:
        """A stale write answers 412 when the client sent If-Match, else 409, with who
        changed the object, when, and the change record."""
        if isinstance(exc, StaleObjectError):
            code = (status.HTTP_412_PRECONDITION_FAILED if getattr(self, "_if_match", False)
                    else status.HTTP_409_CONFLICT)
            advice = " " + _("Nothing was written; read the object again and re-apply your "
                             "change.")
            return Response(conflict_data(exc, advice), status=code)
        return super().handle_exception(exc)

    def retrieve(self, request: Any, *args: Any, **kwargs: Any) -> Response:
        instance = self.get_object()
        response = Response(self.get_serializer(instance).data)
        response["ETag"] = etag(instance)
        return response

    def update(self, request: Any, *args: Any, **kwargs: Any) -> Response:
        instance = self.get_object()
        self._precondition(instance)
        serializer = self.get_serializer(instance, data=request.data,
                                         partial=kwargs.pop("partial", False))
        serializer.is_valid(raise_exception=True)
        self.perform_update(serializer)
        response = Response(serializer.data)
        response["ETag"] = etag(serializer.instance)
        return response

    def destroy(self, request: Any, *args: Any, **kwargs: Any) -> Response:
        instance = self.get_object()
        self._destroy_expected = self._precondition(instance)
        self.perform_destroy(instance)
        return Response(status=status.HTTP_204_NO_CONTENT)

    # --- writes -----------------------------------------------------------------------
    def perform_create(self, serializer: Any) -> None:
        try:
            with transaction.atomic():
                instance = serializer.save()
                self._check_scope(instance, "add")
        except DjangoPermissionDenied:
            raise PermissionDenied("对象超出您的权限范围") from None

    def perform_update(self, serializer: Any) -> None:
        # The save checks the revision (the payload's, else the one just read).
        try:
            with transaction.atomic():
                instance = serializer.save()
                self._check_scope(instance, "change")
        except DjangoPermissionDenied:
            raise PermissionDenied("对象超出您的权限范围") from None

    def perform_destroy(self, instance: Any) -> None:
        try:
            with transaction.atomic():
                check_revision(instance, getattr(self, "_destroy_expected", None)
                               or instance.revision)
                instance.delete()
        except ProtectedError as exc:  # referred to, or kept for good (approved reports)
            raise ValidationError({"detail": protection_message(str(instance), exc)}) from None
        except DjangoValidationError as exc:  # the model refuses (a published map's node)
            raise ValidationError({"detail": " ".join(exc.messages)}) from None


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
