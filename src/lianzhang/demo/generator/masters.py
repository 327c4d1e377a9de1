"""Chain masters and what they buy: the supply ties behind the supporting rate.

智能家电 follows DESIGN §5 and issue 5: masters 海尔/海信/澳柯玛 (real names, demo
figures) in 九龙街道; compressors come only from outside firms (缺链); motors, control
chips and panels have a few small local makers whose output is far below the masters'
demand (短板); 洗衣机离合器 and OLED与MiniLED each have a single supplier (断点风险);
exactly 22 firms supply two or more masters (共性配套); the value-based local
supporting rate of each master is about 35–45 %, below the 50 % target.

Local suppliers are sized from what they sell to the masters (they sell 15–30 % of
their output there), so every node local firms supply is 强链 by output."""

from __future__ import annotations

import random
from dataclasses import dataclass

from .catalog import MISSING, Catalog, Leaf
from .plan import HOME_TOWNS, Planner, Slot

__all__ = ["Tie", "MasterPlan", "plan_masters", "SA_MASTERS", "TAILIFU", "SYNTHETIC_MASTERS"]

YEAR = 2024
SA = "smart-appliance"
SME = "smart-manufacturing-equipment"

# (name, short name, stock code, 2024 output 万元, growth, target local rate,
#  [(product, revenue share, leaf)], leaves it does not buy)
SA_MASTERS = [
    ("海尔智家股份有限公司", "海尔智家", "600690", 4_200_000.0, 0.08, 0.41,
     [("冰箱", 0.32, "冰箱冷柜"), ("家用空调", 0.24, "空调"), ("洗衣机", 0.22, "洗衣机"),
      ("电热水器", 0.08, "热水器"), ("智能电视", 0.04, "电视机")], ()),
    ("海信家电集团股份有限公司", "海信家电", "000921", 2_600_000.0, 0.09, 0.37,
     [("家用空调", 0.46, "空调"), ("冰箱", 0.32, "冰箱冷柜"), ("洗衣机", 0.12, "洗衣机")],
     ("液晶面板", "OLED与MiniLED", "背光模组")),
    ("澳柯玛股份有限公司", "澳柯玛", "600336", 900_000.0, 0.05, 0.44,
     [("冷柜", 0.46, "冰箱冷柜"), ("冰箱", 0.28, "冰箱冷柜"), ("电热水壶", 0.06, "小家电")],
     ("液晶面板", "OLED与MiniLED", "背光模组", "洗衣机电机", "洗衣机离合器")),
]
# 胶西街道's 工程机械 firm named in the reports: revenue 6.5亿 in 2024, +30 %.
TAILIFU = ("台励福机器设备（青岛）有限公司", "台励福", 65_000.0, 0.30,
           [("叉车", 0.72, "叉车"), ("电动叉车", 0.18, "叉车")])
# (chain, name word, 2024 output, leaves it makes, target local rate, subtrees it buys)
SYNTHETIC_MASTERS = [
    (SME, "数控机床", 520_000.0, ("加工中心", "数控车床"), 0.34,
     ("上游/基础材料与毛坯", "上游/机床功能部件", "上游/数控系统与驱动", "上游/刀具与量具")),
    ("beauty-fashion", "发制品", 210_000.0, ("假发", "接发"), 0.62,
     ("上游/发丝原料", "上游/辅料与设备")),
    ("home-furnishing", "家居", 160_000.0, ("实木家具整装", "全屋定制"), 0.47,
     ("上游/木材与板材", "上游/五金与辅料", "上游/涂料", "上游/软体材料")),
    ("food-beverage", "食品", 130_000.0, ("预制菜肴", "速冻米面食品"), 0.55,
     ("上游/农牧渔原料", "上游/配料与添加剂", "上游/包装材料")),
    ("hydrogen-energy-storage", "储能科技", 240_000.0, ("储能系统集成",), 0.30,
     ("上游/储能", "中游/储能变流器")),
]
PURCHASE_SHARE = 0.25  # share of a master's output bought as the parts on its map
_WEAK_MAKERS = {"空调电机": 3, "洗衣机电机": 2, "控制芯片": 2, "液晶面板": 1, "OLED与MiniLED": 1}
_SINGLE_SOURCE_LOCAL = "洗衣机离合器"
_SINGLE_SOURCE_OUTSIDE = "OLED与MiniLED"
_LOCAL_COMMONS = 16


@dataclass(frozen=True, slots=True)
class Tie:
    """Supplier → customer (firm indexes) for a node in a year, value in 万元."""

    supplier: int
    customer: int
    chain: str
    path: str
    product: str
    year: int
    value: float


@dataclass
class MasterPlan:
    """The masters (chain code, firm index) and their supply ties."""

    masters: list[tuple[str, int]]
    ties: list[Tie]


