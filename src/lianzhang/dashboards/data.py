"""From the database to `chainkit.gaps` and back: load a chain's (or every chain's)
nodes, links, firms, masters and supply ties for a year, compute the §4 figures, and
cache the plain results under the data version (an audited write invalidates them;
a write to node links only its chain's figures, see `scopes`).
Money in the database is 万元; the engine works in 元."""

from __future__ import annotations

import dataclasses
import datetime
import logging
import threading
import time
from collections import defaultdict
from collections.abc import Iterable
from itertools import compress
from operator import itemgetter
from typing import Any

from django.conf import settings
from django.core.cache import cache
from django.db import connection, connections
from django.db.models import Max, Model, Sum
from django.utils import timezone

from chainkit import gaps as ck
from chainkit.runtime import gc_paused
from lianzhang.chains.models import LATEST_FIRST, Chain, ChainMaster, ChainNode, MapVersion
from lianzhang.core.versioning import data_version, scoped_version
from lianzhang.enterprises.choices import ACTIVE_STATUSES
from lianzhang.enterprises.models import Enterprise, Product, SupplyTie, YearlyFigure
from lianzhang.mapping.choices import LinkStatus
from lianzhang.mapping.models import NodeLink

from .scopes import chain_scope

__all__ = ["WAN", "gap_settings", "figure_year", "published_maps", "load_gap_data",
           "chain_summary", "refresh_summary", "start_refresh", "town_lqs", "TAG_FIELDS"]

logger = logging.getLogger(__name__)

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
            "chain_id", *LATEST_FIRST):
        out.setdefault(version.chain_id, version)
    return out


FIRM_FIELDS = ["town_id", "status", "name", *TAG_FIELDS]
FIGURE_FIELDS = ["output_value", "revenue", "rd_spend"]
QUALIFYING = [LinkStatus.CONFIRMED.value, LinkStatus.AUTO.value]
CHUNK = 5000  # ids per IN (...) list; SQLite limits the number of variables


def load_gap_data(chains: list[Chain], year: int, towns: Iterable[int] | None = None,
                  *, details: bool = False) -> ck.GapData:
    """Index the chains' published-map nodes and everything hanging on them.

    One chain's links are read by node id from the covering (node, status, enterprise,
    score) index, so it reads only its own ~1/24 of them instead of every link joined
    to its node (every chain's: one pass over the table, see `_link_rows`); they come
    as bare (firm, node, status, score) rows that the engine takes as they are.
    The linked firms, masters and suppliers are then read once each by id, with their
    year's figures and their products' revenue shares (which split a firm's output
    over the nodes it hangs on). Link and firm rows skip the ORM (see `_select`).

    Masters and suppliers come with name and tags; other linked firms only with town,
    status and figures unless `details` (the chain figures name only masters and
    suppliers; the chain-master shortlist, which ranks linked firms, needs details)."""
    # Building a million tuples, firms and sets: see gc_paused.
    with gc_paused():
        return _load(chains, year, towns, details)


def _load(chains: list[Chain], year: int, towns: Iterable[int] | None, details: bool
          ) -> ck.GapData:
    maps = list(published_maps(chains).values())
    node_rows = list(ChainNode.objects.filter(map__in=maps).order_by().values_list(
        "pk", "map__chain_id", "parent_id", "name", "weight", "is_core", "keywords"))
    link_rows = _link_rows({row[0] for row in node_rows})
    masters = list(ChainMaster.objects.filter(chain__in=chains).values_list("chain_id",
                                                                            "enterprise_id"))
    year_col = _table(SupplyTie, "year")[1]
    ties = _by_id(SupplyTie, "customer", ["supplier", "node", "year", "annual_value"],
                  {m for _c, m in masters}, f"{year_col} = %s", (year,))
    named = {m for _c, m in masters} | {t[1] for t in ties}
    ids = set(map(itemgetter(0), link_rows)) | named
    share_col = _table(Product, "revenue_share")[1]
    products = [ck.Product(firm, name, float(share)) for firm, name, share in _by_id(
        Product, "enterprise", ["name", "revenue_share"], ids, f"{share_col} IS NOT NULL")]
    return ck.index_tables(
        nodes=[ck.Node(id=pk, chain_id=chain, parent_id=parent, name=name, weight=weight,
                       is_core=core, keywords=tuple(_keywords(words)))
               for pk, chain, parent, name, weight, core, words in node_rows],
        products=products,
        links=link_rows, firms=_firms_by_id(ids, year, None if details else named),
        masters=[ck.Master(chain_id=c, firm_id=m) for c, m in masters],
        ties=[ck.SupplyTie(supplier_id=s, customer_id=c, node_id=n, year=y,
                           value=float(v) * WAN if v is not None else None)
              for c, s, n, y, v in ties],
        year=year, towns=None if towns is None else set(towns), settings=gap_settings(),
        chains=[c.pk for c in chains])


