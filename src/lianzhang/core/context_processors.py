"""Template context shared by every page: the navigation menu and the demo flag."""

from __future__ import annotations

from typing import Any

from django.apps import apps
from django.http import HttpRequest
from django.urls import NoReverseMatch, reverse
from django.utils.translation import gettext_lazy as _

from .audit_access import can_view_audit_log
from .navigation import GROUP_ORDER, menu_links
from .permissions import is_system_admin, user_can
from .registry import registry

__all__ = ["navigation"]

GROUP_LABELS = {
    "chains": _("Chains"), "enterprises": _("Enterprises"), "mapping": _("Chain mapping"),
    "attraction": _("Attraction"), "projects": _("Projects"), "services": _("Services"),
    "targets": _("Targets"), "reports": _("Reports"), "regions": _("Regions"),
    "system": _("System"),
}

def _items(user: Any, group: str) -> list[dict[str, Any]]:
    items = []
    for link in sorted((x for x in menu_links if x.group == group), key=lambda x: x.order):
        if link.object_type:
            object_type = registry.get(link.object_type)
            if object_type is None or not user_can(user, object_type.model, "view"):
                continue
            url_name, label = object_type.url_name("list"), object_type.verbose_name_plural()
        else:
            if link.permission_model and not user_can(
                    user, apps.get_model(link.permission_model), "view"):
                continue
            url_name, label = link.url_name, link.label
        try:
            items.append({"label": label, "url": reverse(url_name)})
        except NoReverseMatch:
            continue
    return items


def navigation(request: HttpRequest) -> dict[str, Any]:
    """Menu groups with the pages this user may view."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    groups = []
    for group in GROUP_ORDER:
        items = _items(user, group)
        if group == "system":
            if can_view_audit_log(user):
                items.append({"label": _("Audit log"), "url": reverse("core:audit")})
            items.append({"label": _("Jobs"), "url": reverse("core:jobs")})
            items.append({"label": _("API docs"), "url": reverse("api-docs")})
            if is_system_admin(user):
                items.append({"label": _("Administration"), "url": reverse("admin:index")})
        if items:
            groups.append({"label": GROUP_LABELS[group], "items": items})
    from .models import Tag

    return {"nav_groups": groups, "demo_mode": Tag.objects.filter(slug="demo").exists()}
