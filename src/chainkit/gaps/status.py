"""Gap status per leaf node (缺链 / 短板 / 强链, 断点风险) and common parts / suppliers."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field

from ..errors import InputError
from .index import GapData
from .tables import Id, format_amount

__all__ = [
    "MISSING",
    "WEAK",
    "STRONG",
    "NodeGap",
    "GapResult",
    "CommonPart",
    "CommonPartsResult",
    "CommonSupplier",
    "CommonSuppliersResult",
    "gap_status",
    "common_parts",
    "common_suppliers",
    "DEF_GAP",
    "DEF_COMMON_PARTS",
    "DEF_COMMON_SUPPLIERS",
]

MISSING, WEAK, STRONG = "缺链", "短板", "强链"
DEF_GAP = ("缺链：叶节点无本地挂链企业；短板：有本地企业，但本地产出低于本地链主对该节点的需求，"
           "或低于设定的最低企业数/最低产出；强链：其余。断点风险：链主在该节点只由一家企业供应")
DEF_COMMON_PARTS = "共性配套节点：至少 {k} 家链主需要的节点（链主需求表中需求 > 0，或有该节点的供应关系）"
DEF_COMMON_SUPPLIERS = "共性供应商：向至少 {k} 家链主供货的企业（按当年供应关系）"


@dataclass(frozen=True)
class NodeGap:
    """Gap status of one leaf node. `demand` is the local masters' demand (元) and
    `demand_basis` where it came from; `reason` says why in Chinese words; `risk` is
    the 断点风险 text ("" when none); `master_suppliers` counts the distinct firms
    supplying the chain's masters on the node. `output_known` is False when the node has
    local firms but none has an output figure: `local_output` 0 is then no data (with
    no firm at all, 0 is a true 0)."""

    node_id: Id
    name: str
    is_core: bool
    weight: float
    status: str
    reason: str
    reasons: tuple[str, ...]
    local_firms: int
    local_output: float
    demand: float | None
    demand_basis: str
    masters_needing: int
    master_suppliers: int
    single_point: bool
    single_supplier_id: Id | None
    risk: str
    output_known: bool = True


@dataclass(frozen=True)
class GapResult:
    """Gap status of every leaf of a chain (map order) with the counts per status."""

    chain_id: Id
    nodes: tuple[NodeGap, ...]
    missing: int
    weak: int
    strong: int
    single_points: int
    definition: str
    basis: str


@dataclass
class _NodeTies:
    """What the chain's masters' supply ties say about one node."""

    suppliers: set[Id] = field(default_factory=set)
    masters: set[Id] = field(default_factory=set)
    local_master_value: float = 0.0
    local_master_valued: int = 0


def _ties_by_node(data: GapData, chain_id: Id) -> dict[Id, _NodeTies]:
    """Per node: suppliers and masters from the chain's masters' ties, and local masters' valued purchases."""
    # One pass over the chain's masters' ties (not over all ties) per chain.
    masters = data.masters.get(chain_id, [])
    out: dict[Id, _NodeTies] = defaultdict(_NodeTies)
    for master in masters:
        master_local = master in data.local_output
        for tie in data.ties_by_customer.get(master, ()):
            if tie.node_id is None:
                continue
            entry = out[tie.node_id]
            entry.suppliers.add(tie.supplier_id)
            entry.masters.add(master)
            if master_local and tie.value is not None:
                entry.local_master_value += tie.value
                entry.local_master_valued += 1
    return out


def _firm_label(data: GapData, firm_id: Id) -> str:
    """The firm's name, or its id when the name is unknown."""
    firm = data.firms.get(firm_id)
    return firm.name if firm is not None and firm.name else str(firm_id)


def _demand(data: GapData, node_id: Id, local_masters: list[Id], ties: _NodeTies | None
            ) -> tuple[float | None, str]:
    """Local masters' demand for a node: the demand table if it has rows for them, else
    their valued purchases on the node from supply ties, else None."""
    rows = data.demands.get(node_id, {})
    values = [rows[m] for m in local_masters if m in rows]
    if values:
        return sum(values), "链主需求表"
    if ties is not None and ties.local_master_valued:
        return ties.local_master_value, "链主采购额（供应关系）"
    return None, "无需求数据"


