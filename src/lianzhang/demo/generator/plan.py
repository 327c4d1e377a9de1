"""The registry plan: one `Slot` per firm saying where it is, what it makes, how big it
is and what part it plays (chain master, supplier, filler …). Structured firms (the
masters and their suppliers, see `masters.py`) are planned first; filler firms then
bring the local registry to its size under one-town-one-industry, and the national
pool of outside firms to about a third of the total."""

from __future__ import annotations

import itertools
import math
import random
from dataclasses import dataclass, field
from typing import Any

from .catalog import MISSING, OTHER_CHAIN_WEIGHTS, TOWN_PLANS, WEAK, Catalog, Leaf
from .names import LOCAL_DIVISION, OUTSIDE_REGIONS

__all__ = ["Slot", "Planner", "HOME_TOWNS", "ACTIVE"]

ACTIVE = ("existing", "operating")
# The town a chain's structured firms sit in (most of them; see `Planner.local`).
HOME_TOWNS = {"smart-appliance": "九龙街道", "smart-manufacturing-equipment": "阜安街道",
              "beauty-fashion": "李哥庄镇", "home-furnishing": "铺集镇",
              "food-beverage": "里岔镇", "hydrogen-energy-storage": "胶西街道",
              "airport-manufacturing": "胶莱街道", "modern-commerce": "中云街道",
              "modern-logistics": "胶北街道"}
_SPREAD_TOWNS = ("胶东街道", "胶西街道")
_SMALL_TOWNS = {"李哥庄镇": 300.0}  # median output (万元) where many firms are small


@dataclass(slots=True)
class Slot:
    """A planned firm. Output values are 2024 output in 10k yuan (万元)."""

    index: int
    local: bool
    town: str | None
    region: str
    prefix: str
    division: str
    chain: str
    leaves: tuple[Leaf, ...]
    output: float
    growth: float
    status: str = "existing"
    role: str = "filler"
    fixed: dict[str, Any] | None = field(default=None)

    @property
    def active(self) -> bool:
        """Existing or operating (a local firm in the DESIGN §4 sense when local)."""
        return self.status in ACTIVE


