"""Recommendations in the app: the outside firms of the registry become a
`chainkit.recommend.PoolIndex` (cached per process, rebuilt when the pool changed),
a gap node becomes a `GapQuery`, and the ranked firms are saved as `Recommendation`
rows with their factor breakdown and matched products."""

from __future__ import annotations

import threading
from collections import defaultdict
from collections.abc import Callable, Iterable
from typing import Any

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured, ValidationError
from django.db import transaction
from django.db.models import Count, Max, Q
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from chainkit.errors import InputError
from chainkit.recommend import Filters, Firm, GapQuery, PoolIndex, Weights
from chainkit.recommend import Recommendation as Ranked
from lianzhang.chains.models import ChainMaster, ChainNode
from lianzhang.core.audit import audited_bulk_create, audited_bulk_update
from lianzhang.enterprises.choices import ACTIVE_STATUSES
from lianzhang.enterprises.models import Enterprise, Product, SupplyTie, YearlyFigure

from ..models import Lead, Recommendation

__all__ = ["FACTOR_LABELS", "MATCH_LABELS", "RecommendationRefused", "recommend_weights",
           "pool_index", "check_gap_node", "gap_query", "recommend_for_node", "save_ranked",
           "refresh_node", "distance_band", "TOP_K"]

TOP_K = 20

FACTOR_LABELS = {
    "product_match": gettext_lazy("product match"),
    "scale": gettext_lazy("scale"),
    "growth": gettext_lazy("growth"),
    "local_supply": gettext_lazy("supplies local chain masters"),
    "listing_tags": gettext_lazy("listing and tags"),
    "distance": gettext_lazy("distance"),
}
MATCH_LABELS = {
    "exact": gettext_lazy("same product"), "head-final": gettext_lazy("a kind of it"),
    "sub-product": gettext_lazy("sub-product"), "generic-suffix": gettext_lazy("product line"),
    "modifier": gettext_lazy("related product"), "broader": gettext_lazy("broader product"),
}
# Registry flags → the tag names the engine values (PoolIndex.DEFAULT_VALUED_TAGS).
FLAG_TAGS = {"is_specialised": "专精特新", "is_little_giant": "小巨人",
             "is_high_tech": "高新技术企业", "is_gazelle": "瞪羚", "is_unicorn": "独角兽",
             "is_above_scale": "规上"}
# Distance bands from Qingdao by the region's name: the city, the province, the
# neighbouring eastern provinces, the rest of the country (unknown → no points).
NEAR_PROVINCES = ("江苏", "浙江", "上海", "北京", "天津", "河北", "河南", "安徽", "辽宁")


class RecommendationRefused(ValidationError):
    """A recommendation request the app refuses (message in the user's language)."""


def recommend_weights() -> Weights:
    """Weights from `settings.LIANZHANG_RECOMMEND_WEIGHTS` (a partial dict; the engine's
    defaults otherwise), validated: unknown names, negatives or all zeros are refused."""
    raw = getattr(settings, "LIANZHANG_RECOMMEND_WEIGHTS", None)
    if raw is not None and not isinstance(raw, dict):
        raise ImproperlyConfigured("LIANZHANG_RECOMMEND_WEIGHTS 必须是字典（因素名 → 权重）")
    try:
        weights = Weights.from_mapping(raw)
    except (InputError, TypeError) as exc:
        raise ImproperlyConfigured(f"LIANZHANG_RECOMMEND_WEIGHTS：{exc}") from None
    if sum(weights.as_dict().values()) <= 0:
        raise ImproperlyConfigured("LIANZHANG_RECOMMEND_WEIGHTS：权重之和必须大于 0")
    return weights


def distance_band(region: str) -> int | None:
    """0 Qingdao, 1 Shandong, 2 a neighbouring eastern province, 3 elsewhere."""
    region = (region or "").strip()
    if not region:
        return None
    if "青岛" in region:
        return 0
    if region.startswith(("山东", "济南", "烟台", "潍坊", "威海", "日照", "临沂", "淄博")):
        return 1
    return 2 if region.startswith(NEAR_PROVINCES) else 3


