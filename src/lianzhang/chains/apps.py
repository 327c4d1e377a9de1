"""Chains app config."""

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ChainsConfig(AppConfig):
    """Chains, roster, node trees, chain masters."""

    name = "lianzhang.chains"
    label = "chains"
    verbose_name = _("chains")

    def ready(self) -> None:
        from . import views  # noqa: F401  (registers the object types)
