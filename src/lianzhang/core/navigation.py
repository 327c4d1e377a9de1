"""Menu registration: apps add their object types and pages to menu groups from their
own code, so no central list needs editing when an app is added."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

__all__ = ["MenuLink", "menu_links", "register_link", "GROUP_ORDER"]

# Menu groups in display order (labels are translated in the context processor).
GROUP_ORDER = ["chains", "enterprises", "mapping", "attraction", "projects", "services",
               "targets", "reports", "regions", "system"]


@dataclass(frozen=True)
class MenuLink:
    """A page in a menu group: either an object type's list (registry key) or a named
    URL guarded by a permission on a model."""

    group: str
    order: int
    object_type: str = ""
    label: Any = ""
    url_name: str = ""
    permission_model: str = ""  # "app_label.model" whose view permission shows the link


menu_links: list[MenuLink] = []


def register_link(group: str, order: int, *, object_type: str = "", label: Any = "",
                  url_name: str = "", permission_model: str = "") -> None:
    """Add a link to a menu group (idempotent)."""
    link = MenuLink(group, order, object_type, label, url_name, permission_model)
    if link not in menu_links:
        menu_links.append(link)