def _pool_firms() -> Any:
    return Enterprise.objects.filter(town__isnull=True, status__in=ACTIVE_STATUSES)


def _pool_version() -> tuple:
    """Changes when an outside firm, its products, figures or supply ties change."""
    firms = _pool_firms().aggregate(n=Count("pk"), t=Max("last_updated"))
    outside = Q(enterprise__town__isnull=True)
    products = Product.objects.filter(outside).aggregate(n=Count("pk"), t=Max("last_updated"))
    figures = YearlyFigure.objects.filter(outside).aggregate(n=Count("pk"),
                                                             t=Max("last_updated"))
    ties = SupplyTie.objects.aggregate(n=Count("pk"), t=Max("last_updated"))
    return tuple(d[k] for d in (firms, products, figures, ties) for k in ("n", "t"))


def _build_pool() -> PoolIndex:
    firms = list(_pool_firms().values_list("pk", "name", "region_name", "is_listed",
                                            *FLAG_TAGS).order_by("pk"))
    ids = [f[0] for f in firms]
    products: dict[int, list[tuple[str, float | None]]] = defaultdict(list)
    for firm_id, name, share in Product.objects.filter(enterprise_id__in=ids).order_by(
            "enterprise_id", "-revenue_share", "name").values_list(
            "enterprise_id", "name", "revenue_share"):
        products[firm_id].append((name, float(share) if share is not None else None))
    revenue: dict[int, list[tuple[int, float]]] = defaultdict(list)
    for firm_id, year, value in YearlyFigure.objects.filter(
            enterprise_id__in=ids, revenue__isnull=False).order_by(
            "enterprise_id", "-year").values_list("enterprise_id", "year", "revenue"):
        revenue[firm_id].append((year, float(value)))
    masters = set(ChainMaster.objects.filter(enterprise__town__isnull=False).values_list(
        "enterprise_id", flat=True))
    supplies: dict[int, set[int]] = defaultdict(set)
    for supplier, customer in SupplyTie.objects.filter(
            supplier_id__in=ids, customer_id__in=masters).values_list("supplier_id",
                                                                      "customer_id"):
        supplies[supplier].add(customer)
    tags: dict[int, list[str]] = defaultdict(list)
    for firm_id, tag in Enterprise.tags.through.objects.filter(
            enterprise_id__in=ids).values_list("enterprise_id", "tag__name"):
        tags[firm_id].append(tag)
    pool = []
    for pk, name, region, listed, *flags in firms:
        items = products.get(pk, [])
        years = revenue.get(pk, [])
        growth = None
        if len(years) >= 2 and years[1][1] > 0 and years[0][0] == years[1][0] + 1:
            growth = years[0][1] / years[1][1] - 1
        flag_tags = [t for t, on in zip(FLAG_TAGS.values(), flags, strict=True) if on]
        pool.append(Firm(
            id=str(pk), name=name, products=tuple(n for n, _s in items),
            weights=tuple(s for _n, s in items), region=region or "",
            revenue=years[0][1] if years else None, growth=growth,
            tags=tuple(flag_tags + tags.get(pk, [])), listed=bool(listed),
            supplies_local=len(supplies.get(pk, ())), distance_band=distance_band(region)))
    return PoolIndex.build(pool)


_cache: dict[str, Any] = {}
_lock = threading.Lock()


def pool_index() -> PoolIndex:
    """The process-wide index of outside firms, rebuilt when the pool changed."""
    version = _pool_version()
    with _lock:
        if _cache.get("version") != version:
            _cache["index"] = _build_pool()
            _cache["version"] = version
        return _cache["index"]


