"""From the database to `chainkit.gaps` and back: load a chain's (or every chain's)
nodes, links, firms, masters and supply ties for a year, compute the §4 figures, and
cache the plain results under the data version (any audited write invalidates them).
Money in the database is 万元; the engine works in 元."""

from __future__ import annotations

import dataclasses
import datetime
from collections import defaultdict
from collections.abc import Iterable
from typing import Any

from django.conf import settings
from django.core.cache import cache
from django.db.models import FilteredRelation, Max, Q, Sum
from django.utils import timezone

from chainkit import gaps as ck
from lianzhang.chains.models import Chain, ChainMaster, ChainNode, MapVersion
from lianzhang.core.versioning import data_version
from lianzhang.enterprises.choices import ACTIVE_STATUSES
from lianzhang.enterprises.models import Enterprise, SupplyTie, YearlyFigure
from lianzhang.mapping.choices import LinkStatus
from lianzhang.mapping.models import NodeLink

__all__ = ["WAN", "gap_settings", "figure_year", "published_maps", "load_gap_data",
           "chain_summary", "town_lqs", "TAG_FIELDS"]

WAN = 10_000.0  # 万元 → 元
TAG_FIELDS = {"is_above_scale": "规上", "is_specialised": "专精特新", "is_little_giant": "小巨人",
              "is_high_tech": "高新技术", "is_gazelle": "瞪羚", "is_unicorn": "独角兽",
              "is_listed": "上市"}


def gap_settings() -> ck.GapSettings:
    """Thresholds from `LIANZHANG_GAP_SETTINGS` (a dict in settings), validated so
    nonsense values are refused with a message (chainkit.gaps.validate_settings)."""
    values = dict(getattr(settings, "LIANZHANG_GAP_SETTINGS", {}) or {})
    values.setdefault("auto_score_threshold", 0.6)  # the mapping run's auto-accept τ
    return ck.validate_settings(values)


def figure_year() -> int:
    """The latest year with firm figures or supply ties (last year when none)."""
    years = [YearlyFigure.objects.aggregate(y=Max("year"))["y"],
             SupplyTie.objects.aggregate(y=Max("year"))["y"]]
    years = [y for y in years if y]
    return max(years) if years else timezone.localdate().year - 1


def published_maps(chains: Iterable[Chain]) -> dict[int, MapVersion]:
    """The latest published map of each chain that has one."""
    out = {}
    for version in MapVersion.objects.filter(chain__in=list(chains), status="published").order_by(
            "chain_id", "-published_at", "-pk"):
        out.setdefault(version.chain_id, version)
    return out


FIRM_FIELDS = ["town_id", "status", "name", *TAG_FIELDS]


def load_gap_data(chains: list[Chain], year: int, towns: Iterable[int] | None = None
                  ) -> ck.GapData:
    """Index the chains' published-map nodes and everything hanging on them. The links
    query brings each linked firm's fields and its year's figures in the same join
    (one indexed pass); masters and suppliers without links are fetched by id."""
    maps = list(published_maps(chains).values())
    node_rows = list(ChainNode.objects.filter(map__in=maps).values_list(
        "pk", "map__chain_id", "parent_id", "name", "weight", "is_core"))
    link_rows = list(NodeLink.objects.filter(
        node__map__in=maps, status__in=[LinkStatus.CONFIRMED, LinkStatus.AUTO]).annotate(
        fig=FilteredRelation("enterprise__figures",
                             condition=Q(enterprise__figures__year=year))).values_list(
        "enterprise_id", "node_id", "status", "score",
        *[f"enterprise__{f}" for f in FIRM_FIELDS],
        "fig__output_value", "fig__revenue", "fig__rd_spend"))
    masters = list(ChainMaster.objects.filter(chain__in=chains).values_list("chain_id",
                                                                            "enterprise_id"))
    ties = list(SupplyTie.objects.filter(customer_id__in={m for _c, m in masters},
                                         year=year).values_list(
        "supplier_id", "customer_id", "node_id", "year", "annual_value"))
    firms: dict[int, ck.Firm] = {}
    for row in link_rows:
        if row[0] not in firms:
            firms[row[0]] = _firm(row[0], row[4:])
    missing = ({m for _c, m in masters} | {t[0] for t in ties}) - set(firms)
    for firm in _firms_by_id(missing, year):
        firms[firm.id] = firm
    return ck.index_tables(
        nodes=[ck.Node(id=pk, chain_id=chain, parent_id=parent, name=name, weight=weight,
                       is_core=core) for pk, chain, parent, name, weight, core in node_rows],
        links=[ck.Link(firm_id=r[0], node_id=r[1], status=r[2], score=r[3]) for r in link_rows],
        firms=list(firms.values()), masters=[ck.Master(chain_id=c, firm_id=m) for c, m in masters],
        ties=[ck.SupplyTie(supplier_id=s, customer_id=c, node_id=n, year=y,
                           value=float(v) * WAN if v is not None else None)
              for s, c, n, y, v in ties],
        year=year, towns=None if towns is None else set(towns), settings=gap_settings(),
        chains=[c.pk for c in chains])


