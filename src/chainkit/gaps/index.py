"""Index the input tables once so every chain's figures are dict look-ups, not scans.

A city has ~1,000,000 links and 300,000 firms; every metric touches them, so they
are read exactly once here (one pass each, no quadratic loops) and grouped by node,
firm and customer. One index = one year and one scope (the city or some towns).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Collection, Iterable
from dataclasses import dataclass, field

from ..errors import InputError
from .attribution import firm_shares, node_terms, split_output
from .tables import (
    Demand,
    Firm,
    GapSettings,
    Id,
    Link,
    Master,
    Node,
    Product,
    SupplyTie,
    coerce_row,
    coerce_rows,
    validate_settings,
)

__all__ = ["GapData", "index_tables"]


@dataclass
class GapData:
    """The indexed tables for one year and one scope. Build with `index_tables`.

    `local_output` holds exactly the local firms (active, town in scope) → output (0
    when unknown); `with_output` those of them whose output figure is known;
    `node_firms` the local firms whose link qualifies (confirmed, or auto with score ≥
    threshold); `firm_links` how many qualifying links each local firm has;
    `firm_node_output` the output per linked node of the firms whose product revenue
    shares split it (see `attribution`; the others' output is split evenly over their
    links); `node_outputs` the resulting local output per node."""

    settings: GapSettings
    year: int | None
    towns: frozenset[Id] | None
    nodes: dict[Id, Node]
    chains: list[Id]
    chain_nodes: dict[Id, list[Id]]
    chain_leaves: dict[Id, list[Id]]
    firms: dict[Id, Firm]
    local_output: dict[Id, float]
    with_output: set[Id]
    node_firms: dict[Id, set[Id]]
    node_confirmed: dict[Id, int]
    firm_links: dict[Id, int]
    firm_node_output: dict[Id, dict[Id, float]]
    node_outputs: dict[Id, float]
    masters: dict[Id, list[Id]]
    demands: dict[Id, dict[Id, float]]
    ties_by_customer: dict[Id, list[SupplyTie]]
    counts: dict[str, int] = field(default_factory=dict)

    def is_local(self, firm_id: Id) -> bool:
        """True when the firm is local (active, town inside the scope)."""
        return firm_id in self.local_output

    def scope_label(self) -> str:
        """Chinese label of the scope and year, for `basis` texts."""
        scope = "全市" if self.towns is None else f"镇街 {'、'.join(map(str, sorted(self.towns, key=str)))}"
        year = "全部年份" if self.year is None else f"{self.year}年"
        return f"{scope}，{year}"

    def node_output(self, node_id: Id) -> float:
        """Local output on a node: each qualifying local firm's output split over its
        qualifying links (a firm's output is counted at most once in the city)."""
        return self.node_outputs.get(node_id, 0.0)

    def output_known(self, firm_ids: Iterable[Id]) -> bool:
        """True when at least one of the firms has a known output figure: a sum over
        firms none of which reported one is no data, not zero."""
        with_output = self.with_output
        return any(firm_id in with_output for firm_id in firm_ids)

    def attributed(self, firm_id: Id, node_id: Id) -> float:
        """The part of a local firm's output on one of its linked nodes: by its product
        shares where they apply, else its output split evenly over its links."""
        split = self.firm_node_output.get(firm_id)
        if split is not None:
            return split.get(node_id, 0.0)
        return self.local_output[firm_id] / self.firm_links[firm_id]


def _index_nodes(nodes: list[Node]) -> tuple[dict[Id, Node], dict[Id, list[Id]], dict[Id, list[Id]]]:
    """Nodes by id, node ids per chain and leaf ids per chain; validates the tree."""
    by_id: dict[Id, Node] = {}
    for node in nodes:
        if node.id in by_id:
            raise InputError(f"节点编号重复：{node.id}")
        if isinstance(node.weight, bool) or not isinstance(node.weight, int | float) or not node.weight >= 0:
            raise InputError(f"节点“{node.name or node.id}”的权重须为不小于 0 的数字，当前为 {node.weight!r}")
        for key, label in (("min_count", "最低本地企业数"), ("min_output", "最低本地产出")):
            limit = getattr(node, key)
            if limit is not None and (isinstance(limit, bool) or not isinstance(limit, int | float)
                                      or not limit >= 0):
                raise InputError(f"节点“{node.name or node.id}”的{label}须为不小于 0 的数字，当前为 {limit!r}")
        by_id[node.id] = node
    has_child: set[Id] = set()
    chain_nodes: dict[Id, list[Id]] = defaultdict(list)
    for node in nodes:
        chain_nodes[node.chain_id].append(node.id)
        if node.parent_id is None:
            continue
        parent = by_id.get(node.parent_id)
        if parent is None:
            raise InputError(f"节点“{node.name or node.id}”的上级节点 {node.parent_id} 不存在")
        if parent.chain_id != node.chain_id:
            raise InputError(f"节点“{node.name or node.id}”与其上级节点不属于同一产业链")
        has_child.add(node.parent_id)
    leaves = {chain: [n for n in ids if n not in has_child] for chain, ids in chain_nodes.items()}
    return by_id, dict(chain_nodes), leaves


def index_tables(
    nodes: Iterable[Node | dict],
    links: Iterable[Link | dict | tuple] = (),
    firms: Iterable[Firm | dict] = (),
    masters: Iterable[Master | dict] = (),
    demands: Iterable[Demand | dict] = (),
    ties: Iterable[SupplyTie | dict] = (),
    *,
    year: int | None = None,
    towns: Collection[Id] | None = None,
    settings: GapSettings | dict | None = None,
    chains: Iterable[Id] = (),
    products: Iterable[Product | dict] = (),
) -> GapData:
    """Index the tables for one `year` (ties of other years or with no year, and demands
    of other years, are dropped; None = all years) and one scope (`towns` None = the whole city: any firm with a
    town; else only firms in those towns are local). `chains` names chains that have
    no nodes or masters yet, so their (empty) figures still appear. `products` (with
    revenue shares) split a firm's output over its linked nodes (see `attribution`).

    A link may also be a plain tuple (firm_id, node_id, status, score), as read from a
    database cursor. Links to nodes not in `nodes` are ignored (the caller may pass a
    subset of chains); a link status other than confirmed/auto/rejected, a negative
    value or weight, a duplicate or dangling node raises InputError."""
    cfg = validate_settings(settings)
    node_list = coerce_rows(nodes, Node)
    by_id, chain_nodes, chain_leaves = _index_nodes(node_list)
    scope = None if towns is None else frozenset(towns)

    firm_by_id: dict[Id, Firm] = {}
    local_output: dict[Id, float] = {}
    with_output: set[Id] = set()
    for firm in coerce_rows(firms, Firm):
        firm_by_id[firm.id] = firm
        town = firm.town_id
        if firm.active and town is not None and (scope is None or town in scope):
            local_output[firm.id] = float(firm.output or 0.0)
            if firm.output is not None:
                with_output.add(firm.id)

    # The hot loop (a million links): one set.add per qualifying link, no tuples built.
    # Confirmed and auto firms go to separate sets so the UI can say how many are confirmed.
    threshold = cfg.auto_score_threshold
    confirmed_sets: dict[Id, set[Id]] = {node_id: set() for node_id in by_id}
    auto_sets: dict[Id, set[Id]] = {node_id: set() for node_id in by_id}
    n_links = n_rejected = 0
    for link in links:
        if type(link) is tuple:
            # Plain rows straight from a database cursor: building a Link per row
            # would cost about as much as the rest of this loop.
            try:
                firm_id, node_id, status, score = link
            except ValueError:
                raise InputError(f"第{n_links + 1}条挂链应为（企业, 节点, 状态, 分数）四项，"
                                 f"当前为 {link!r}") from None
        else:
            if type(link) is not Link:
                link = coerce_row(link, Link, n_links)
            firm_id, node_id, status, score = link.firm_id, link.node_id, link.status, link.score
        n_links += 1
        if status == "confirmed":
            target = confirmed_sets
        elif status == "auto":
            if score is None or score < threshold:
                continue
            target = auto_sets
        elif status == "rejected":
            n_rejected += 1
            continue
        else:
            raise InputError(f"第{n_links}条挂链的状态“{status}”无效（应为 confirmed/auto/rejected）")
        if firm_id in local_output:
            members = target.get(node_id)
            if members is not None:  # links to nodes outside the given chains are ignored
                members.add(firm_id)
    node_firms: dict[Id, set[Id]] = {}
    node_confirmed: dict[Id, int] = {}
    for node_id, confirmed in confirmed_sets.items():
        auto = auto_sets[node_id]
        if confirmed or auto:
            node_firms[node_id] = confirmed | auto if auto else confirmed
            node_confirmed[node_id] = len(confirmed)
    firm_links: dict[Id, int] = defaultdict(int)
    shares = firm_shares(coerce_rows(products, Product))
    linked: dict[Id, list[Id]] = defaultdict(list)  # only firms with product shares
    for node_id, members in node_firms.items():
        for firm_id in members:
            firm_links[firm_id] += 1
            if firm_id in shares:
                linked[firm_id].append(node_id)
    terms = node_terms(node_list) if linked else {}
    firm_node_output = {}
    for firm_id, node_ids in linked.items():
        split = split_output(local_output[firm_id], node_ids, shares[firm_id], terms)
        if split is not None:
            firm_node_output[firm_id] = split
    # Other firms' output is split equally over their qualifying links; summing the
    # parts once here keeps every later figure a dict look-up.
    share = {firm_id: local_output[firm_id] / count for firm_id, count in firm_links.items()}
    node_outputs = {node_id: sum(map(share.__getitem__, members))
                    for node_id, members in node_firms.items()}
    for firm_id, split in firm_node_output.items():  # few firms: correct their even parts
        for node_id, part in split.items():
            node_outputs[node_id] += part - share[firm_id]

    master_map: dict[Id, list[Id]] = defaultdict(list)
    for master in coerce_rows(masters, Master):
        if master.firm_id not in master_map[master.chain_id]:
            master_map[master.chain_id].append(master.firm_id)

    demand_map: dict[Id, dict[Id, float]] = defaultdict(dict)
    for i, demand in enumerate(coerce_rows(demands, Demand)):
        if demand.year is not None and year is not None and demand.year != year:
            continue
        value = demand.value
        if isinstance(value, bool) or not isinstance(value, int | float) or not value >= 0:
            raise InputError(f"第{i + 1}条链主需求的金额须为不小于 0 的数字，当前为 {value!r}")
        per_node = demand_map[demand.node_id]
        per_node[demand.master_id] = per_node.get(demand.master_id, 0.0) + float(value)

    ties_by_customer: dict[Id, list[SupplyTie]] = defaultdict(list)
    n_ties = 0
    for i, tie in enumerate(coerce_rows(ties, SupplyTie)):
        if year is not None and tie.year != year:
            continue
        value = tie.value
        if value is not None and (isinstance(value, bool) or not isinstance(value, int | float)
                                  or not value >= 0):
            raise InputError(f"第{i + 1}条供应关系的年采购额须为不小于 0 的数字，当前为 {value!r}")
        if tie.supplier_id == tie.customer_id:
            continue  # a firm supplying itself is not a purchase
        ties_by_customer[tie.customer_id].append(tie)
        n_ties += 1

    chain_ids = list(dict.fromkeys([*chain_nodes, *master_map, *chains]))
    return GapData(
        settings=cfg, year=year, towns=scope, nodes=by_id, chains=chain_ids,
        chain_nodes=chain_nodes, chain_leaves=chain_leaves, firms=firm_by_id,
        local_output=local_output, with_output=with_output, node_firms=node_firms, node_confirmed=node_confirmed,
        firm_links=dict(firm_links), firm_node_output=firm_node_output, node_outputs=node_outputs,
        masters=dict(master_map), demands=dict(demand_map),
        ties_by_customer=dict(ties_by_customer),
        counts={"links": n_links, "rejected": n_rejected, "ties": n_ties,
                "firms": len(firm_by_id), "local_firms": len(local_output)},
    )
