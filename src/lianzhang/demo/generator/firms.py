"""From a planned slot to a firm's registry record: name, USCC, dates, capital, status,
industry code, products, business scope, tags and yearly figures.

Each firm draws from its own `random.Random(seed, index)`, so a firm's record depends
only on the seed and its slot, and batches can be generated one after another without
holding the whole registry in memory."""

from __future__ import annotations

import datetime
import random
from dataclasses import dataclass
from typing import Any

from .catalog import LOCAL_FORBIDDEN, SERVICE_CHAINS, Catalog, Leaf
from .names import CoreSpace, firm_name, local_address, make_firm_uscc, outside_address
from .plan import Slot
from .texts import business_scope, products_for

__all__ = ["FirmSpec", "make_firm", "SOURCE", "YEARS"]

SOURCE = "演示数据"
YEARS = (2023, 2024)
_CAPITALS = (50, 100, 200, 300, 500, 800, 1000, 2000, 3000, 5000, 10000, 20000, 50000)
# Chains whose firms export much of their output (李哥庄's hair goods: ~40 % of the
# world's trade).
_EXPORTERS = {"beauty-fashion": (0.4, 0.8), "textile-apparel": (0.2, 0.5),
              "home-furnishing": (0.1, 0.4), "smart-appliance": (0.05, 0.3)}


@dataclass(slots=True)
class FirmSpec:
    """One generated firm as plain data (money in 万元)."""

    index: int
    uscc: str
    name: str
    short_name: str
    town: str | None
    region_name: str
    address: str
    park: str | None
    established: datetime.date | None
    registered_capital: float | None
    status: str
    industry_code: str
    business_scope: str
    products: list[tuple[str, float]]
    flags: dict[str, bool]
    stock_code: str
    figures: list[tuple[int, float, float, float, int, float, float]]
    nodes: tuple[tuple[str, str], ...]
    role: str

    def as_tuple(self) -> tuple[Any, ...]:
        """Everything, for digests and comparisons."""
        return (self.index, self.uscc, self.name, self.short_name, self.town, self.region_name,
                self.address, self.park, self.established, self.registered_capital,
                self.status, self.industry_code, self.business_scope, tuple(self.products),
                tuple(sorted(self.flags.items())), self.stock_code, tuple(self.figures),
                self.nodes, self.role)


def _established(rng: random.Random, big: bool) -> datetime.date:
    year = int(rng.triangular(1988 if big else 1995, 2023, 2016))
    return datetime.date(year, 1, 1) + datetime.timedelta(days=rng.randrange(365))


def _capital(rng: random.Random, output: float) -> float:
    target = max(50.0, output * rng.uniform(0.05, 0.4))
    return float(min(_CAPITALS, key=lambda c: abs(c - target)))


def _figures(rng: random.Random, slot: Slot, revenue: float | None) -> list[tuple]:
    """2023 and 2024: output, revenue, tax, employees, R&D, exports (万元)."""
    if not slot.active or slot.output <= 0:
        return []
    ratio = rng.uniform(0.9, 1.05)
    rev24 = revenue if revenue is not None else slot.output * ratio
    out24 = slot.output if revenue is None else revenue / ratio
    export_low, export_high = _EXPORTERS.get(slot.chain, (0.0, 0.15))
    export_share = rng.uniform(export_low, export_high)
    rd_rate = (rng.uniform(0.0, 0.01) if slot.chain in SERVICE_CHAINS
               else rng.uniform(0.005, 0.05))
    per_head = rng.uniform(60, 180)
    rows = []
    for year, scale in ((2023, 1 / (1 + slot.growth)), (2024, 1.0)):
        out, rev = out24 * scale, rev24 * scale
        rows.append((year, round(out, 2), round(rev, 2), round(rev * rng.uniform(0.015, 0.06), 2),
                     max(3, int(out / per_head)), round(rev * rd_rate, 2),
                     round(rev * export_share, 2)))
    return rows


def _flags(rng: random.Random, slot: Slot, revenue24: float) -> dict[str, bool]:
    above = revenue24 >= 2000  # 规上: main-business revenue ≥ 2000万元
    maker = slot.chain not in SERVICE_CHAINS and slot.leaves[0].segment != "downstream"
    high_tech = maker and rng.random() < (0.45 if above else 0.08)
    specialised = maker and above and rng.random() < 0.18
    return {"is_above_scale": above, "is_high_tech": high_tech, "is_specialised": specialised,
            "is_little_giant": specialised and rng.random() < 0.2,
            "is_gazelle": rng.random() < (0.04 if slot.growth > 0.2 and above else 0.0),
            "is_unicorn": False, "is_listed": bool(slot.fixed and slot.fixed.get("listed"))}


def _industry_code(rng: random.Random, leaf: Leaf) -> str:
    codes = [c for c in leaf.codes if len(c) == 4] or list(leaf.codes)
    return codes[0] if rng.random() < 0.75 or len(codes) == 1 else rng.choice(codes[1:])


def make_firm(seed: int, slot: Slot, catalog: Catalog, cores: CoreSpace,
              parks: dict[str, list[str]]) -> FirmSpec:
    """The registry record of `slot` (deterministic in the seed and the slot)."""
    rng = random.Random(seed * 1_000_003 + slot.index)
    fixed = slot.fixed or {}
    primary = slot.leaves[0]
    core = cores[slot.index]
    if fixed.get("name"):
        name, short = fixed["name"], fixed["short"]
    else:
        word = fixed.get("word") or rng.choice(catalog.words(primary))
        name = firm_name(rng, core, word, slot.local, slot.prefix)
        if slot.role == "master":
            name = f"青岛{core}{word}股份有限公司"
        short = core + (word if len(word) <= 2 else "")
    products = fixed.get("products") or products_for(
        rng, slot.leaves, slot.local,
        (0.7, 0.9) if slot.role in ("common", "supplier", "master") else (0.5, 0.9))
    words = [p for p, _share in products]
    scope = business_scope(rng, slot.leaves, words, slot.local)
    figures = _figures(rng, slot, fixed.get("revenue"))
    revenue24 = figures[-1][2] if figures else 0.0
    big = slot.role in ("master", "named", "common") or slot.output > 50_000
    town_parks = parks.get(slot.town or "", [])
    park = rng.choice(town_parks) if town_parks and rng.random() < 0.55 else None
    spec = FirmSpec(
        index=slot.index, uscc=make_firm_uscc(seed, slot.index, slot.division), name=name,
        short_name=short, town=slot.town, region_name="" if slot.local else slot.region,
        address=(local_address(rng, slot.town or "") if slot.local
                 else outside_address(rng, slot.region)),
        park=park, established=None if fixed.get("name") else _established(rng, big),
        registered_capital=None if fixed.get("name") else _capital(rng, slot.output or 500.0),
        status=slot.status, industry_code=_industry_code(rng, primary), business_scope=scope,
        products=products, flags=_flags(rng, slot, revenue24),
        stock_code=fixed.get("stock", ""), figures=figures,
        nodes=tuple(leaf.key for leaf in slot.leaves), role=slot.role)
    if slot.local and any(t in text for t in LOCAL_FORBIDDEN
                          for text in (spec.name, spec.business_scope, *words)):
        raise AssertionError(f"a local firm mentions a part the city lacks: {spec.name}")
    return spec
