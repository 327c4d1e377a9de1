"""Town specialisation: location quotients per chain (一镇一业, DESIGN.md §4)."""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass

from ..errors import InputError
from .index import GapData
from .tables import Id, TownOutput, TownTotal, coerce_rows, format_amount

__all__ = ["TownLQ", "LQResult", "location_quotients", "town_outputs_from_links", "DEF_LQ",
           "SMALL_SAMPLE"]

DEF_LQ = "区位商 LQ =（镇街该链产出 / 镇街总产出）/（全市该链产出 / 全市总产出）"
SMALL_SAMPLE = "样本不足"


@dataclass(frozen=True)
class TownLQ:
    """One town's LQ in one chain; `lq` None with `reason` when undefined (the reason
    starts with 样本不足 when a base is below its minimum). The bases are shown beside
    the ratio: the town's output in the chain and in all, the city's in the chain."""

    town_id: Id
    chain_id: Id
    lq: float | None
    town_chain_output: float
    town_output: float
    reason: str = ""
    city_chain_output: float = 0.0

    @property
    def small_sample(self) -> bool:
        """True when the LQ is withheld because a base is below its minimum."""
        return self.reason.startswith(SMALL_SAMPLE)


@dataclass(frozen=True)
class LQResult:
    """LQs of every town × chain (by chain, highest LQ first, undefined last)."""

    items: tuple[TownLQ, ...]
    city_chain_output: dict[Id, float]
    city_output: float
    definition: str
    basis: str
    min_town_output: float = 0.0
    min_city_output: float = 0.0

    def for_chain(self, chain_id: Id) -> list[TownLQ]:
        """The towns' LQs in one chain, highest first."""
        return [item for item in self.items if item.chain_id == chain_id]

    def for_town(self, town_id: Id) -> list[TownLQ]:
        """One town's LQ in every chain (chain order as in items)."""
        return [item for item in self.items if item.town_id == town_id]


def _amount(value: object, what: str) -> float:
    """A finite, non-negative output value, else InputError naming `what`."""
    if isinstance(value, bool) or not isinstance(value, int | float) or not math.isfinite(value) or value < 0:
        raise InputError(f"{what}须为不小于 0 的数字，当前为 {value!r}")
    return float(value)


def location_quotients(
    town_outputs: Iterable[TownOutput | dict],
    town_totals: Iterable[TownTotal | dict],
    *,
    chains: Iterable[Id] = (),
    city_output: float | None = None,
    city_chain_outputs: dict[Id, float] | None = None,
    min_town_output: float = 0.0,
    min_city_output: float = 0.0,
) -> LQResult:
    """LQ = (town output in chain / town output) / (city output in chain / city output).

    City figures default to the sums over the given towns; pass `city_output` /
    `city_chain_outputs` when the city has output outside them. Duplicate rows add up.
    A town with no (or zero) total output, or a chain with no city output, gets LQ
    None with the reason; so does a town whose output in the chain is below
    `min_town_output`, or a chain whose city output is below `min_city_output` (元):
    a ratio of two small numbers says nothing (the reason starts with 样本不足). A
    town whose chain output exceeds its total is bad data (InputError)."""
    min_town_output = _amount(min_town_output, "区位商镇街该链最低产出")
    min_city_output = _amount(min_city_output, "区位商全市该链最低产出")
    per_pair: dict[tuple[Id, Id], float] = defaultdict(float)
    chain_ids: list[Id] = list(chains)
    for row in coerce_rows(town_outputs, TownOutput):
        per_pair[(row.town_id, row.chain_id)] += _amount(row.output, f"镇街 {row.town_id} 的分链产出")
        chain_ids.append(row.chain_id)
    totals: dict[Id, float] = defaultdict(float)
    for total_row in coerce_rows(town_totals, TownTotal):
        totals[total_row.town_id] += _amount(total_row.output, f"镇街 {total_row.town_id} 的总产出")
    towns = list(dict.fromkeys([*totals, *(town for town, _ in per_pair)]))
    chain_ids = list(dict.fromkeys(chain_ids))

    city_chain: dict[Id, float] = defaultdict(float)
    for (town, chain), value in per_pair.items():
        if value > totals.get(town, 0.0) * (1 + 1e-9) + 1e-9:
            raise InputError(f"镇街 {town} 在产业链 {chain} 的产出（{format_amount(value)}）"
                             f"大于其总产出（{format_amount(totals.get(town, 0.0))}）")
        city_chain[chain] += value
    if city_chain_outputs is not None:
        for chain, value in city_chain_outputs.items():
            city_chain[chain] = _amount(value, f"全市产业链 {chain} 的产出")
    city_total = sum(totals.values()) if city_output is None else _amount(city_output, "全市总产出")

    items: list[TownLQ] = []
    for chain in chain_ids:
        rows = []
        for town in towns:
            town_total = totals.get(town, 0.0)
            town_chain = per_pair.get((town, chain), 0.0)
            lq: float | None = None
            reason = ""
            if town_total <= 0:
                reason = "该镇街无产出数据"
            elif city_total <= 0:
                reason = "全市无产出数据"
            elif city_chain.get(chain, 0.0) <= 0:
                reason = "全市该链无产出"
            elif city_chain[chain] < min_city_output:
                reason = (f"{SMALL_SAMPLE}：全市该链产出 {format_amount(city_chain[chain])}，"
                          f"低于 {format_amount(min_city_output)}")
            elif town_chain < min_town_output:
                reason = (f"{SMALL_SAMPLE}：镇街该链产出 {format_amount(town_chain)}，"
                          f"低于 {format_amount(min_town_output)}")
            else:
                lq = (town_chain / town_total) / (city_chain[chain] / city_total)
            rows.append(TownLQ(town, chain, lq, town_chain, town_total, reason,
                               city_chain.get(chain, 0.0)))
        # Highest LQ first; undefined ones at the end, in input order.
        rows.sort(key=lambda r: (r.lq is None, -(r.lq or 0.0)))
        items.extend(rows)
    basis = (f"镇街 {len(towns)} 个、产业链 {len(chain_ids)} 条；全市总产出 {format_amount(city_total)}"
             + ("（按镇街合计）" if city_output is None else "（外部给定）")
             + (f"；镇街该链产出不低于 {format_amount(min_town_output)}、全市该链产出不低于 "
                f"{format_amount(min_city_output)} 时才计算（否则样本不足）"
                if min_town_output or min_city_output else ""))
    return LQResult(items=tuple(items), city_chain_output=dict(city_chain), city_output=city_total,
                    definition=DEF_LQ, basis=basis, min_town_output=min_town_output,
                    min_city_output=min_city_output)


def town_outputs_from_links(data: GapData) -> tuple[list[TownOutput], list[TownTotal]]:
    """Derive LQ inputs from the registry when statistics are not loaded: a town's
    output in a chain = Σ over its local firms of their output attributed to the
    chain's nodes (`GapData.attributed`); its total = Σ output of its local firms."""
    chain_of = {node_id: node.chain_id for node_id, node in data.nodes.items()}
    per_pair: dict[tuple[Id, Id], float] = defaultdict(float)
    for node_id, members in data.node_firms.items():
        chain = chain_of[node_id]
        for firm_id in members:
            town = data.firms[firm_id].town_id
            per_pair[(town, chain)] += data.attributed(firm_id, node_id)
    totals: dict[Id, float] = defaultdict(float)
    for firm_id, output in data.local_output.items():
        totals[data.firms[firm_id].town_id] += output
    return ([TownOutput(town, chain, value) for (town, chain), value in per_pair.items()],
            [TownTotal(town, value) for town, value in totals.items()])
