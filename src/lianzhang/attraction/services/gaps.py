"""Which nodes are gaps to attract for: leaves of each chain's latest published map
that are 缺链 or 短板 by DESIGN §4, computed with `chainkit.gaps` through the
dashboards' loader; when that loader is unavailable, a leaf with no local firm linked
(confirmed, or auto-accepted) is 缺链."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Count, Q

from lianzhang.chains.models import Chain, ChainNode, MapVersion
from lianzhang.enterprises.choices import ACTIVE_STATUSES
from lianzhang.mapping.choices import LinkStatus

from ..choices import GapKind

__all__ = ["GapNode", "gap_nodes", "gap_kind_of", "latest_maps"]


@dataclass(frozen=True)
class GapNode:
    """A gap leaf and its kind (missing / weak) with the engine's reason."""

    node: ChainNode
    kind: str
    reason: str


def latest_maps(chains: list[Chain]) -> dict[int, MapVersion]:
    """The latest published map of each chain that has one."""
    out: dict[int, MapVersion] = {}
    for version in MapVersion.objects.filter(chain__in=chains, status="published").order_by(
            "chain_id", "-published_at", "-pk"):
        out.setdefault(version.chain_id, version)
    return out


def _leaves(maps: dict[int, MapVersion]) -> list[ChainNode]:
    nodes = ChainNode.objects.filter(map__in=list(maps.values())).annotate(
        n_children=Count("children")).filter(n_children=0).select_related("map__chain")
    return list(nodes.order_by("map__chain__name", "position"))


def _by_engine(chains: list[Chain], leaves: dict[int, ChainNode]) -> list[GapNode] | None:
    try:
        from chainkit import gaps as ck
        from lianzhang.dashboards.data import figure_year, load_gap_data
    except ImportError:  # the dashboards loader is optional for this app
        return None
    data = load_gap_data(chains, figure_year())
    kinds = {ck.MISSING: GapKind.MISSING, ck.WEAK: GapKind.WEAK}
    out = []
    for chain in chains:
        for item in ck.gap_status(data, chain.pk).nodes:
            node = leaves.get(int(item.node_id))
            if node is not None and item.status in kinds:
                out.append(GapNode(node, kinds[item.status], item.reason))
    return out


def _by_links(leaves: list[ChainNode]) -> list[GapNode]:
    covered = set(ChainNode.objects.filter(pk__in=[n.pk for n in leaves]).filter(
        Q(links__status__in=[LinkStatus.CONFIRMED, LinkStatus.AUTO]),
        links__enterprise__town__isnull=False,
        links__enterprise__status__in=ACTIVE_STATUSES).values_list("pk", flat=True))
    return [GapNode(n, GapKind.MISSING, "无本地挂链企业") for n in leaves if n.pk not in covered]


def gap_nodes(chain: Chain | None = None) -> list[GapNode]:
    """Gap leaves of one chain or of every chain with a published map."""
    chains = [chain] if chain is not None else list(Chain.objects.order_by("name"))
    maps = latest_maps(chains)
    chains = [c for c in chains if c.pk in maps]
    leaves = _leaves(maps)
    found = _by_engine(chains, {n.pk: n for n in leaves})
    return found if found is not None else _by_links(leaves)


def gap_kind_of(node: ChainNode) -> str:
    """The node's gap kind (缺链 / 短板) as the gap list computes it; "other" when the
    node is not a gap of its chain's latest published map (a lead may still target it)."""
    for gap in gap_nodes(node.map.chain):
        if gap.node.pk == node.pk:
            return gap.kind
    return GapKind.OTHER
