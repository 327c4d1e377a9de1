"""App config of the core: connects audit signals and loads app registrations."""

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CoreConfig(AppConfig):
    """Core platform: audit, permissions, generic object framework, jobs."""

    name = "lianzhang.core"
    label = "core"
    verbose_name = _("core")

    def ready(self) -> None:
        # Connect signals, register Tag and the import job runners (a worker process
        # never loads the views that would import them otherwise).
        from . import audit, import_jobs, registrations  # noqa: F401
