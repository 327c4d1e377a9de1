"""App config: Chain, town and city pages (六图六清单), figures, exports and snapshots."""

import importlib

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DashboardsConfig(AppConfig):
    """Chain, town and city pages (六图六清单), figures, exports and snapshots."""

    name = "lianzhang.dashboards"
    label = "dashboards"
    verbose_name = _("dashboards")

    def ready(self) -> None:
        # Register object types, menu links and demo steps.
        from . import checks, scopes, snapshots, views  # noqa: F401

        scopes.register()  # link writes invalidate only their chain's figures

        try:
            importlib.import_module(f"{self.name}.demo")
        except ModuleNotFoundError as exc:
            if exc.name != f"{self.name}.demo":
                raise
