"""A deterministic messy firm list for the 1,000-row import test: distinct new firms,
exact duplicate rows, spelling variants (brackets, spaces, legal forms) and typos of
firms already registered, and names that fit two registered firms equally."""

from __future__ import annotations

import random
from dataclasses import dataclass, field

from rapidfuzz.distance import Levenshtein

from chainkit.resolve import core_name

__all__ = ["MessyList", "messy_list", "POOL", "INDUSTRIES"]

POOL = ("海岳青蓝胶澳琴崂峰沧浮鳌灵珠凤凰铁华楼棋盘马濠云溪少艾里九龙洋河铺集莱阜北岭金银星月"
        "瑞达丰泰恒昌盛鑫源宏伟嘉隆辉德信诚顺安康宁和兴旺富贵明亮光辰晨鸿鹏翔腾飞博远卓越")
INDUSTRIES = ["精密机械", "智能科技", "电子材料", "新能源科技", "食品", "家居用品", "压缩机",
              "汽车部件", "医疗器械", "化工", "纺织", "物流", "软件", "光电", "橡胶制品", "模具",
              "钢结构", "包装", "生物科技", "航空装备", "船舶", "仪器仪表", "涂料", "玻璃",
              "陶瓷", "铸造", "阀门", "轴承", "泵业", "线缆"]


@dataclass
class MessyList:
    """The registry to create first, the rows to import and what should come out."""

    registry: list[str] = field(default_factory=list)       # firms registered before
    pairs: list[tuple[str, str]] = field(default_factory=list)  # same core, two regions
    rows: list[tuple[str, str]] = field(default_factory=list)   # (uscc or "", name)
    new_names: list[str] = field(default_factory=list)      # distinct new firms
    typos: dict[str, str] = field(default_factory=dict)     # typo → registered name
    ambiguous: list[str] = field(default_factory=list)


def _cores(rng: random.Random, count: int) -> list[str]:
    """`count` firm cores (3-character brand + industry) no two of which are close."""
    cores: list[str] = []
    while len(cores) < count:
        core = "".join(rng.sample(POOL, 3)) + rng.choice(INDUSTRIES)
        if all(Levenshtein.normalized_similarity(core, c) < 0.7 for c in cores):
            cores.append(core)
    return cores


def _typo(rng: random.Random, core: str, others: list[str]) -> str:
    """One brand character replaced (the industry words are left alone), so that the
    typo stays closer to its firm than to any other (else it is a different name)."""
    while True:
        pos = rng.randrange(3)
        char = rng.choice([c for c in POOL if c not in core])
        typo = core[:pos] + char + core[pos + 1:]
        if all(Levenshtein.normalized_similarity(typo, c) < 0.7 for c in others if c != core):
            return typo


def messy_list(uscc: callable, seed: int = 3, registered: int = 80, new: int = 700,
               with_uscc: int = 500, duplicates: int = 100, variants: int = 100,
               typos: int = 60, bracketed: int = 30, ambiguous: int = 10) -> MessyList:
    """Build the list (1,000 rows with the defaults) deterministically from `seed`."""
    rng = random.Random(seed)
    cores = _cores(rng, registered + new + ambiguous)
    out = MessyList()
    out.registry = [f"青岛{c}有限公司" for c in cores[:registered]]
    new_cores = cores[registered:registered + new]
    out.new_names = [f"青岛{c}有限公司" for c in new_cores]
    for core in cores[registered + new:]:
        out.pairs.append((f"烟台{core}有限公司", f"潍坊{core}有限公司"))
        out.ambiguous.append(f"{core}有限公司")
    rows = [(uscc(5000 + i) if i < with_uscc else "", name)
            for i, name in enumerate(out.new_names)]
    no_uscc = [r for r in rows if not r[0]]
    rows += [rng.choice(no_uscc) for _ in range(duplicates)]
    forms = ["{c}（青岛）有限公司", "{c}(青岛)有限公司", " 青岛 {c} 有限公司 ", "青岛{c}有限责任公司"]
    for _ in range(variants):
        core = rng.choice(new_cores)
        rows.append(("", rng.choice(forms).format(c=core)))
    for name in rng.sample(out.registry, typos):
        typo = f"青岛{_typo(rng, core_name(name), cores)}有限公司"
        out.typos[typo] = name
        rows.append(("", typo))
    for name in rng.sample(out.registry, bracketed):
        rows.append(("", f"{core_name(name)}（青岛）有限公司"))
    rows += [("", name) for name in out.ambiguous]
    rng.shuffle(rows)
    out.rows = rows
    return out