class _Builder:
    def __init__(self, planner: Planner, catalog: Catalog) -> None:
        self.p = planner
        self.cat = catalog
        self.rng = random.Random(planner.seed * 101 + 3)
        self.ties: list[Tie] = []

    def tie(self, supplier: Slot, customer: Slot, leaf: Leaf, value: float) -> None:
        words = leaf.local_keywords if supplier.local else leaf.keywords
        if value > 0:
            self.ties.append(Tie(supplier.index, customer.index, leaf.chain, leaf.path,
                                 words[0], YEAR, round(value, 2)))

    def size_suppliers(self) -> None:
        """Local suppliers sell 15–30 % of their output to the masters, outside ones
        10–30 %; weak makers keep their (small) planned size."""
        sold: dict[int, float] = {}
        for t in self.ties:
            sold[t.supplier] = sold.get(t.supplier, 0.0) + t.value
        for index, value in sorted(sold.items()):
            slot = self.p.slots[index]
            if slot.role in ("master", "weak") or slot.fixed:
                continue
            low, high = (0.15, 0.30) if slot.local else (0.10, 0.30)
            slot.output = max(slot.output, value / self.rng.uniform(low, high))


def _demand(output: float, leaves: list[Leaf]) -> dict[str, float]:
    total = sum(leaf.weight for leaf in leaves) or 1.0
    purchases = output * PURCHASE_SHARE
    return {leaf.name: purchases * leaf.weight / total for leaf in leaves}


def _smart_appliance(b: _Builder) -> list[tuple[str, int]]:
    cat, p, rng = b.cat, b.p, b.rng
    upstream = [leaf for leaf in cat.leaves[SA] if leaf.segment == "upstream"]
    by_name = {leaf.name: leaf for leaf in upstream}
    masters = []
    for name, short, stock, output, growth, _rate, products, _skip in SA_MASTERS:
        made = tuple(dict.fromkeys(cat.leaf(SA, leaf) for _p, _s, leaf in products))
        masters.append(p.local(SA, made, "master", output=output, town="九龙街道", growth=growth,
                               fixed={"name": name, "short": short, "stock": stock,
                                      "products": [(n, s) for n, s, _l in products],
                                      "listed": True}))
    needs = [[leaf for leaf in upstream if leaf.name not in spec[7]] for spec in SA_MASTERS]
    demand = [_demand(m.output, need) for m, need in zip(masters, needs, strict=True)]
    missing, weak = set(MISSING[SA]), set(_WEAK_MAKERS)
    strong = [leaf for leaf in upstream if leaf.name not in missing | weak]

    # Outside makers of the gaps: two per compressor type and one motor maker serve
    # every master, one panel maker serves two (6 of the 22 common suppliers).
    compressors = {n: [p.outside(SA, (by_name[n],), "common") for _ in range(2)]
                   for n in sorted(missing)}
    motor = p.outside(SA, (by_name["空调电机"], by_name["冰箱风机"]), "common")
    panel = p.outside(SA, (by_name["液晶面板"], by_name["显控屏与触摸屏"]), "common")
    oled = p.outside(SA, (by_name[_SINGLE_SOURCE_OUTSIDE],), "supplier")
    weak_makers = {n: [p.local(SA, (by_name[n],), "weak", output=rng.uniform(800, 4000))
                       for _ in range(k)] for n, k in _WEAK_MAKERS.items()}
    # Local commons: 16 strong nodes (the single-source clutch among them) each get one
    # local firm supplying two or three masters; the other strong nodes get two local
    # firms, each supplying one master.
    others = [leaf for leaf in strong if leaf.name != _SINGLE_SOURCE_LOCAL
              and sum(leaf in need for need in needs) >= 2]
    common_nodes = [by_name[_SINGLE_SOURCE_LOCAL]] + rng.sample(others, _LOCAL_COMMONS - 1)
    local_suppliers: dict[str, list[tuple[Slot, list[int]]]] = {}
    for leaf in strong:
        users = [i for i, need in enumerate(needs) if leaf in need]
        if leaf in common_nodes:
            served = users if len(users) < 3 or rng.random() < 0.6 else rng.sample(users, 2)
            local_suppliers[leaf.name] = [(p.local(SA, (leaf,), "common"), served)]
        else:
            served = rng.sample(users, min(2, len(users)))
            local_suppliers[leaf.name] = [(p.local(SA, (leaf,), "supplier"), [m])
                                          for m in served]
    # Each master's outside suppliers of strong nodes: a few groups, one firm per group.
    pools: list[dict[str, Slot]] = []
    for _m in masters:
        groups: dict[str, list[Leaf]] = {}
        for leaf in strong:
            if leaf.name == _SINGLE_SOURCE_LOCAL:
                continue
            groups.setdefault(leaf.path.rsplit("/", 1)[0], []).append(leaf)
        pool: dict[str, Slot] = {}
        for _parent, leaves in sorted(groups.items()):
            for start in range(0, len(leaves), 3):
                chunk = tuple(leaves[start:start + 3])
                firm = p.outside(SA, chunk, "supplier")
                pool.update({leaf.name: firm for leaf in chunk})
        pools.append(pool)
    weak_outside = [{n: p.outside(SA, (by_name[n],), "supplier")
                     for n in ("洗衣机电机", "控制芯片")} for _m in masters]

    for mi, master in enumerate(masters):
        d = demand[mi]
        for name, makers in compressors.items():
            if name in d:
                split = rng.uniform(0.5, 0.7)
                b.tie(makers[0], master, by_name[name], d[name] * split)
                b.tie(makers[1], master, by_name[name], d[name] * (1 - split))
        fixed_local = 0.0
        for n, makers in weak_makers.items():
            if n not in d:
                continue
            # weak maker i sells to master i only, so none of them is a common supplier;
            # the OLED maker sells to no master (its node stays single-source)
            local = 0.0
            if mi < len(makers) and n != _SINGLE_SOURCE_OUTSIDE:
                maker = makers[mi]
                local = maker.output * rng.uniform(0.2, 0.4)
                b.tie(maker, master, by_name[n], local)
            fixed_local += local
            outside = {"空调电机": motor, "液晶面板": panel, _SINGLE_SOURCE_OUTSIDE: oled}.get(
                n) or weak_outside[mi][n]
            b.tie(outside, master, by_name[n], d[n] - local)
        if "显控屏与触摸屏" in d and mi < 2:
            b.tie(panel, master, by_name["显控屏与触摸屏"], d["显控屏与触摸屏"] * 0.2)
        b.tie(motor, master, by_name["冰箱风机"], d["冰箱风机"] * 0.15)
        served = [leaf for leaf in strong if leaf.name in d and any(
            mi in users for _s, users in local_suppliers[leaf.name])]
        clutch = d.get(_SINGLE_SOURCE_LOCAL, 0.0)
        target = SA_MASTERS[mi][5] * sum(d.values()) - fixed_local - clutch
        flexible = sum(d[leaf.name] for leaf in served if leaf.name != _SINGLE_SOURCE_LOCAL)
        share = min(0.9, max(0.2, target / flexible)) if flexible else 0.0
        for leaf in strong:
            if leaf.name not in d:
                continue
            mine = [s for s, users in local_suppliers[leaf.name] if mi in users]
            if leaf.name == _SINGLE_SOURCE_LOCAL:
                b.tie(mine[0], master, leaf, clutch)
                continue
            local = d[leaf.name] * share if mine else 0.0
            for supplier in mine:
                b.tie(supplier, master, leaf, local / len(mine))
            b.tie(pools[mi][leaf.name], master, leaf, d[leaf.name] - local)
    return [(SA, m.index) for m in masters]