def _keywords(value: Any) -> list[str]:
    """A node's keywords as a list of strings (the JSON field may hold anything)."""
    return [str(w) for w in value if w] if isinstance(value, list) else []


def _chunks(ids: list[int], size: int = CHUNK) -> Iterable[list[int]]:
    for start in range(0, len(ids), size):
        yield ids[start:start + size]


def _table(model: type[Model], *fields: str) -> list[str]:
    """The quoted table name and column names of `model` (SQL below stays in step
    with the models instead of spelling their tables out)."""
    quote = connection.ops.quote_name
    return [quote(model._meta.db_table),
            *[quote(model._meta.get_field(f).column) for f in fields]]


def _select(sql: str, params: list[Any]) -> list[tuple]:
    """Rows straight from the cursor. The ORM's per-row converters (Decimal quantising,
    booleans) and its per-id parameter handling cost more than the queries themselves
    on a city's links and firms; callers convert the few columns that need it."""
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchall()


def _placeholders(n: int) -> str:
    return ", ".join(["%s"] * n)


def _link_rows(node_ids: set[int]) -> list[tuple]:
    """(firm, node, status, score) of the qualifying links on the nodes. A few chains'
    nodes are read from the covering (node, status, enterprise, score) index; for most of the nodes (every
    chain: the town and gap pages) one pass over the table is 2–3× faster than
    hopping through the index, and links to other nodes are dropped here."""
    table, firm, node, status, score = _table(NodeLink, "enterprise", "node", "status", "score")
    sql = f"SELECT {firm}, {node}, {status}, {score} FROM {table} WHERE {status} IN (%s, %s)"
    total = ChainNode.objects.count()
    if len(node_ids) == total:
        return _select(sql, QUALIFYING)
    if len(node_ids) * 4 >= total:
        return [row for row in _select(sql, QUALIFYING) if row[1] in node_ids]
    rows: list[tuple] = []
    for chunk in _chunks(sorted(node_ids), 500):
        rows += _select(f"{sql} AND {node} IN ({_placeholders(len(chunk))})",
                        [*QUALIFYING, *chunk])
    return rows


_TAG_LABELS = tuple(TAG_FIELDS.values())


def _range(ids: set[int]) -> tuple[int, int] | None:
    """(lowest, highest) when the ids are most of their range (every chain's firms):
    then one ordered pass over the range, filtered here, beats looking each id up
    through the index. None when they are few (or none)."""
    if not ids:
        return None
    low, high = min(ids), max(ids)
    return (low, high) if len(ids) * 4 >= high - low + 1 else None


def _by_id(model: type[Model], key: str, fields: list[str], ids: set[int],
           where: str = "", params: tuple = (), *, bounds: Any = False) -> list[tuple]:
    """Rows (key, *fields) of `model` whose `key` is in `ids`: by range when they are
    dense, else by id list in pieces. `bounds`: `_range(ids)` if already known."""
    if not ids:
        return []
    table, key_col, *cols = _table(model, key, *fields)
    sql = f"SELECT {key_col}, {', '.join(cols)} FROM {table} WHERE {where or '1 = 1'} AND "
    bounds = _range(ids) if bounds is False else bounds
    if bounds is not None:
        return [row for row in _select(f"{sql}{key_col} BETWEEN %s AND %s",
                                       [*params, *bounds]) if row[0] in ids]
    rows: list[tuple] = []
    for chunk in _chunks(sorted(ids)):
        rows += _select(f"{sql}{key_col} IN ({_placeholders(len(chunk))})", [*params, *chunk])
    return rows