def check_gap_node(node: ChainNode) -> None:
    """Recommendations are made for leaves of a chain's current published map only."""
    version = node.map
    if version.status != "published":
        raise RecommendationRefused(_(
            "“%(node)s” is in a draft map; recommendations are made only for nodes of a "
            "published map.") % {"node": node.name})
    current = version.chain.published_map()
    if current is not None and current.pk != version.pk:
        raise RecommendationRefused(_(
            "“%(node)s” belongs to map version %(old)s, which has been replaced by version "
            "%(new)s; use the node of the current map.") % {
                "node": node.name, "old": version.version, "new": current.version})
    children = list(node.children.order_by("position").values_list("name", flat=True))
    if children:
        raise RecommendationRefused(_(
            "“%(node)s” is not a leaf node; recommendations are made for a part that can be "
            "attracted: choose one of %(children)s.") % {
                "node": node.name, "children": "、".join(children)})


def gap_query(node: ChainNode) -> GapQuery:
    """The node as an engine query: its name and keywords."""
    keywords = tuple(k.strip() for k in node.keywords if k and k.strip() and k != node.name)
    return GapQuery(name=node.name, keywords=keywords, qid=str(node.pk))


def _excluded(node: ChainNode) -> set[str]:
    """Firms already a lead for the node (any stage: a dropped lead was already tried)."""
    ids = Lead.objects.filter(Q(node=node) | Q(extra_nodes=node)).values_list(
        "enterprise_id", flat=True)
    return {str(i) for i in ids}


def recommend_for_node(node: ChainNode, top_k: int = TOP_K,
                       filters: dict[str, Any] | None = None,
                       index: PoolIndex | None = None) -> list[Ranked]:
    """Ranked outside firms for a gap node (refused for a non-leaf or unpublished node)."""
    check_gap_node(node)
    index = index if index is not None else pool_index()
    try:
        chosen = Filters.from_mapping(filters or {})
    except (InputError, TypeError) as exc:
        raise RecommendationRefused(str(exc)) from None
    return index.recommend(gap_query(node), top_k=top_k, weights=recommend_weights(),
                           filters=chosen.excluding(_excluded(node)))


def save_ranked(node: ChainNode, ranked: Iterable[Ranked],
                weights: Weights | None = None) -> list[Recommendation]:
    """Store a node's ranked list: update rows of firms still listed, add new ones and
    mark the others not current (leads may refer to them). Audited bulk writes."""
    weights = weights or recommend_weights()
    ranked = list(ranked)
    existing = {r.enterprise_id: r for r in Recommendation.objects.filter(node=node)}
    create, update = [], []
    for item in ranked:
        data = item.to_dict()
        values = {"rank": item.rank, "score": round(item.score, 6), "factors": data["factors"],
                  "matched": data["matched"], "weights": weights.as_dict(), "is_current": True}
        row = existing.pop(int(item.id), None)
        if row is None:
            create.append(Recommendation(node=node, enterprise_id=int(item.id), **values))
        elif any(getattr(row, k) != v for k, v in values.items()):
            for key, value in values.items():
                setattr(row, key, value)
            update.append(row)
    for row in existing.values():
        if row.is_current and not row.manual:
            row.is_current = False
            update.append(row)
    with transaction.atomic():
        audited_bulk_create(Recommendation, create)
        audited_bulk_update(Recommendation, update, ["rank", "score", "factors", "matched",
                                                     "weights", "is_current"])
    return list(Recommendation.objects.filter(node=node, is_current=True).select_related(
        "enterprise").order_by("rank"))


def refresh_node(node: ChainNode, top_k: int = TOP_K,
                 filters: dict[str, Any] | None = None) -> list[Recommendation]:
    """Compute and store a node's recommendations."""
    return save_ranked(node, recommend_for_node(node, top_k, filters))


def refresh_many(nodes: list[ChainNode], top_k: int = TOP_K,
                 progress: Callable[[int, int], None] | None = None) -> dict[str, int]:
    """The batch: every given gap node against one index build; progress per node."""
    index = pool_index()
    weights = recommend_weights()
    saved = 0
    for done, node in enumerate(nodes, start=1):
        ranked = index.recommend(gap_query(node), top_k=top_k, weights=weights,
                                 filters=Filters(exclude_ids=frozenset(_excluded(node))))
        saved += len(save_ranked(node, ranked, weights))
        if progress is not None:
            progress(done, len(nodes))
    return {"nodes": len(nodes), "recommendations": saved, "pool": len(index)}