def _tailifu(b: _Builder) -> None:
    name, short, revenue, growth, products = TAILIFU
    leaf = b.cat.leaf(SME, "叉车")
    b.p.local(SME, (leaf,), "named", output=revenue, town="胶西街道", growth=growth,
              fixed={"name": name, "short": short, "products": [(n, s) for n, s, _l in products],
                     "revenue": revenue})


def _synthetic(b: _Builder) -> list[tuple[str, int]]:
    found = []
    for chain, word, output, made, rate, subtrees in SYNTHETIC_MASTERS:
        if chain not in b.cat.leaves:
            continue
        leaves = tuple(b.cat.leaf(chain, n) for n in made)
        master = b.p.local(chain, leaves, "master", output=output, town=HOME_TOWNS[chain],
                           fixed={"word": word})
        needs = [leaf for leaf in b.cat.leaves[chain] if leaf.path.startswith(subtrees)]
        d = _demand(output, needs)
        makeable = {leaf.key for leaf in b.cat.local_leaves(chain)}
        gaps = {leaf.name for leaf in needs if leaf.key not in makeable}
        locals_ = {leaf.name: b.p.local(chain, (leaf,), "supplier")
                   for leaf in needs if leaf.name not in gaps}
        outside: dict[str, Slot] = {}
        for start in range(0, len(needs), 3):
            chunk = tuple(leaf for leaf in needs[start:start + 3] if leaf.name not in gaps)
            if chunk:
                firm = b.p.outside(chain, chunk, "supplier")
                outside.update({leaf.name: firm for leaf in chunk})
        for name in sorted(gaps):
            if name in d:
                outside[name] = b.p.outside(chain, (b.cat.leaf(chain, name),), "supplier")
        flexible = sum(d[n] for n in locals_)
        share = min(0.9, rate * sum(d.values()) / flexible) if flexible else 0.0
        for leaf in needs:
            local = d[leaf.name] * share if leaf.name in locals_ else 0.0
            if local:
                b.tie(locals_[leaf.name], master, leaf, local)
            b.tie(outside[leaf.name], master, leaf, d[leaf.name] - local)
        found.append((chain, master.index))
    return found


def plan_masters(planner: Planner, catalog: Catalog) -> MasterPlan:
    """Plan the masters, their suppliers and the 2024 supply ties between them."""
    b = _Builder(planner, catalog)
    masters = _smart_appliance(b) if SA in catalog.leaves else []
    if SME in catalog.leaves:
        _tailifu(b)
    masters += _synthetic(b)
    b.size_suppliers()
    return MasterPlan(masters=masters, ties=b.ties)