def _basics(ids: set[int], year: int) -> list[tuple]:
    """(id, town, status, output, revenue, R&D) of the firms. Dense ids: two ordered
    scans merged here; a few: one query joining each firm's figures of the year."""
    year_col = _table(YearlyFigure, "year")[1]
    if not ids:
        return []
    bounds = _range(ids)
    if bounds is not None:
        figures = {row[0]: row[1:] for row in _by_id(
            YearlyFigure, "enterprise", FIGURE_FIELDS, ids, f"{year_col} = %s", (year,),
            bounds=bounds)}
        none = (None, None, None)
        return [(pk, town, status, *figures.get(pk, none)) for pk, town, status
                in _by_id(Enterprise, "id", ["town_id", "status"], ids, bounds=bounds)]
    firm_table, pk, town, status = _table(Enterprise, "id", "town_id", "status")
    fig_table, fig_firm, *fig_cols = _table(YearlyFigure, "enterprise", *FIGURE_FIELDS)
    sql = (f"SELECT e.{pk}, e.{town}, e.{status}, {', '.join('f.' + c for c in fig_cols)} "
           f"FROM {firm_table} e LEFT JOIN {fig_table} f ON f.{fig_firm} = e.{pk} "
           f"AND f.{year_col} = %s WHERE e.{pk} IN ({{}})")
    rows: list[tuple] = []
    for chunk in _chunks(sorted(ids)):
        rows += _select(sql.format(_placeholders(len(chunk))), [year, *chunk])
    return rows


def _firms_by_id(ids: set[int], year: int, detail_ids: set[int] | None) -> list[ck.Firm]:
    """The firms with their year's figures (万元 → 元). Town, status and figures come
    for all; name and tags only for `detail_ids` (None: for all), because reading them
    costs more than the rest for a city's 300,000 firms and the figures name only
    masters and suppliers."""
    details = {row[0]: row[1:] for row in _by_id(
        Enterprise, "id", ["name", *TAG_FIELDS], ids if detail_ids is None else detail_ids & ids)}
    active = set(ACTIVE_STATUSES)
    out = []
    firm = ck.Firm
    # Positional (id, town, active, output, name, revenue, R&D intensity, tags) and no
    # work for absent details: this loop runs for every firm of the city.
    for pk, town, status, output, revenue, rd in _basics(ids, year):
        if revenue is not None:
            revenue = float(revenue)
            rd = float(rd) / revenue if rd and revenue else None
            revenue *= WAN
        else:
            rd = None
        # No figure stays None: a chain whose firms reported nothing has no data, not 0.
        output = float(output) * WAN if output is not None else None
        detail = details.get(pk)
        if detail is None:
            out.append(firm(pk, town, status in active, output, "", revenue, rd))
        else:
            out.append(firm(pk, town, status in active, output, detail[0],
                            revenue, rd, tuple(compress(_TAG_LABELS, detail[1:]))))
    return out


def _plain(value: Any) -> Any:
    if dataclasses.is_dataclass(value):
        return {k: _plain(v) for k, v in dataclasses.asdict(value).items()}
    if isinstance(value, dict):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_plain(v) for v in value]
    return value


REFRESH_MARKER_MAX = 600  # seconds


def _refresh_marker(base: str, version: str) -> str:
    """The cache key saying a refresh of these figures for `version` is under way."""
    return f"{base}:refreshing:{version}"


def _summary_key(chain_id: int, towns: Iterable[int] | None) -> str:
    """The cache key prefix of one chain's figures for a town scope (or the city)."""
    town_key = ",".join(map(str, sorted(towns))) if towns is not None else "city"
    return f"lianzhang:chain:{chain_id}:{town_key}"


