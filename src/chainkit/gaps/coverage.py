"""Node coverage, chain completeness and the local supporting rate (DESIGN.md §4)."""

from __future__ import annotations

from dataclasses import dataclass

from .index import GapData
from .tables import Id, format_amount

__all__ = [
    "NodeCoverage",
    "CoverageResult",
    "Completeness",
    "SupportingRate",
    "node_coverage",
    "completeness",
    "value_supporting_rate",
    "proxy_supporting_rate",
    "supporting_rate",
    "DEF_COVERED",
    "DEF_COMPLETENESS",
    "DEF_VALUE_RATE",
    "DEF_PROXY_RATE",
]

DEF_COVERED = "覆盖节点：叶节点至少有 1 家本地企业挂链（已确认，或自动挂链且分数 ≥ {threshold}）"
DEF_COMPLETENESS = "产业链完整度 = Σ(叶节点权重 × 是否覆盖) / Σ 叶节点权重"
DEF_VALUE_RATE = "本地配套率（按采购额）= 链主向本地供应商的年采购额 / 链主全部年采购额"
DEF_PROXY_RATE = "本地配套率（节点代理）= 核心零部件叶节点的加权覆盖率：Σ(权重 × 是否覆盖) / Σ 权重"

VALUE = "value"
PROXY = "node_proxy"
LABELS = {VALUE: "本地配套率（按采购额）", PROXY: "本地配套率（核心零部件覆盖代理）"}


@dataclass(frozen=True)
class NodeCoverage:
    """Coverage of one leaf node: `local_firms` qualifying local firms (of which
    `confirmed_firms` by a confirmed link), their ids sorted, and `covered`."""

    node_id: Id
    name: str
    is_core: bool
    weight: float
    covered: bool
    local_firms: int
    confirmed_firms: int
    firm_ids: tuple[Id, ...]


@dataclass(frozen=True)
class CoverageResult:
    """Coverage of a chain's leaf nodes, in map order."""

    chain_id: Id
    nodes: tuple[NodeCoverage, ...]
    covered: int
    leaves: int
    definition: str
    basis: str


@dataclass(frozen=True)
class Completeness:
    """Chain completeness; `value` None (with `reason`) when it is undefined."""

    chain_id: Id
    value: float | None
    covered_weight: float
    total_weight: float
    covered_leaves: int
    leaves: int
    zero_weight_leaves: int
    definition: str
    basis: str
    reason: str = ""


@dataclass(frozen=True)
class SupportingRate:
    """A local supporting rate: `kind` is "value" (purchases) or "node_proxy" (core-part
    coverage), `label` the Chinese name to show; `value` None (with `reason`) when
    neither can be computed. Numerator / denominator are 元 or weights by kind."""

    chain_id: Id
    kind: str | None
    label: str
    value: float | None
    numerator: float
    denominator: float
    definition: str
    basis: str
    reason: str = ""


def _sort_key(value: Id) -> tuple[str, str]:
    """Sort key for ids of mixed types (ints and strings)."""
    # Ids may be ints or strings; sort by type name then text so mixed ids never raise.
    return (type(value).__name__, str(value))


def _definition_covered(data: GapData) -> str:
    """The covered-node definition with the configured threshold."""
    return DEF_COVERED.format(threshold=f"{data.settings.auto_score_threshold:g}")


def _basis(data: GapData, chain_id: Id) -> str:
    """The data a chain's coverage figures used, in Chinese."""
    return (f"{data.scope_label()}；叶节点 {len(data.chain_leaves.get(chain_id, ()))} 个，"
            f"挂链 {data.counts.get('links', 0)} 条（全部链），本地企业 {data.counts.get('local_firms', 0)} 家")


def node_coverage(data: GapData, chain_id: Id) -> CoverageResult:
    """Coverage per leaf node of a chain. Definition: a leaf is covered when ≥ 1 local
    firm (active, town in scope) is linked to it with status confirmed, or auto with
    score ≥ settings.auto_score_threshold. Rejected links never count."""
    items = []
    for node_id in data.chain_leaves.get(chain_id, ()):
        node = data.nodes[node_id]
        members = data.node_firms.get(node_id, set())
        items.append(NodeCoverage(
            node_id=node_id, name=node.name, is_core=bool(node.is_core), weight=float(node.weight),
            covered=bool(members), local_firms=len(members),
            confirmed_firms=data.node_confirmed.get(node_id, 0),
            firm_ids=tuple(sorted(members, key=_sort_key)),
        ))
    return CoverageResult(
        chain_id=chain_id, nodes=tuple(items), covered=sum(1 for i in items if i.covered),
        leaves=len(items), definition=_definition_covered(data), basis=_basis(data, chain_id),
    )