def gap_status(data: GapData, chain_id: Id) -> GapResult:
    """Status of each leaf node of a chain, by DESIGN §4:
    缺链 when no local firm qualifies on it (see coverage); 短板 when local firms exist
    but the local output on the node (each firm's output split over its qualifying
    links, see `attribution`) < the local masters' demand (demand table, else their valued
    purchases on the node), or the local firm count < min_count, or the output <
    min_output (node values override settings); 强链 otherwise. 断点风险 when the
    chain's masters are supplied on the node by exactly one firm (any supplier)."""
    settings = data.settings
    local_masters = [m for m in data.masters.get(chain_id, []) if m in data.local_output]
    ties = _ties_by_node(data, chain_id)
    items: list[NodeGap] = []
    for node_id in data.chain_leaves.get(chain_id, ()):
        node = data.nodes[node_id]
        n_local = len(data.node_firms.get(node_id, ()))
        output = data.node_output(node_id)
        node_ties = ties.get(node_id)
        demand, demand_basis = _demand(data, node_id, local_masters, node_ties)
        reasons: list[str] = []
        if n_local == 0:
            status = MISSING
            reasons.append("本地无挂链企业")
        else:
            if demand is not None and output < demand:
                reasons.append(f"本地产出 {format_amount(output)} 低于链主需求 {format_amount(demand)}")
            min_count = node.min_count if node.min_count is not None else settings.min_count
            if min_count is not None and n_local < min_count:
                reasons.append(f"本地企业 {n_local} 家，少于最低要求 {min_count} 家")
            min_output = node.min_output if node.min_output is not None else settings.min_output
            if min_output is not None and output < min_output:
                reasons.append(f"本地产出 {format_amount(output)} 低于最低规模 {format_amount(min_output)}")
            status = WEAK if reasons else STRONG
            if not reasons:
                tail = (f"，满足链主需求 {format_amount(demand)}" if demand is not None
                        else "（无链主需求数据）")
                reasons.append(f"本地企业 {n_local} 家，本地产出 {format_amount(output)}{tail}")
        suppliers = node_ties.suppliers if node_ties is not None else set()
        single = len(suppliers) == 1
        single_id = next(iter(suppliers)) if single else None
        risk = f"断点风险：链主在该节点仅由{_firm_label(data, single_id)}一家供应" if single else ""
        items.append(NodeGap(
            node_id=node_id, name=node.name, is_core=bool(node.is_core), weight=float(node.weight),
            status=status, reason="；".join(reasons), reasons=tuple(reasons), local_firms=n_local,
            local_output=output, demand=demand, demand_basis=demand_basis,
            masters_needing=len(node_ties.masters) if node_ties is not None else 0,
            master_suppliers=len(suppliers), single_point=single, single_supplier_id=single_id,
            risk=risk, output_known=n_local == 0 or data.output_known(data.node_firms[node_id]),
        ))
    masters = data.masters.get(chain_id, [])
    basis = (f"{data.scope_label()}；链主 {len(masters)} 家（本地 {len(local_masters)} 家），"
             f"叶节点 {len(items)} 个；企业产出按产品营收占比分配到所挂节点（无占比时均分）")
    return GapResult(
        chain_id=chain_id, nodes=tuple(items),
        missing=sum(1 for i in items if i.status == MISSING),
        weak=sum(1 for i in items if i.status == WEAK),
        strong=sum(1 for i in items if i.status == STRONG),
        single_points=sum(1 for i in items if i.single_point),
        definition=DEF_GAP, basis=basis,
    )


@dataclass(frozen=True)
class CommonPart:
    """A node needed by `count` of the chain's masters (ids in `masters`)."""

    node_id: Id
    name: str
    is_core: bool
    masters: tuple[Id, ...]
    count: int


@dataclass(frozen=True)
class CommonPartsResult:
    """Common parts of a chain, most-needed first."""

    chain_id: Id
    k: int
    items: tuple[CommonPart, ...]
    definition: str
    basis: str


