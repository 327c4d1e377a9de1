"""App config: 挂链: node links, mapping runs, the review queue (calls chainkit.mapping)."""

import importlib

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MappingConfig(AppConfig):
    """挂链: node links, mapping runs, the review queue (calls chainkit.mapping)."""

    name = "lianzhang.mapping"
    label = "mapping"
    verbose_name = _("mapping")

    def ready(self) -> None:
        # Register object types, menu links and demo steps.
        from . import views  # noqa: F401

        try:
            importlib.import_module(f"{self.name}.demo")
        except ModuleNotFoundError as exc:
            if exc.name != f"{self.name}.demo":
                raise
