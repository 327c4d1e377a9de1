"""API URL patterns: one router per app, built from the registry, plus the audit log."""

from __future__ import annotations

from django.urls import URLPattern, URLResolver, include, path
from rest_framework import mixins, serializers, viewsets
from rest_framework.permissions import IsAuthenticated
from rest_framework.routers import DefaultRouter

from ..audit_access import visible_changes
from ..filtersets import ObjectChangeFilterSet
from ..models import ObjectChange
from ..registry import registry
from .viewsets import viewset_for

__all__ = ["api_urls"]


class ObjectChangeSerializer(serializers.ModelSerializer):
    """A change record, read-only."""

    object_type = serializers.CharField(source="content_type.model", read_only=True)

    class Meta:
        model = ObjectChange
        fields = ["id", "time", "user", "user_name", "request_id", "action", "object_type",
                  "object_id", "object_repr", "prechange_data", "postchange_data"]
        read_only_fields = fields


class ObjectChangeViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin,
                          viewsets.GenericViewSet):
    """The audit log over the API: list and read only, never write or delete."""

    serializer_class = ObjectChangeSerializer
    filterset_class = ObjectChangeFilterSet
    permission_classes = [IsAuthenticated]
    queryset = ObjectChange.objects.none()

    def get_queryset(self):
        return visible_changes(self.request.user)


def api_urls() -> list[URLPattern | URLResolver]:
    """`/api/<app>/<models>/` for every registered type and `/api/core/changes/`."""
    routers: dict[str, DefaultRouter] = {}
    for object_type in registry.values():
        router = routers.setdefault(object_type.app_label(), DefaultRouter())
        router.register(object_type.url_plural(), viewset_for(object_type),
                        basename=f"{object_type.app_label()}-{object_type.model_name()}")
    routers.setdefault("core", DefaultRouter()).register(
        "changes", ObjectChangeViewSet, basename="core-objectchange")
    return [path(f"{app}/", include((r.urls, f"api-{app}"))) for app, r in sorted(routers.items())]
