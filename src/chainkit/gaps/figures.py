"""Headline figures for a chain in one call (the chain page's header and snapshots)."""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass

from .attribution import DEF_SPLIT
from .coverage import PROXY, Completeness, SupportingRate, completeness, supporting_rate
from .index import GapData
from .status import GapResult, gap_status
from .tables import Id

__all__ = ["ChainFigures", "chain_figures", "all_chain_figures", "DEF_OUTPUT"]

DEF_OUTPUT = "链上本地产出 = Σ 本地挂链企业分配到该链各节点的产出（" + DEF_SPLIT + "）"


@dataclass(frozen=True)
class ChainFigures:
    """The headline set for one chain. Flat fields for the page header and snapshots;
    the `*_detail` and `gaps` objects carry per-figure definitions and data used.

    - completeness / completeness_reason: see `completeness`;
    - supporting_rate / supporting_kind ("value" | "node_proxy") / supporting_label;
    - leaves, covered, missing (缺链), weak (短板), strong (强链), single_points (断点风险);
    - masters (ids), local_masters (count), local_firms (distinct local firms with a
      qualifying link on any node of the chain), output (元, see DEF_OUTPUT; None with
      `output_reason` when there are such firms but none has an output figure: no data,
      not 0);
    - the supporting rate is None too when it would be the node proxy and no linked
      firm has an output figure (the chain has neither purchase nor output data);
    - has_map: False when the chain has no nodes (the page says so)."""

    chain_id: Id
    year: int | None
    scope: str
    has_map: bool
    completeness: float | None
    completeness_reason: str
    supporting_rate: float | None
    supporting_kind: str | None
    supporting_label: str
    supporting_reason: str
    leaves: int
    covered: int
    missing: int
    weak: int
    strong: int
    single_points: int
    masters: tuple[Id, ...]
    local_masters: int
    local_firms: int
    output: float | None
    output_definition: str
    completeness_detail: Completeness
    supporting_detail: SupportingRate
    gaps: GapResult
    output_reason: str = ""


def chain_figures(data: GapData, chain_id: Id) -> ChainFigures:
    """Compute completeness (§4), the supporting rate (value-based when the masters have
    valued purchases, else the node proxy, labelled), the covered/缺链/短板/强链 counts,
    masters, local firms and local output of one chain from an index built once by
    `index_tables`. A chain with no map or no masters gives empty figures with reasons."""
    comp = completeness(data, chain_id)
    rate = supporting_rate(data, chain_id)
    gaps = gap_status(data, chain_id)
    firms: set[Id] = set()
    output = 0.0
    for node_id in data.chain_nodes.get(chain_id, ()):
        members = data.node_firms.get(node_id)
        if members:
            firms |= members
            output += data.node_outputs[node_id]
    masters = tuple(data.masters.get(chain_id, ()))
    output_reason = ""
    # No firm on the chain is a true 0 (every leaf 缺链); firms that reported nothing are not.
    if firms and not data.output_known(firms):
        output_reason = f"链上 {len(firms)} 家本地企业均无产值数据"
    if output_reason:
        output = None
        if rate.kind == PROXY and rate.value is not None:
            rate = dataclasses.replace(rate, value=None, reason=f"暂无数据：{output_reason}，"
                                       "且链主无带金额的采购数据")
    return ChainFigures(
        chain_id=chain_id, year=data.year, scope=data.scope_label(),
        has_map=bool(data.chain_nodes.get(chain_id)),
        completeness=comp.value, completeness_reason=comp.reason,
        supporting_rate=rate.value, supporting_kind=rate.kind, supporting_label=rate.label,
        supporting_reason=rate.reason,
        leaves=comp.leaves, covered=comp.covered_leaves, missing=gaps.missing, weak=gaps.weak,
        strong=gaps.strong, single_points=gaps.single_points, masters=masters,
        local_masters=sum(1 for m in masters if m in data.local_output), local_firms=len(firms),
        output=output, output_definition=DEF_OUTPUT, output_reason=output_reason,
        completeness_detail=comp, supporting_detail=rate, gaps=gaps,
    )


def all_chain_figures(data: GapData) -> dict[Id, ChainFigures]:
    """`chain_figures` for every chain in the index (nodes, masters or named chains)."""
    return {chain_id: chain_figures(data, chain_id) for chain_id in data.chains}