def _weighted(data: GapData, leaf_ids: list[Id]) -> tuple[float, float, int, int]:
    """(covered weight, total weight, covered count, zero-weight count) over `leaf_ids`."""
    covered_w = total_w = 0.0
    covered = zero = 0
    node_firms = data.node_firms
    for node_id in leaf_ids:
        weight = float(data.nodes[node_id].weight)
        total_w += weight
        zero += weight == 0
        if node_firms.get(node_id):
            covered += 1
            covered_w += weight
    return covered_w, total_w, covered, zero


def completeness(data: GapData, chain_id: Id) -> Completeness:
    """Chain completeness = Σ wᵢ·coveredᵢ / Σ wᵢ over the chain's leaf nodes (wᵢ the
    node weight: BOM value share where known, else 1; weight 0 = listed, not counted).

    No leaves (no published map) or all weights 0 → value None with the reason; we do
    not invent a figure the definition does not give."""
    leaves = data.chain_leaves.get(chain_id, [])
    covered_w, total_w, covered, zero = _weighted(data, leaves)
    reason = ""
    value: float | None = None
    if not leaves:
        reason = "该链尚无已发布的节点图，无法计算完整度"
    elif total_w <= 0:
        reason = "叶节点权重全为 0，完整度无定义"
    else:
        value = covered_w / total_w
    definition = f"{DEF_COMPLETENESS}；{_definition_covered(data)}"
    return Completeness(
        chain_id=chain_id, value=value, covered_weight=covered_w, total_weight=total_w,
        covered_leaves=covered, leaves=len(leaves), zero_weight_leaves=zero,
        definition=definition, basis=_basis(data, chain_id), reason=reason,
    )


def value_supporting_rate(data: GapData, chain_id: Id) -> SupportingRate:
    """Value-based local supporting rate: for the chain's masters in the index year,
    Σ annual purchases from local suppliers / Σ all annual purchases, over supply ties
    with a value (ties without a value are counted in `basis`, not in the rate).
    A supplier missing from the firm table counts as not local. Value None with the
    reason when there are no masters or no valued purchases."""
    masters = data.masters.get(chain_id, [])
    local = total = 0.0
    n_ties = n_missing = 0
    for master in masters:
        for tie in data.ties_by_customer.get(master, ()):
            if tie.value is None:
                n_missing += 1
                continue
            n_ties += 1
            total += tie.value
            if tie.supplier_id in data.local_output:
                local += tie.value
    basis = (f"{data.scope_label()}；链主 {len(masters)} 家，带金额供应关系 {n_ties} 条"
             f"（无金额 {n_missing} 条未计），本地采购 {format_amount(local)} / 全部采购 {format_amount(total)}")
    reason = ""
    value: float | None = None
    if not masters:
        reason = "该链未认定链主企业"
    elif total <= 0:
        reason = "链主无带金额的采购数据"
    else:
        value = local / total
    return SupportingRate(
        chain_id=chain_id, kind=VALUE, label=LABELS[VALUE], value=value, numerator=local,
        denominator=total, definition=DEF_VALUE_RATE, basis=basis, reason=reason,
    )


def proxy_supporting_rate(data: GapData, chain_id: Id) -> SupportingRate:
    """Node-based proxy of the supporting rate: weighted coverage of the chain's core
    leaf nodes, Σ wᵢ·coveredᵢ / Σ wᵢ over leaves with is_core. Value None with the
    reason when the chain has no core leaves or their weights are all 0."""
    core = [n for n in data.chain_leaves.get(chain_id, []) if data.nodes[n].is_core]
    covered_w, total_w, covered, _ = _weighted(data, core)
    reason = ""
    value: float | None = None
    if not core:
        reason = "该链未标注核心零部件节点"
    elif total_w <= 0:
        reason = "核心零部件节点权重全为 0"
    else:
        value = covered_w / total_w
    basis = f"{data.scope_label()}；核心零部件叶节点 {len(core)} 个，已覆盖 {covered} 个"
    return SupportingRate(
        chain_id=chain_id, kind=PROXY, label=LABELS[PROXY], value=value, numerator=covered_w,
        denominator=total_w, definition=f"{DEF_PROXY_RATE}；{_definition_covered(data)}",
        basis=basis, reason=reason,
    )


def supporting_rate(data: GapData, chain_id: Id) -> SupportingRate:
    """The supporting rate to show: the value-based rate when the chain's masters have
    valued purchases in the year, else the node-based proxy; `kind`/`label` say which,
    and a fallback's `basis` says why the value-based rate was not used."""
    by_value = value_supporting_rate(data, chain_id)
    if by_value.value is not None:
        return by_value
    proxy = proxy_supporting_rate(data, chain_id)
    return SupportingRate(
        chain_id=proxy.chain_id, kind=proxy.kind, label=proxy.label, value=proxy.value,
        numerator=proxy.numerator, denominator=proxy.denominator, definition=proxy.definition,
        basis=f"缺少采购额数据（{by_value.reason}），改用节点代理；{proxy.basis}",
        reason=proxy.reason,
    )
