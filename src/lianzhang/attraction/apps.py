"""App config: Targeted attraction (靶向招引): leads, activities, events, recommendations."""

import importlib

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AttractionConfig(AppConfig):
    """Targeted attraction (靶向招引): leads, activities, events, recommendations."""

    name = "lianzhang.attraction"
    label = "attraction"
    verbose_name = _("attraction")

    def ready(self) -> None:
        # Register object types, menu links, periodic jobs and demo steps.
        from . import jobs, views  # noqa: F401

        try:
            importlib.import_module(f"{self.name}.demo")
        except ModuleNotFoundError as exc:
            if exc.name != f"{self.name}.demo":
                raise
