"""Parks (重点园区) and innovation platforms (重点创新平台) of the demo city (synthetic
names), and the background supply ties a city-scale registry carries between ordinary
firms (they never involve chain masters, so supporting rates stay as planned)."""

from __future__ import annotations

import random
from dataclasses import dataclass

from .catalog import Catalog
from .masters import YEAR, Tie
from .plan import Slot

__all__ = ["ParkSpec", "PlatformSpec", "PARKS", "make_platforms", "background_ties"]


@dataclass(frozen=True, slots=True)
class ParkSpec:
    """A park: name, town, level (national/provincial/municipal), chains, area (亩)."""

    name: str
    town: str
    level: str
    chains: tuple[str, ...]
    area_mu: float


@dataclass(frozen=True, slots=True)
class PlatformSpec:
    """An innovation platform with its host firm (slot index), chains and nodes."""

    name: str
    level: str
    type: str
    host: int | None
    town: str | None
    chains: tuple[str, ...]
    nodes: tuple[tuple[str, str], ...]


SA, SME = "smart-appliance", "smart-manufacturing-equipment"
PARKS: list[ParkSpec] = [
    ParkSpec("九龙智能家电产业园", "九龙街道", "provincial", (SA,), 5200),
    ParkSpec("九龙家电核心零部件配套园", "九龙街道", "municipal", (SA,), 1800),
    ParkSpec("九龙精密加工产业园", "九龙街道", "municipal", (SA, SME), 900),
    ParkSpec("阜安数控机床产业园", "阜安街道", "provincial", (SME,), 2600),
    ParkSpec("阜安智能装备创新园", "阜安街道", "municipal", (SME,), 800),
    ParkSpec("李哥庄发制品产业园", "李哥庄镇", "provincial", ("beauty-fashion",), 1500),
    ParkSpec("李哥庄美丽时尚小镇", "李哥庄镇", "municipal", ("beauty-fashion",), 1200),
    ParkSpec("铺集家居产业园", "铺集镇", "municipal", ("home-furnishing",), 1600),
    ParkSpec("里岔预制菜产业园", "里岔镇", "municipal", ("food-beverage",), 1100),
    ParkSpec("里岔农产品加工园", "里岔镇", "municipal", ("food-beverage",), 700),
    ParkSpec("胶西新能源装备产业园", "胶西街道", "provincial", ("hydrogen-energy-storage",), 2400),
    ParkSpec("胶西工程机械产业园", "胶西街道", "municipal", (SME,), 1300),
    ParkSpec("胶莱临空高端制造产业园", "胶莱街道", "provincial", ("airport-manufacturing",), 3000),
    ParkSpec("胶莱航空食品产业园", "胶莱街道", "municipal",
             ("airport-manufacturing", "food-beverage"), 600),
    ParkSpec("中云商贸物流园", "中云街道", "municipal", ("modern-commerce",), 900),
    ParkSpec("胶北港贸物流园", "胶北街道", "municipal", ("modern-logistics",), 1400),
    ParkSpec("三里河总部经济楼宇", "三里河街道", "municipal",
             ("software-info-services", "tech-services"), 120),
    ParkSpec("胶东工业园", "胶东街道", "municipal", (), 1000),
    ParkSpec("洋河农业科技园", "洋河镇", "municipal", ("food-beverage",), 800),
]