def chain_summary(chain: Chain, towns: Iterable[int] | None = None, *,
                  allow_stale: bool = False) -> dict[str, Any]:
    """The chain's figures and per-node gaps as plain data, cached per data version.

    Computed on the spot when the cache has none for the current version, unless
    `allow_stale` (the chain page) and earlier figures exist: then those are returned
    with `stale` True, so the page says they are as of `computed_at` and being
    recomputed, and one background thread recomputes them (setting
    LIANZHANG_FIGURES_IN_BACKGROUND, default on). A page view then never waits for
    a recompute after a write; exports and snapshots always get current figures."""
    base = _summary_key(chain.pk, towns)
    version = scoped_version(chain_scope(chain.pk))  # writes to other chains' links keep it
    cached = cache.get(f"{base}:{version}")
    if cached is not None:
        return cached
    if allow_stale and getattr(settings, "LIANZHANG_FIGURES_IN_BACKGROUND", True):
        latest = cache.get(f"{base}:latest")
        if latest is not None:
            # One thread a version. The marker outlives a normal refresh many times over
            # but not by much more: if the process running the refresh is recycled, a
            # view soon after starts another one instead of showing stale figures for long.
            ttl = int(min(REFRESH_MARKER_MAX, max(30.0, 20 * latest.get("seconds", 1.0))))
            if cache.add(_refresh_marker(base, version), True, ttl):
                start_refresh(chain.pk, None if towns is None else sorted(towns), version)
            return {**latest, "stale": True}
    return _compute_summary(chain, towns, base, version)


def _compute_summary(chain: Chain, towns: Iterable[int] | None, base: str, version: str
                     ) -> dict[str, Any]:
    # `version` was read before the data: figures stored under it are never older
    # than the data it names (a write during the computation bumps past it).
    start = time.perf_counter()
    year = figure_year()
    data = load_gap_data([chain], year, towns)
    figures = ck.chain_figures(data, chain.pk)
    result = {
        "year": year, "computed_at": timezone.now().isoformat(), "figures": _plain(figures),
        "node_firms": {str(k): sorted(v) for k, v in data.node_firms.items()},
        # 共性配套 and common suppliers (DESIGN §4), for the attraction roadmap tab.
        "common_parts": _plain(ck.common_parts(data, chain.pk)),
        "common_suppliers": _plain(ck.common_suppliers(data, chain.pk)),
        "stale": False, "seconds": round(time.perf_counter() - start, 3),
    }
    cache.set(f"{base}:{version}", result, 3600)
    cache.set(f"{base}:latest", result, None)  # what a page shows, labelled, meanwhile
    return result


def refresh_summary(chain_id: int, towns: list[int] | None, version: str) -> None:
    """Compute and cache the chain's figures for `version` (the background refresh)."""
    chain = Chain.objects.filter(pk=chain_id).first()
    if chain is not None:
        _compute_summary(chain, towns, _summary_key(chain_id, towns), version)


def _refresh_thread(chain_id: int, towns: list[int] | None, version: str) -> None:
    try:
        refresh_summary(chain_id, towns, version)
    except Exception:  # a thread has no caller to raise to: log it; pages stay labelled stale
        logger.exception("recomputing the figures of chain %s failed", chain_id)
        # ... and the next view may try again rather than wait for the marker to expire.
        cache.delete(_refresh_marker(_summary_key(chain_id, towns), version))
    finally:
        connections.close_all()  # this thread's own connection


def start_refresh(chain_id: int, towns: list[int] | None, version: str) -> None:
    """Recompute the chain's figures in a daemon thread (tests replace this)."""
    threading.Thread(target=_refresh_thread, args=(chain_id, towns, version), daemon=True,
                     name=f"chain-figures-{chain_id}").start()


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
    cfg = data.settings
    return ck.location_quotients(outputs, [ck.TownTotal(t, v) for t, v in totals.items()],
                                 chains=[c.pk for c in chains],
                                 min_town_output=cfg.lq_min_town_output,
                                 min_city_output=cfg.lq_min_city_output)


def today() -> datetime.date:
    """The as-of date shown with figures."""
    return timezone.localdate()
