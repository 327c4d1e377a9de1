"""Demo app config."""

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DemoConfig(AppConfig):
    """The deterministic demo city."""

    name = "lianzhang.demo"
    label = "demo"
    verbose_name = _("demo")