# (name, level, type, host: "master" or a leaf name made by a local firm, town, chain,
#  nodes by leaf name)
_PLATFORMS = [
    ("青岛市智能家电变频控制技术工程研究中心", "municipal", "engineering", "master", "九龙街道",
     SA, ("变频模块", "主控板", "控制芯片")),
    ("山东省家电保温发泡材料重点实验室", "provincial", "lab", "发泡材料", "九龙街道", SA,
     ("发泡材料",)),
    ("九龙街道家电精密钣金企业技术中心", "municipal", "enterprise_tech", "钣金件", "九龙街道",
     SA, ("钣金件", "模具")),
    ("青岛市家电换热器技术创新中心", "municipal", "manufacturing", "换热器", "九龙街道", SA,
     ("换热器", "阀件")),
    ("智能家电工业设计中心（胶州）", "provincial", "design", "master", "九龙街道", SA,
     ("冰箱冷柜", "空调", "智能家居")),
    ("青岛市数控机床功能部件工程研究中心", "municipal", "engineering", "直线导轨", "阜安街道",
     SME, ("直线导轨", "精密轴承", "卡盘夹具")),
    ("山东省数控系统与伺服驱动技术创新中心", "provincial", "manufacturing", "数控系统",
     "阜安街道", SME, ("数控系统", "伺服电机与驱动器")),
    ("胶西工程机械叉车企业技术中心", "municipal", "enterprise_tech", "叉车", "胶西街道", SME,
     ("叉车", "工程机械零部件")),
    ("山东省发制品工程技术研究中心", "provincial", "engineering", "master", "李哥庄镇",
     "beauty-fashion", ("假发", "人发加工", "化纤发丝")),
    ("青岛市预制菜中央厨房技术创新中心", "municipal", "manufacturing", "master", "里岔镇",
     "food-beverage", ("预制菜肴", "中央厨房与净菜")),
    ("青岛市实木家居工业设计中心", "municipal", "design", "master", "铺集镇", "home-furnishing",
     ("实木家具整装", "全屋定制")),
    ("青岛市电化学储能系统工程研究中心", "municipal", "engineering", "master", "胶西街道",
     "hydrogen-energy-storage", ("储能电芯", "储能变流器", "储能系统集成")),
    ("胶州临空芯片先进封装重点实验室", "municipal", "lab", None, "胶莱街道",
     "airport-manufacturing", ("芯片先进封装",)),
]


def make_platforms(slots: list[Slot], masters: list[tuple[str, int]],
                   catalog: Catalog) -> list[PlatformSpec]:
    """Platforms hosted by a chain master or by a local maker of the named leaf."""
    master_of = {}
    for chain, index in masters:
        master_of.setdefault(chain, index)
    found = []
    for name, level, kind, host_rule, town, chain, node_names in _PLATFORMS:
        if chain not in catalog.leaves:
            continue
        host = None
        if host_rule == "master":
            host = master_of.get(chain)
        elif host_rule:
            host = next((s.index for s in slots if s.local and s.active and s.chain == chain
                         and s.leaves[0].name == host_rule), None)
        nodes = tuple(leaf.key for leaf in catalog.leaves[chain] if leaf.name in node_names)
        town = slots[host].town if host is not None else town
        found.append(PlatformSpec(name, level, kind, host, town, (chain,), nodes))
    return found


def background_ties(seed: int, slots: list[Slot], count: int,
                    taken: set[tuple[int, int]]) -> list[Tie]:
    """`count` ties from active upstream filler firms to active firms of the same chain
    (local or outside), none to or from a chain master."""
    if count <= 0:
        return []
    rng = random.Random(seed * 7 + 11)
    by_chain: dict[str, list[Slot]] = {}
    suppliers: list[Slot] = []
    for s in slots:
        if s.active and s.role == "filler":
            by_chain.setdefault(s.chain, []).append(s)
            if s.leaves[0].segment == "upstream":
                suppliers.append(s)
    ties: list[Tie] = []
    attempts = 0
    while suppliers and len(ties) < count and attempts < count * 5:
        attempts += 1
        supplier = rng.choice(suppliers)
        customer = rng.choice(by_chain[supplier.chain])
        pair = (supplier.index, customer.index)
        if customer is supplier or pair in taken:
            continue
        taken.add(pair)
        leaf = supplier.leaves[0]
        words = leaf.local_keywords if supplier.local else leaf.keywords
        ties.append(Tie(supplier.index, customer.index, leaf.chain, leaf.path, words[0], YEAR,
                        round(supplier.output * rng.uniform(0.02, 0.2), 2)))
    return ties
