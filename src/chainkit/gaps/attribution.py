"""How a firm's output is split over the chain nodes it hangs on (挂链).

A firm hung on several nodes makes several things; counting its whole output on each
node would count it several times, and splitting it evenly credits a product worth 8 %
of its revenue with a quarter of it. So where the firm's products carry revenue shares,
each share goes to the linked node the product belongs to:

- a product belongs to a linked node when the node's name or one of its keywords
  appears in the product's name (normalised text); the longest such term wins, and a
  product matching several nodes equally well is split evenly between them;
- a matched node gets output × the shares of its products;
- linked nodes no product matches share evenly what the known shares leave over
  (1 − their sum, at least 0); shares summing over 1 are scaled down to sum to 1;
- products matching no linked node are made off the map: that part of the output is
  on no node;
- a firm with no shares, or none of whose products matches a linked node, has its
  output split evenly over its linked nodes (the stated fallback).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable

from ..errors import InputError
from ..text import normalize
from .tables import Id, Node, Product

__all__ = ["node_terms", "split_output", "firm_shares", "DEF_SPLIT"]

DEF_SPLIT = ("企业产出按其产品营收占比分配到所挂节点（产品名含节点名称或关键词即归该节点）；"
             "未对应产品的节点均分其余占比；无营收占比或产品均未对应所挂节点的企业按所挂节点均分")


def node_terms(nodes: Iterable[Node]) -> dict[Id, tuple[str, ...]]:
    """Each node's normalised name and keywords, longest first (the match terms)."""
    out = {}
    for node in nodes:
        terms = {normalize(t) for t in (node.name, *node.keywords)} - {""}
        out[node.id] = tuple(sorted(terms, key=len, reverse=True))
    return out


def firm_shares(products: Iterable[Product]) -> dict[Id, list[tuple[str, float]]]:
    """(normalised name, share) of each firm's products that carry a share; a share
    outside 0–1 raises InputError naming the product."""
    out: dict[Id, list[tuple[str, float]]] = defaultdict(list)
    for product in products:
        share = product.share
        if isinstance(share, bool) or not isinstance(share, int | float) or not 0 <= share <= 1:
            raise InputError(f"产品“{product.name}”的营收占比须在 0 到 1 之间，当前为 {share!r}")
        out[product.firm_id].append((normalize(product.name), float(share)))
    return dict(out)


def split_output(output: float, linked: list[Id], shares: list[tuple[str, float]],
                 terms: dict[Id, tuple[str, ...]]) -> dict[Id, float] | None:
    """The firm's output on each of its `linked` nodes by its product `shares` (see the
    module text), or None when no product matches a linked node (split evenly then)."""
    by_node: dict[Id, float] = defaultdict(float)
    total = sum(share for _name, share in shares)
    scale = 1 / total if total > 1 else 1.0
    for name, share in shares:
        best, length = [], 0
        for node_id in linked:
            hit = next((len(t) for t in terms.get(node_id, ()) if t in name), 0)
            if hit and hit >= length:
                best, length = ([*best, node_id] if hit == length else [node_id]), hit
        for node_id in best:
            by_node[node_id] += share * scale / len(best)
    if not by_node:
        return None
    rest = [node_id for node_id in linked if node_id not in by_node]
    left = max(0.0, 1 - total * scale)
    for node_id in rest:
        by_node[node_id] = left / len(rest)
    return {node_id: output * by_node[node_id] for node_id in linked}
