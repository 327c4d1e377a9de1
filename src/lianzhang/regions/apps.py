"""Regions app config."""

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class RegionsConfig(AppConfig):
    """City → district → town/park; one town, one industry."""

    name = "lianzhang.regions"
    label = "regions"
    verbose_name = _("regions")

    def ready(self) -> None:
        from . import views  # noqa: F401  (registers the object types)
