"""Loads the deterministic demo city. Idempotent: objects are matched by code, so a
second run changes nothing and writes no change records."""

from __future__ import annotations

from dataclasses import dataclass, field

from django.contrib.auth import get_user_model
from django.db import transaction

from lianzhang.chains.models import Chain
from lianzhang.chains.services import create_chain_from_template, load_templates
from lianzhang.core.context import change_context
from lianzhang.core.models import Tag
from lianzhang.regions.models import Region
from lianzhang.users.models import RoleAssignment
from lianzhang.users.roles import Role

from . import city
from .steps import DemoContext, demo_steps

__all__ = ["DEMO_PASSWORD", "DEMO_USERS", "load_demo", "DemoSummary"]

DEMO_PASSWORD = "Lianzhang@2026"

# (username, display name, role, town names, chain codes)
DEMO_USERS: list[tuple[str, str, str, list[str], list[str]]] = [
    ("admin", "系统管理员", Role.ADMIN, [], []),
    ("mishu", "市链长办秘书处", Role.SECRETARIAT, [], []),
    ("lianzhang", "智能家电链长", Role.LEADER, [], ["smart-appliance"]),
    ("fulianzhang", "智能家电副链长", Role.DEPUTY, [], ["smart-appliance"]),
    ("zhuanban", "智能家电专班", Role.TASKFORCE, [], ["smart-appliance"]),
    ("jiulong", "九龙街道经发办", Role.TOWN, ["九龙街道"], []),
    ("jiaoxi", "胶西街道经发办", Role.TOWN, ["胶西街道"], []),
    ("qiye", "企业用户", Role.FIRM, [], []),
    ("zhidu", "只读用户", Role.READONLY, [], []),
]


@dataclass
class DemoSummary:
    """Counts of what the loader created (zero on a re-run)."""

    created: dict[str, int] = field(default_factory=dict)

    def add(self, what: str, created: bool) -> None:
        self.created[what] = self.created.get(what, 0) + int(created)


def _upsert(model, lookup: dict, values: dict, summary: DemoSummary, what: str):
    obj = model.objects.filter(**lookup).first()
    if obj is None:
        obj = model(**lookup, **values)
        obj.full_clean()
        obj.save()
        summary.add(what, True)
        return obj
    changed = [k for k, v in values.items() if getattr(obj, k) != v]
    for k in changed:
        setattr(obj, k, values[k])
    if changed:
        obj.save()
    summary.add(what, False)
    return obj


def load_demo(seed: int = 2024, enterprises: int = 600) -> DemoSummary:
    """Create (or bring up to date) the demo regions, chains, tag and users, then run
    the apps' registered demo steps (firms, links, projects …) at the given scale."""
    summary = DemoSummary()
    with change_context(actor="demo"), transaction.atomic():
        demo_tag = _upsert(Tag, {"slug": "demo"}, {"name": "演示数据", "color": "#f59f00"},
                           summary, "tags")
        chains = {}
        templates = {t.code: t for t in load_templates()}
        for name, code, category in city.CHAINS:
            existed = Chain.objects.filter(code=code, maps__isnull=False).exists()
            if code in templates:
                chains[code] = create_chain_from_template(templates[code])
                summary.add("chains", not existed)
            else:
                chains[code] = _upsert(Chain, {"code": code},
                                       {"name": name, "category": category}, summary, "chains")
        province = _upsert(Region, {"code": city.PROVINCE[1]},
                           {"name": city.PROVINCE[0], "level": "province", "parent": None},
                           summary, "regions")
        qingdao = _upsert(Region, {"code": city.CITY[1]},
                          {"name": city.CITY[0], "level": "city", "parent": province},
                          summary, "regions")
        jiaozhou = _upsert(Region, {"code": city.DISTRICT[1]},
                           {"name": city.DISTRICT[0], "level": "district", "parent": qingdao},
                           summary, "regions")
        towns = {}
        for name, code, level, industry, chain_code in city.TOWNS:
            towns[name] = _upsert(Region, {"code": code}, {
                "name": name, "level": level, "parent": jiaozhou,
                "main_industry": industry, "main_chain": chains.get(chain_code)},
                summary, "regions")
        for region in [province, qingdao, jiaozhou, *towns.values()]:
            if not region.tags.filter(pk=demo_tag.pk).exists():
                region.tags.add(demo_tag)
        users = _load_users(towns, chains, summary)
        ctx = DemoContext(seed=seed, enterprises=enterprises, objects={
            "towns": towns, "chains": chains, "users": users, "district": jiaozhou,
            "demo_tag": demo_tag})
        for _order, _name, step in demo_steps:
            for what, count in (step(ctx) or {}).items():
                summary.created[what] = summary.created.get(what, 0) + count
    return summary


def _load_users(towns: dict, chains: dict, summary: DemoSummary) -> dict:
    user_model = get_user_model()
    users = {}
    for username, display, role, town_names, chain_codes in DEMO_USERS:
        user = user_model.objects.filter(username=username).first()
        if user is None:
            user = user_model(username=username, display_name=display,
                              is_staff=role == Role.ADMIN, is_superuser=role == Role.ADMIN)
            user.set_password(DEMO_PASSWORD)
            user.save()
            summary.add("users", True)
            assignment = RoleAssignment.objects.create(user=user, role=role)
            assignment.towns.set([towns[n] for n in town_names])
            assignment.chains.set([chains[c] for c in chain_codes])
        else:
            summary.add("users", False)
        users[username] = user
    return users
