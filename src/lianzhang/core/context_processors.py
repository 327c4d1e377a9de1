"""Template context shared by every page: the navigation menu."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from django.urls import NoReverseMatch, reverse
from django.utils.translation import gettext_lazy as _

from .audit_access import can_view_audit_log
from .permissions import is_system_admin, user_can
from .registry import registry

__all__ = ["navigation", "MENU"]

# (group label, [registry keys]) in menu order; later apps add their types here.
MENU: list[tuple[Any, list[str]]] = [
    (_("Chains"), ["chains.chain", "chains.mapversion", "chains.chainnode", "chains.chainmaster",
                   "chains.chainrole"]),
    (_("Enterprises"), ["enterprises.enterprise", "enterprises.namereview",
                        "enterprises.supplytie", "enterprises.yearlyfigure",
                        "enterprises.product", "enterprises.enterprisename",
                        "enterprises.contact", "enterprises.park",
                        "enterprises.innovationplatform"]),
    (_("Regions"), ["regions.region"]),
    (_("System"), ["core.tag"]),
]


def navigation(request: HttpRequest) -> dict[str, Any]:
    """Menu groups with the object types this user may view."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    groups = []
    for label, keys in MENU:
        items = []
        for key in keys:
            object_type = registry.get(key)
            if object_type and user_can(user, object_type.model, "view"):
                try:
                    url = reverse(object_type.url_name("list"))
                except NoReverseMatch:
                    continue
                items.append({"label": object_type.verbose_name_plural(), "url": url})
        if label == _("System"):
            if can_view_audit_log(user):
                items.append({"label": _("Audit log"), "url": reverse("core:audit")})
            items.append({"label": _("Jobs"), "url": reverse("core:jobs")})
            items.append({"label": _("API docs"), "url": reverse("api-docs")})
            if is_system_admin(user):
                items.append({"label": _("Administration"), "url": reverse("admin:index")})
        if items:
            groups.append({"label": label, "items": items})
    from .models import Tag

    return {"nav_groups": groups, "demo_mode": Tag.objects.filter(slug="demo").exists()}