@dataclass(frozen=True)
class CommonSupplier:
    """A firm supplying `count` of the chain's masters, on `node_ids`, for `value` 元
    (valued ties only)."""

    firm_id: Id
    name: str
    is_local: bool
    masters: tuple[Id, ...]
    count: int
    node_ids: tuple[Id, ...]
    value: float


@dataclass(frozen=True)
class CommonSuppliersResult:
    """Common suppliers of a chain's masters, most masters served first."""

    chain_id: Id
    k: int
    items: tuple[CommonSupplier, ...]
    definition: str
    basis: str


def _k(data: GapData, k: int | None) -> int:
    """The k to use: settings.common_k when None, else a validated int ≥ 1."""
    if k is None:
        return data.settings.common_k
    if isinstance(k, bool) or not isinstance(k, int) or k < 1:
        raise InputError(f"共性配套链主数 k 须为不小于 1 的整数，当前为 {k!r}")
    return k


def _ordered(ids: set[Id], order: list[Id]) -> tuple[Id, ...]:
    """`ids` in the order of `order` (the chain's master list)."""
    # Masters in the order the chain lists them, so the UI is stable.
    return tuple(m for m in order if m in ids)


def common_parts(data: GapData, chain_id: Id, k: int | None = None) -> CommonPartsResult:
    """Nodes of the chain (any level) needed by ≥ k of the chain's masters; a master
    needs a node when the demand table gives it a demand > 0 or it has a supply tie on
    the node in the year. k defaults to settings.common_k."""
    k = _k(data, k)
    masters = data.masters.get(chain_id, [])
    need: dict[Id, set[Id]] = defaultdict(set)
    for node_id, info in _ties_by_node(data, chain_id).items():
        need[node_id] |= info.masters
    master_set = set(masters)
    for node_id in data.chain_nodes.get(chain_id, ()):
        for master, value in data.demands.get(node_id, {}).items():
            if value > 0 and master in master_set:
                need[node_id].add(master)
    items = []
    for position, node_id in enumerate(data.chain_nodes.get(chain_id, ())):
        who = need.get(node_id, set())
        if len(who) >= k:
            node = data.nodes[node_id]
            items.append((position, CommonPart(node_id, node.name, bool(node.is_core),
                                               _ordered(who, masters), len(who))))
    items.sort(key=lambda pair: (-pair[1].count, pair[0]))
    return CommonPartsResult(
        chain_id=chain_id, k=k, items=tuple(item for _, item in items),
        definition=DEF_COMMON_PARTS.format(k=k),
        basis=f"{data.scope_label()}；链主 {len(masters)} 家，链主需求表与供应关系",
    )


def common_suppliers(data: GapData, chain_id: Id, k: int | None = None) -> CommonSuppliersResult:
    """Firms supplying ≥ k of the chain's masters in the year (any node; ties without a
    value still count as supplying). k defaults to settings.common_k."""
    k = _k(data, k)
    masters = data.masters.get(chain_id, [])
    served: dict[Id, set[Id]] = defaultdict(set)
    nodes: dict[Id, set[Id]] = defaultdict(set)
    value: dict[Id, float] = defaultdict(float)
    for master in masters:
        for tie in data.ties_by_customer.get(master, ()):
            served[tie.supplier_id].add(master)
            if tie.node_id is not None:
                nodes[tie.supplier_id].add(tie.node_id)
            if tie.value is not None:
                value[tie.supplier_id] += tie.value
    items = [
        CommonSupplier(
            firm_id=firm_id, name=_firm_label(data, firm_id), is_local=firm_id in data.local_output,
            masters=_ordered(who, masters), count=len(who),
            node_ids=tuple(sorted(nodes.get(firm_id, ()), key=lambda x: (type(x).__name__, str(x)))),
            value=value.get(firm_id, 0.0),
        )
        for firm_id, who in served.items() if len(who) >= k
    ]
    items.sort(key=lambda s: (-s.count, -s.value, type(s.firm_id).__name__, str(s.firm_id)))
    return CommonSuppliersResult(
        chain_id=chain_id, k=k, items=tuple(items), definition=DEF_COMMON_SUPPLIERS.format(k=k),
        basis=f"{data.scope_label()}；链主 {len(masters)} 家的供应关系",
    )
