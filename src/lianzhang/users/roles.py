"""Roles and the default role → actions matrix (DESIGN §2: 链长, 副链长, 专班, 秘书处 …).

A model may narrow or widen this per role with its `role_actions` attribute; the
scope of each assignment (chains and/or towns) then narrows the objects."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

__all__ = ["Role", "ACTIONS", "DEFAULT_ROLE_ACTIONS", "REFERENCE_DATA_ROLE_ACTIONS",
           "actions_for"]

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


ALL = set(ACTIONS)
DEFAULT_ROLE_ACTIONS: dict[str, set[str]] = {
    Role.ADMIN: ALL,
    Role.SECRETARIAT: ALL,  # keeps the data
    Role.LEADER: {"view"},  # reads dashboards and decides
    Role.DEPUTY: {"view", "change"},
    Role.TASKFORCE: {"view", "add", "change"},
    Role.TOWN: {"view", "add", "change"},  # reports for its own town
    Role.FIRM: {"view"},
    Role.READONLY: {"view"},
}

# Reference data (regions, chains, tags): everyone may read, only the secretariat
# and administrators edit.
REFERENCE_DATA_ROLE_ACTIONS: dict[str, set[str]] = {
    Role.DEPUTY: {"view"},
    Role.TASKFORCE: {"view"},
    Role.TOWN: {"view"},
}


def actions_for(role: str, model: type[models.Model]) -> set[str]:
    """Actions `role` grants on `model`: the model's override, else the default."""
    overrides = getattr(model, "role_actions", {}) or {}
    if role in overrides:
        return set(overrides[role])
    return set(DEFAULT_ROLE_ACTIONS.get(role, set()))
