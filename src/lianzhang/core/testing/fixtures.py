"""Named users per role and a two-town, two-chain world for tests (pytest fixtures).

The world: 九龙街道 (town A) and 胶西街道 (town B) under 胶州市; 智能家电 (chain A)
and 智能制造装备 (chain B). Users: `nobody` (no role), `admin` (系统管理员),
`secretariat` (秘书处, whole city), `scoped` (秘书处 limited to town A and chain A),
`town_a` / `town_b` (镇街用户), `leader_a` (链长 of chain A), `readonly`."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import pytest

__all__ = ["World", "world", "make_user", "PASSWORD"]

PASSWORD = "Test-Passw0rd!x"


def make_user(username: str, role: str | None = None, towns: list | None = None,
              chains: list | None = None) -> Any:
    """A user with one role assignment scoped to `towns` and `chains`."""
    from django.contrib.auth import get_user_model

    from lianzhang.users.models import RoleAssignment

    user = get_user_model().objects.create_user(username=username, password=PASSWORD)
    if role:
        assignment = RoleAssignment.objects.create(user=user, role=role)
        assignment.towns.set(towns or [])
        assignment.chains.set(chains or [])
    return user


@dataclass
class World:
    """Regions, chains and named users for permission and battery tests."""

    district: Any
    town_a: Any
    town_b: Any
    chain_a: Any
    chain_b: Any
    users: dict[str, Any]

    def user(self, name: str) -> Any:
        """A named user (fresh instance, so cached permissions never leak between tests)."""
        from django.contrib.auth import get_user_model

        return get_user_model().objects.get(pk=self.users[name].pk)


@pytest.fixture
def world(db) -> World:
    """Build the two-town, two-chain world."""
    from lianzhang.chains.models import Chain
    from lianzhang.regions.models import Region
    from lianzhang.users.roles import Role

    city = Region.objects.create(name="青岛市", code="370200000000", level="city")
    district = Region.objects.create(name="胶州市", code="370281000000", level="district",
                                     parent=city)
    chain_a = Chain.objects.create(name="智能家电", code="smart-appliance")
    chain_b = Chain.objects.create(name="智能制造装备", code="smart-manufacturing-equipment")
    town_a = Region.objects.create(name="九龙街道", code="370281006000", level="town",
                                   parent=district, main_chain=chain_a)
    town_b = Region.objects.create(name="胶西街道", code="370281009000", level="town",
                                   parent=district, main_chain=chain_b)
    users = {
        "nobody": make_user("nobody"),
        "admin": make_user("admin", Role.ADMIN),
        "secretariat": make_user("secretariat", Role.SECRETARIAT),
        "scoped": make_user("scoped", Role.SECRETARIAT, [town_a], [chain_a]),
        "town_a": make_user("town_a", Role.TOWN, [town_a]),
        "town_b": make_user("town_b", Role.TOWN, [town_b]),
        "leader_a": make_user("leader_a", Role.LEADER, [], [chain_a]),
        "readonly": make_user("readonly", Role.READONLY),
    }
    return World(district, town_a, town_b, chain_a, chain_b, users)
