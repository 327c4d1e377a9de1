"""What the generator knows about the chains: the leaf nodes of the chain-map templates
(the maps the demo publishes as 1.0), which of them local firms may make, and the
one-town-one-industry plan of Jiaozhou (DESIGN §5)."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from chainkit.chainmap import ChainMap

__all__ = ["Leaf", "Catalog", "LOCAL_FORBIDDEN", "MISSING", "WEAK", "TOWN_PLANS",
           "OTHER_CHAIN_WEIGHTS", "CHAIN_WORDS", "NODE_WORDS", "SERVICE_CHAINS"]

# Terms no local firm's name, products or business scope may contain: the parts the
# public reports say Jiaozhou lacks (智能家电: 压缩机; 数控机床: 滚珠丝杠, 数控刀架,
# 转台, 主轴). Keywords of other nodes that mention them (主轴轴承 …) are dropped for
# local firms, so 挂链 cannot find a local maker of these parts.
LOCAL_FORBIDDEN = ("压缩机", "丝杠", "丝杆", "刀架", "刀塔", "转台", "回转工作台", "分度头",
                   "分度盘", "主轴")

# Nodes with no local maker at all (缺链), by chain code and leaf name.
MISSING = {
    "smart-appliance": ("冰箱压缩机", "空调压缩机"),
    "smart-manufacturing-equipment": ("滚珠丝杠", "数控刀架", "数控转台", "主轴"),
}
# Nodes with a few small local makers only (短板): their output stays below the
# masters' demand at every scale, so random firms never pick them.
WEAK = {
    "smart-appliance": ("空调电机", "洗衣机电机", "控制芯片", "液晶面板", "OLED与MiniLED"),
}

# town → (share of local firms, [(chain code, share of the town's firms, focus
# subtrees)]); focus subtrees (path prefixes) are picked five times as often.
TOWN_PLANS: dict[str, tuple[float, list[tuple[str, float, tuple[str, ...]]]]] = {
    "九龙街道": (0.16, [("smart-appliance", 0.75, ("上游",))]),
    "阜安街道": (0.12, [("smart-manufacturing-equipment", 0.70,
                         ("上游/机床功能部件", "上游/数控系统与驱动", "中游/数控机床"))]),
    "李哥庄镇": (0.18, [("beauty-fashion", 0.85,
                         ("上游/发丝原料", "上游/辅料与设备", "中游/发制品", "下游/发制品外贸"))]),
    "铺集镇": (0.08, [("home-furnishing", 0.75, ("中游/实木家具", "中游/定制家具"))]),
    "里岔镇": (0.07, [("food-beverage", 0.75, ("中游/预制菜", "上游/农牧渔原料"))]),
    "胶西街道": (0.09, [("hydrogen-energy-storage", 0.45, ("上游/储能",)),
                        ("smart-manufacturing-equipment", 0.30, ("中游/工程机械与物料搬运",))]),
    "胶莱街道": (0.07, [("airport-manufacturing", 0.60, ())]),
    "中云街道": (0.07, [("modern-commerce", 0.60, ())]),
    "胶北街道": (0.06, [("modern-logistics", 0.60, ())]),
    "三里河街道": (0.05, [("software-info-services", 0.30, ()), ("tech-services", 0.25, ()),
                          ("modern-finance", 0.15, ())]),
    "胶东街道": (0.03, []),
    "洋河镇": (0.02, [("food-beverage", 0.30, ("上游/农牧渔原料",))]),
}

# Chains whose firms serve rather than make (scope items without 制造, little R&D).
SERVICE_CHAINS = frozenset({"modern-commerce", "modern-logistics", "modern-finance",
                            "tech-services", "software-info-services", "culture-tourism",
                            "exhibition"})

# Chains of the firms outside each town's main industry (relative weights; chains
# not listed weigh 0.5).
OTHER_CHAIN_WEIGHTS = {
    "new-energy-vehicle": 3, "advanced-polymer-metal-materials": 2, "textile-apparel": 2,
    "food-beverage": 2, "smart-manufacturing-equipment": 2, "modern-commerce": 1.5,
    "high-end-chemicals": 1, "marine-equipment": 1, "precision-instruments": 1,
    "biomedicine-medical-devices": 1, "home-furnishing": 1, "smart-appliance": 0.6,
    "modern-logistics": 1, "software-info-services": 1, "tech-services": 1,
    "culture-tourism": 1, "exhibition": 0.3, "general-aviation": 0.3, "virtual-reality": 0.3,
    "modern-finance": 0.3, "airport-manufacturing": 0.3,
}

# Words between a firm's name core and its legal form, by chain …
CHAIN_WORDS = {
    "smart-appliance": ("电器", "电子", "机电", "家电配件", "精密", "科技"),
    "smart-manufacturing-equipment": ("机械", "数控设备", "智能装备", "精工", "机床", "自动化"),
    "beauty-fashion": ("发制品", "工艺品", "美发用品", "时尚用品"),
    "home-furnishing": ("家居", "木业", "家具", "工贸"),
    "food-beverage": ("食品", "农业科技", "餐饮管理", "食品科技"),
    "hydrogen-energy-storage": ("新能源", "储能科技", "能源装备", "氢能科技"),
    "new-energy-vehicle": ("汽车零部件", "新能源科技", "汽车部件"),
    "modern-commerce": ("商贸", "贸易", "供应链管理"),
    "modern-logistics": ("物流", "供应链", "国际物流"),
    "software-info-services": ("信息技术", "软件", "网络科技"),
    "tech-services": ("检测技术", "科技服务", "技术"),
    "modern-finance": ("融资租赁", "投资管理", "金融服务"),
}
_DEFAULT_WORDS = ("科技", "实业", "工贸", "发展")
# … or, for nodes whose makers usually carry the part in their name, these.
NODE_WORDS = {
    "冰箱压缩机": "压缩机", "空调压缩机": "压缩机", "空调电机": "电机", "洗衣机电机": "电机",
    "冰箱风机": "电机", "控制芯片": "微电子", "主控板": "电子", "变频模块": "电子",
    "印制电路板": "电路", "液晶面板": "光电", "OLED与MiniLED": "光电显示", "背光模组": "光电",
    "传感器": "传感技术", "换热器": "换热设备", "阀件": "阀门", "钣金件": "钣金", "注塑件": "塑胶",
    "模具": "模具", "包装材料": "包装", "发泡材料": "聚氨酯", "漆包线": "电工材料",
    "线束与连接器": "线束", "门封条": "密封件", "滚珠丝杠": "丝杠", "数控刀架": "刀架",
    "数控转台": "精密转台", "主轴": "主轴", "直线导轨": "导轨", "精密轴承": "轴承",
    "数控系统": "数控", "伺服电机与驱动器": "伺服", "精密减速器": "减速机", "铸件": "铸造",
    "锻件": "锻造", "叉车": "叉车", "假发": "发制品", "接发": "发制品", "人发加工": "发制品",
    "预制菜肴": "食品", "实木家具整装": "家居", "储能电芯": "储能科技",
}


@dataclass(frozen=True)
class Leaf:
    """A leaf node of a template: what a firm can make (or serve)."""

    chain: str
    path: str
    name: str
    segment: str
    keywords: tuple[str, ...]
    local_keywords: tuple[str, ...]
    codes: tuple[str, ...]
    weight: float
    is_core: bool

    @property
    def key(self) -> tuple[str, str]:
        """(chain code, path text): how ties and the ground truth name a node."""
        return (self.chain, self.path)


class Catalog:
    """Leaves of every chain template, with lookups the planner needs."""

    def __init__(self, maps: Iterable[ChainMap]) -> None:
        self.chains: dict[str, ChainMap] = {m.code: m for m in sorted(maps, key=lambda m: m.code)}
        self.leaves: dict[str, list[Leaf]] = {}
        for code, chain_map in self.chains.items():
            parents = {n.parent_path for n in chain_map.nodes}
            self.leaves[code] = [self._leaf(code, n) for n in chain_map.nodes
                                 if n.path not in parents]
        self.keywords = sorted({k for leaves in self.leaves.values() for leaf in leaves
                                for k in leaf.keywords})

    @staticmethod
    def _leaf(code: str, node) -> Leaf:
        words = tuple(node.keywords) or (node.name,)
        local = tuple(k for k in words if not any(t in k for t in LOCAL_FORBIDDEN))
        return Leaf(chain=code, path=node.path_text, name=node.name, segment=node.segment,
                    keywords=words, local_keywords=local, codes=tuple(node.industry_codes),
                    weight=float(node.weight), is_core=bool(node.is_core))

    def leaf(self, chain: str, name: str) -> Leaf:
        """The leaf called `name` in `chain` (names are unique among a chain's leaves in
        the templates the demo uses)."""
        for leaf in self.leaves.get(chain, ()):
            if leaf.name == name:
                return leaf
        raise KeyError(f"{chain}: no leaf {name}")

    def local_leaves(self, chain: str) -> list[Leaf]:
        """Leaves local firms may make: not missing, not capped as weak, and with a
        keyword free of the forbidden terms."""
        blocked = set(MISSING.get(chain, ())) | set(WEAK.get(chain, ()))
        return [leaf for leaf in self.leaves.get(chain, ())
                if leaf.local_keywords and leaf.name not in blocked
                and not any(t in leaf.name for t in LOCAL_FORBIDDEN)]

    def words(self, leaf: Leaf) -> tuple[str, ...]:
        """Name words for a maker of `leaf`."""
        if leaf.name in NODE_WORDS:
            return (NODE_WORDS[leaf.name],)
        return CHAIN_WORDS.get(leaf.chain, _DEFAULT_WORDS)
