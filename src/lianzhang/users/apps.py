"""Users app config."""

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class UsersConfig(AppConfig):
    """Users, roles and their scope."""

    name = "lianzhang.users"
    label = "users"
    verbose_name = _("users")

    def ready(self) -> None:
        from . import checks  # noqa: F401  (registers the access-table check)
