"""App config: Key projects (重点项目), stages, monthly reports, roll-ups, 三未."""

import importlib

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ProjectsConfig(AppConfig):
    """Key projects (重点项目), stages, monthly reports, roll-ups, 三未."""

    name = "lianzhang.projects"
    label = "projects"
    verbose_name = _("projects")

    def ready(self) -> None:
        # Register object types, menu links, periodic jobs and demo steps.
        from . import reminders, views  # noqa: F401

        try:
            importlib.import_module(f"{self.name}.demo")
        except ModuleNotFoundError as exc:
            if exc.name != f"{self.name}.demo":
                raise
