"""URL patterns generated from the registry, one set per object type."""

from __future__ import annotations

from django.urls import URLPattern, path

from .registry import registry
from .views import (
    BulkImportView,
    ObjectChangeLogView,
    ObjectDeleteView,
    ObjectEditView,
    ObjectListView,
    ObjectView,
)

__all__ = ["object_urls"]


def object_urls(app_label: str) -> list[URLPattern]:
    """List/add/import/detail/edit/delete/changelog URLs for an app's object types.

    Names follow `<model>_list`, `<model>_add`, `<model>` (detail) …, in the app's
    namespace, e.g. `regions:region_list`."""
    patterns: list[URLPattern] = []
    for object_type in registry.values():
        if object_type.app_label() != app_label:
            continue
        name = object_type.model_name()
        plural = object_type.url_plural()
        views = {
            "list": ObjectListView, "add": ObjectEditView, "import": BulkImportView,
            "detail": ObjectView, "edit": ObjectEditView, "delete": ObjectDeleteView,
            "changelog": ObjectChangeLogView,
        }
        views = {k: getattr(object_type, f"{k}_view", None) or v for k, v in views.items()}
        as_view = {k: v.as_view(object_type=object_type) for k, v in views.items()}
        patterns += [
            path(f"{plural}/", as_view["list"], name=f"{name}_list"),
            path(f"{plural}/add/", as_view["add"], name=f"{name}_add"),
            path(f"{plural}/import/", as_view["import"], name=f"{name}_import"),
            path(f"{plural}/<int:pk>/", as_view["detail"], name=name),
            path(f"{plural}/<int:pk>/edit/", as_view["edit"], name=f"{name}_edit"),
            path(f"{plural}/<int:pk>/delete/", as_view["delete"], name=f"{name}_delete"),
            path(f"{plural}/<int:pk>/changelog/", as_view["changelog"], name=f"{name}_changelog"),
        ]
    return patterns
