"""Enterprises app config."""

import importlib

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class EnterprisesConfig(AppConfig):
    """Firms, names, products, yearly figures, supply ties, parks, platforms."""

    name = "lianzhang.enterprises"
    label = "enterprises"
    verbose_name = _("enterprises")

    def ready(self) -> None:
        from . import views  # noqa: F401  (registers the object types)

        try:
            importlib.import_module(f"{self.name}.demo")  # registers demo steps
        except ModuleNotFoundError as exc:
            if exc.name != f"{self.name}.demo":
                raise
