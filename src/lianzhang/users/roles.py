"""The roles of a chain-leader office (链长, 副链长, 专班, 秘书处 …).

Which role reads and writes which object type is declared in `users.access`; the scope
of each assignment (towns, chains, or a firm's own firms) then narrows the objects."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

__all__ = ["Role", "ACTIONS"]

ACTIONS = ("view", "add", "change", "delete")


class Role(models.TextChoices):
    """The eight roles of a chain-leader office."""

    ADMIN = "admin", _("System administrator")
    SECRETARIAT = "secretariat", _("Secretariat")
    LEADER = "leader", _("Chain leader")
    DEPUTY = "deputy", _("Deputy chain leader")
    TASKFORCE = "taskforce", _("Task force member")
    TOWN = "town", _("Town officer")
    FIRM = "firm", _("Enterprise user")
    READONLY = "readonly", _("Read-only")