class Planner:
    """Hands out slots in a fixed order, so the same seed gives the same registry."""

    def __init__(self, seed: int, enterprises: int, catalog: Catalog) -> None:
        self.seed = seed
        self.total = enterprises
        self.outside_total = enterprises // 3
        self.local_total = enterprises - self.outside_total
        self.catalog = catalog
        self.rng = random.Random(seed * 31 + 7)
        self.slots: list[Slot] = []
        self._cum: dict[tuple[str, int, tuple[str, ...]], list[float]] = {}

    # -- structured firms -------------------------------------------------------------
    def _slot(self, **kwargs: Any) -> Slot:
        slot = Slot(index=len(self.slots), **kwargs)
        self.slots.append(slot)
        return slot

    def local(self, chain: str, leaves: tuple[Leaf, ...], role: str, output: float = 0.0,
              town: str | None = None, growth: float | None = None,
              fixed: dict[str, Any] | None = None) -> Slot:
        """A structured local firm, in the chain's home town unless told otherwise
        (one in eight sits in another manufacturing town of the city)."""
        if town is None:
            home = HOME_TOWNS.get(chain, "胶东街道")
            if chain == "smart-manufacturing-equipment" and "工程机械" in leaves[0].path:
                home = "胶西街道"
            town = home if self.rng.random() < 0.875 else self.rng.choice(_SPREAD_TOWNS)
        return self._slot(local=True, town=town, region="", prefix="青岛",
                          division=LOCAL_DIVISION, chain=chain, leaves=leaves, output=output,
                          growth=self._growth() if growth is None else growth,
                          status=self.rng.choice(ACTIVE), role=role, fixed=fixed)

    def outside(self, chain: str, leaves: tuple[Leaf, ...], role: str,
                output: float = 0.0) -> Slot:
        """A structured firm of the national pool."""
        region, division, prefix = self.rng.choice(OUTSIDE_REGIONS)
        return self._slot(local=False, town=None, region=region, prefix=prefix,
                          division=division, chain=chain, leaves=leaves, output=output,
                          growth=self._growth(), status=self.rng.choice(ACTIVE), role=role)

    def _growth(self) -> float:
        return max(-0.3, min(0.6, self.rng.gauss(0.07, 0.12)))

    def covered(self) -> set[tuple[str, str]]:
        """Leaves some planned local firm already makes."""
        return {leaf.key for s in self.slots if s.local for leaf in s.leaves}

    def cover(self, chain: str) -> None:
        """One local maker for every leaf of `chain` local firms may make and none does
        yet, so the chain's only gaps are the intended ones."""
        have = self.covered()
        for leaf in self.catalog.local_leaves(chain):
            if leaf.key not in have:
                self.local(chain, (leaf,), "cover", output=self._size(900.0))

    # -- filler -----------------------------------------------------------------------
    def _size(self, median: float) -> float:
        return min(300_000.0, math.exp(self.rng.gauss(math.log(median), 1.4)))

    def _status(self) -> str:
        roll = self.rng.random()
        return ("cancelled" if roll < 0.035 else "revoked" if roll < 0.06
                else "operating" if roll < 0.38 else "existing")

    def _pick_leaf(self, leaves: list[Leaf], focus: tuple[str, ...]) -> Leaf:
        # a chain's local list has the same length as its full list only when equal
        key = (leaves[0].chain, len(leaves), focus)
        cum = self._cum.get(key)
        if cum is None:  # cumulative weights, computed once per leaf list and focus
            weights = [(5.0 if focus and leaf.path.startswith(focus) else 1.0)
                       * (1.5 if leaf.segment == "upstream" else 1.0) for leaf in leaves]
            cum = self._cum[key] = list(itertools.accumulate(weights))
        return self.rng.choices(leaves, cum_weights=cum)[0]

    def _second(self, chain_leaves: list[Leaf], first: Leaf) -> tuple[Leaf, ...]:
        if self.rng.random() >= 0.2:
            return (first,)
        parent = first.path.rsplit("/", 1)[0]
        near = [leaf for leaf in chain_leaves if leaf is not first
                and leaf.path.startswith(parent + "/")] or [
                leaf for leaf in chain_leaves if leaf is not first]
        return (first, self.rng.choice(near)) if near else (first,)

    def fill(self) -> None:
        """Bring locals to `local_total` and outside firms to `outside_total`."""
        locals_now = sum(1 for s in self.slots if s.local)
        outside_now = len(self.slots) - locals_now
        need_local = self.local_total - locals_now
        need_outside = self.outside_total - outside_now
        if need_local < 0 or need_outside < 0:
            raise ValueError("too few enterprises for the demo's structured firms")
        self._fill_locals(need_local)
        self._fill_outside(need_outside)

    def _town_counts(self, need: int) -> dict[str, int]:
        placed: dict[str, int] = {}
        for s in self.slots:
            if s.local and s.town:
                placed[s.town] = placed.get(s.town, 0) + 1
        room = {t: max(0.0, share * self.local_total - placed.get(t, 0))
                for t, (share, _plan) in TOWN_PLANS.items()}
        total_room = sum(room.values()) or 1.0
        counts = {t: int(need * r / total_room) for t, r in room.items()}
        for t in sorted(room, key=lambda t: -room[t])[:need - sum(counts.values())]:
            counts[t] += 1
        return counts

    def _fill_locals(self, need: int) -> None:
        chains = sorted(self.catalog.leaves)
        others = [c for c in chains if self.catalog.local_leaves(c)]
        other_weights = [OTHER_CHAIN_WEIGHTS.get(c, 0.5) for c in others]
        local_leaves = {c: self.catalog.local_leaves(c) for c in chains}
        for town, count in self._town_counts(need).items():
            plan = TOWN_PLANS[town][1]
            median = _SMALL_TOWNS.get(town, 900.0)
            for _ in range(count):
                roll, chain, focus = self.rng.random(), "", ()
                for code, share, subtrees in plan:
                    if roll < share:
                        chain, focus = code, subtrees
                        break
                    roll -= share
                if not chain:
                    chain = self.rng.choices(others, other_weights)[0]
                first = self._pick_leaf(local_leaves[chain], focus)
                status = self._status()
                self._slot(local=True, town=town, region="", prefix="青岛",
                           division=LOCAL_DIVISION, chain=chain,
                           leaves=self._second(local_leaves[chain], first),
                           output=self._size(median) if status in ACTIVE else 0.0,
                           growth=self._growth(), status=status)

    def _gap_leaves(self) -> list[Leaf]:
        """Leaves the city lacks or is weak in: a third of the national pool makes them,
        so targeted attraction has candidates for every gap."""
        found = [self.catalog.leaf(c, n) for table in (MISSING, WEAK)
                 for c, names in sorted(table.items()) for n in names]
        extra = [leaf for leaves in self.catalog.leaves.values() for leaf in leaves
                 if leaf.is_core and leaf.segment == "upstream"]
        return found + [leaf for leaf in extra if leaf not in found]

    def _fill_outside(self, need: int) -> None:
        gaps = self._gap_leaves()
        gap_weights = [4.0 if i < 11 else 1.0 for i in range(len(gaps))]
        chains = sorted(self.catalog.leaves)
        chain_weights = [OTHER_CHAIN_WEIGHTS.get(c, 0.5) + (1.0 if c in HOME_TOWNS else 0.0)
                         for c in chains]
        for _ in range(need):
            if self.rng.random() < 0.3:
                first = self.rng.choices(gaps, gap_weights)[0]
            else:
                chain = self.rng.choices(chains, chain_weights)[0]
                first = self._pick_leaf(self.catalog.leaves[chain], ("上游",))
            status = self._status()
            region, division, prefix = self.rng.choice(OUTSIDE_REGIONS)
            self._slot(local=False, town=None, region=region, prefix=prefix,
                       division=division, chain=first.chain,
                       leaves=self._second(self.catalog.leaves[first.chain], first),
                       output=self._size(1500.0) if status in ACTIVE else 0.0,
                       growth=self._growth(), status=status)
