"""The deterministic demo registry (DESIGN §5): local firms of Jiaozhou under
one-town-one-industry, a national pool of outside firms, chain masters with their
supply ties, parks and innovation platforms — as plain data from a seed.

Pure Python apart from reading the chain-map templates: `generate()` plans the
registry (`plan`, `masters`), and `Registry.iter_firms()` builds each firm's record
on demand (`firms`), so 300,000 firms never sit in memory as full records. The
generator knows the truth of 挂链: `Registry.truth()` says which template leaves each
firm makes, for evaluating the mapping on the demo.

Facts the plan guarantees (the tests check them):
- 智能家电 masters 海尔智家/海信家电/澳柯玛 in 九龙街道, whose share of output in
  the chain is the largest of any town;
- no local firm's name, products or scope mentions 压缩机 (outside firms make them), nor
  滚珠丝杠/数控刀架/转台/主轴; 电机, 控制芯片 and panels have a few small local makers
  (短板); 洗衣机离合器 and OLED与MiniLED have one supplier each (断点风险);
- exactly 22 firms supply two or more 智能家电 masters; each master's value-based local
  supporting rate is about 35–45 %.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

from chainkit.chainmap import ChainMap
from chainkit.chainmap_yaml import load_template_dir

from .catalog import Catalog
from .firms import SOURCE, FirmSpec, make_firm
from .masters import Tie, plan_masters
from .names import CoreSpace, make_firm_uscc
from .places import PARKS, ParkSpec, PlatformSpec, background_ties, make_platforms
from .plan import Planner, Slot

__all__ = ["Registry", "generate", "ground_truth", "FirmSpec", "Tie", "ParkSpec",
           "PlatformSpec", "MIN_ENTERPRISES", "SOURCE", "TEMPLATE_DIR"]

TEMPLATE_DIR = Path(__file__).resolve().parents[2] / "chains" / "map_templates"
MIN_ENTERPRISES = 300  # the structured firms (masters, suppliers, coverage) need ~230
TIES_PER_FIRM = 1 / 6  # a city-scale registry: 50,000 ties for 300,000 firms


@dataclass
class Registry:
    """A generated registry. Firms are addressed by index; `uscc(i)` names firm i."""

    seed: int
    enterprises: int
    catalog: Catalog
    slots: list[Slot]
    masters: list[tuple[str, int]]
    ties: list[Tie]
    parks: list[ParkSpec]
    platforms: list[PlatformSpec]
    cores: CoreSpace = field(repr=False)

    def uscc(self, index: int) -> str:
        """The USCC of firm `index` (cheap: no record is built)."""
        return make_firm_uscc(self.seed, index, self.slots[index].division)

    def firm(self, index: int) -> FirmSpec:
        """The full record of firm `index`."""
        return make_firm(self.seed, self.slots[index], self.catalog, self.cores,
                         self._park_names())

    def iter_firms(self, indexes: Iterable[int] | None = None) -> Iterator[FirmSpec]:
        """Records of the given firms (default: all, in index order)."""
        parks = self._park_names()
        for i in range(len(self.slots)) if indexes is None else indexes:
            yield make_firm(self.seed, self.slots[i], self.catalog, self.cores, parks)

    def _park_names(self) -> dict[str, list[str]]:
        names: dict[str, list[str]] = {}
        for park in self.parks:
            names.setdefault(park.town, []).append(park.name)
        return names

    def truth(self, local_only: bool = True) -> dict[str, tuple[tuple[str, str], ...]]:
        """Ground truth of 挂链: USCC → the (chain code, node path) leaves the firm
        makes, primary first; local firms only unless told otherwise."""
        return {self.uscc(s.index): tuple(leaf.key for leaf in s.leaves)
                for s in self.slots if s.local or not local_only}

    def digest(self) -> str:
        """SHA-256 of everything generated (firms, ties, masters, parks, platforms)."""
        h = hashlib.sha256()
        for firm in self.iter_firms():
            h.update(repr(firm.as_tuple()).encode())
        for part in (self.ties, self.masters, self.parks, self.platforms):
            h.update(repr(part).encode())
        return h.hexdigest()


def generate(seed: int = 2024, enterprises: int = 600,
             maps: Iterable[ChainMap] | None = None) -> Registry:
    """Plan the demo registry of `enterprises` firms (two thirds local, a third in the
    national pool) from `seed` and the chain maps (default: the shipped templates)."""
    if enterprises < MIN_ENTERPRISES:
        raise ValueError(f"the demo registry needs at least {MIN_ENTERPRISES} enterprises")
    catalog = Catalog(load_template_dir(TEMPLATE_DIR) if maps is None else maps)
    planner = Planner(seed, enterprises, catalog)
    master_plan = plan_masters(planner, catalog)
    for chain in ("smart-appliance", "smart-manufacturing-equipment"):
        if chain in catalog.leaves:
            planner.cover(chain)
    planner.fill()
    slots = planner.slots
    taken = {(t.supplier, t.customer) for t in master_plan.ties}
    extra = background_ties(seed, slots, int(enterprises * TIES_PER_FIRM) - len(taken), taken)
    cores = CoreSpace(seed, len(slots), banned=catalog.keywords)
    return Registry(seed=seed, enterprises=enterprises, catalog=catalog, slots=slots,
                    masters=master_plan.masters, ties=master_plan.ties + extra,
                    parks=list(PARKS), platforms=make_platforms(slots, master_plan.masters,
                                                                catalog),
                    cores=cores)


def ground_truth(seed: int = 2024, enterprises: int = 600) -> dict[str, tuple[tuple[str, str], ...]]:
    """Which local firms of the demo registry make which template leaf (USCC → leaves)."""
    return generate(seed, enterprises).truth()