def _firm(pk: int, values: tuple) -> ck.Firm:
    """A firm from (town, status, name, *flags, output, revenue, R&D) in 万元."""
    town, status, name, *rest = values
    flags, (output, revenue, rd) = rest[:len(TAG_FIELDS)], rest[len(TAG_FIELDS):]
    tags = tuple(label for label, on in zip(TAG_FIELDS.values(), flags, strict=True) if on)
    return ck.Firm(id=pk, town_id=town, active=status in ACTIVE_STATUSES, name=name,
                   output=float(output or 0) * WAN,
                   revenue=float(revenue) * WAN if revenue is not None else None,
                   rd_intensity=float(rd) / float(revenue) if rd and revenue else None,
                   tags=tags)


def _firms_by_id(ids: set[int], year: int) -> list[ck.Firm]:
    """Firms without links (masters, suppliers), in pieces (SQLite limits variables)."""
    out = []
    ordered = sorted(ids)
    for start in range(0, len(ordered), 5000):
        chunk = ordered[start:start + 5000]
        figures = {e: (o, r, rd) for e, o, r, rd in YearlyFigure.objects.filter(
            year=year, enterprise_id__in=chunk).values_list(
            "enterprise_id", "output_value", "revenue", "rd_spend")}
        for pk, *values in Enterprise.objects.filter(pk__in=chunk).values_list("pk", *FIRM_FIELDS):
            out.append(_firm(pk, (*values, *figures.get(pk, (None, None, None)))))
    return out


def _plain(value: Any) -> Any:
    if dataclasses.is_dataclass(value):
        return {k: _plain(v) for k, v in dataclasses.asdict(value).items()}
    if isinstance(value, dict):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_plain(v) for v in value]
    return value


def chain_summary(chain: Chain, towns: Iterable[int] | None = None) -> dict[str, Any]:
    """The chain's figures and per-node gaps as plain data, cached per data version."""
    town_key = ",".join(map(str, sorted(towns))) if towns is not None else "city"
    key = f"lianzhang:chain:{chain.pk}:{town_key}:{data_version()}"
    cached = cache.get(key)
    if cached is not None:
        return cached
    year = figure_year()
    data = load_gap_data([chain], year, towns)
    figures = ck.chain_figures(data, chain.pk)
    result = {
        "year": year, "computed_at": timezone.now().isoformat(), "figures": _plain(figures),
        "node_firms": {str(k): sorted(v) for k, v in data.node_firms.items()},
    }
    cache.set(key, result, 3600)
    return result


def town_lqs() -> ck.LQResult:
    """Location quotients of every town in every chain: chain output from the firms
    hanging on each chain's nodes, town output from all its active local firms. Cached
    per data version like the chain figures (it reads every chain's links)."""
    key = f"lianzhang:town-lqs:{data_version()}"
    cached = cache.get(key)
    if cached is not None:
        return cached
    result = _town_lqs()
    cache.set(key, result, 3600)
    return result


def _town_lqs() -> ck.LQResult:
    year = figure_year()
    chains = list(Chain.objects.all())
    data = load_gap_data(chains, year)
    outputs, _totals = ck.town_outputs_from_links(data)
    totals = defaultdict(float)
    for town, value in YearlyFigure.objects.filter(
            year=year, enterprise__town__isnull=False,
            enterprise__status__in=ACTIVE_STATUSES).values_list("enterprise__town").annotate(
            s=Sum("output_value")).values_list("enterprise__town", "s"):
        totals[town] += float(value or 0) * WAN
    return ck.location_quotients(outputs, [ck.TownTotal(t, v) for t, v in totals.items()],
                                 chains=[c.pk for c in chains])


def today() -> datetime.date:
    """The as-of date shown with figures."""
    return timezone.localdate()
