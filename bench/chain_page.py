"""Benchmark (issue 5): the chain page and all chains' figures at city scale.

Builds its own SQLite database in a temp dir: 300,000 firms, 24 chains with 1,500 map
nodes, 1,000,000 node links, 50,000 supply ties (scale with --scale). The data is
loaded with plain bulk inserts (bench fixture, not a product path) and then:

* the chain page (`/dashboards/chain/<id>/`) is requested 50 times through the Django
  test client, with a data change (the data version bumped, as by any audited write)
  before every tenth request. The very first request computes the figures; a request
  right after a later change shows the previous figures labelled stale while one
  background thread recomputes them (it competes for the CPU with the requests that
  follow, as in production); the rest are served from the figure cache ("warm").
  p50/p95 for each kind and over all 50; then how long the labelled stale figures
  last (change → current figures cached), the page after an audited write to another
  chain's links (per-chain versions: still current), and how long computing one
  chain's figures on request takes (what a request would wait for without the
  background refresh);
* all chains' figures are computed from the database (`all_chain_figures` via
  `dashboards.data.load_gap_data`), timed against a plain SQL aggregate over the links
  table in the same run.

    .venv/bin/python bench/chain_page.py              # city scale
    .venv/bin/python bench/chain_page.py --scale 0.1  # 10 %
"""

from __future__ import annotations

import argparse
import os
import random
import sys
import tempfile
import time


def setup(var_dir: str) -> None:
    os.environ["LIANZHANG_VAR_DIR"] = var_dir
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "lianzhang.settings")
    import django

    django.setup()
    from django.conf import settings
    from django.core.management import call_command

    settings.CACHES["default"] = {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}
    settings.ALLOWED_HOSTS = ["testserver"]
    call_command("migrate", verbosity=0)


def build(scale: float, seed: int = 20240201) -> dict:
    from django.utils.timezone import now as django_now

    from chainkit.uscc import make_uscc
    from lianzhang.chains.models import Chain, ChainMaster, ChainNode, MapVersion
    from lianzhang.enterprises.models import Enterprise, SupplyTie, YearlyFigure
    from lianzhang.mapping.models import NodeLink
    from lianzhang.regions.models import Region

    rng = random.Random(seed)
    n_firms, n_links, n_ties = int(300_000 * scale), int(1_000_000 * scale), int(50_000 * scale)
    city = Region.objects.create(name="胶州市", code="370281000000", level="district")
    towns = [Region.objects.create(name=f"镇街{i}", code=f"370281{i:03d}000", level="town",
                                   parent=city) for i in range(1, 13)]
    bulk = lambda model, objs: model._base_manager.bulk_create(objs, batch_size=5000)  # noqa: E731
    chains, leaves = [], []
    for c in range(24):
        chain = Chain.objects.create(name=f"产业链{c:02d}", code=f"chain-{c:02d}")
        version = MapVersion.objects.create(chain=chain)  # draft while nodes are added
        chains.append(chain)
        # 62-63 nodes a chain: 3 segments × 4 groups × 4-5 leaves ≈ 1,500 nodes in all.
        for s, seg in enumerate(("upstream", "midstream", "downstream")):
            top = ChainNode(map=version, name=f"环节{s}", segment=seg, level=1, position=s)
            top.save()
            for g in range(4):
                group = ChainNode(map=version, parent=top, name=f"组{s}{g}", segment=seg,
                                  level=2, position=g)
                group.save()
                kids = bulk(ChainNode, [ChainNode(map=version, parent=group, name=f"件{s}{g}{k}",
                                                  segment=seg, level=3, position=k,
                                                  is_core=k == 0) for k in range(4)])
                leaves.extend((chain.pk, n.pk) for n in kids)
        MapVersion._base_manager.filter(pk=version.pk).update(
            status="published", version="1.0", published_at=django_now())
    firms = bulk(Enterprise, [Enterprise(
        name=f"基准企业{i:06d}有限公司", uscc=make_uscc(f"9137028{i:010d}"),
        town=None if i % 7 == 0 else towns[i % 12]) for i in range(n_firms)])
    firm_ids = [f.pk for f in firms]
    bulk(YearlyFigure, [YearlyFigure(enterprise_id=pk, year=2024, output_value=rng.randint(10, 50_000),
                                     source="bench") for pk in firm_ids])
    seen, links = set(), []
    while len(links) < n_links:
        firm, (_c, node) = rng.choice(firm_ids), rng.choice(leaves)
        if (firm, node) not in seen:
            seen.add((firm, node))
            links.append(NodeLink(enterprise_id=firm, node_id=node, source="auto",
                                  status=rng.choice(["auto", "confirmed", "review"]),
                                  score=round(rng.random(), 3)))
    bulk(NodeLink, links)
    masters = []
    for chain in chains:
        for pk in rng.sample(firm_ids, 3):
            masters.append(ChainMaster(chain=chain, enterprise_id=pk))
    bulk(ChainMaster, masters)
    leaf_of_chain = {}
    for chain_id, node in leaves:
        leaf_of_chain.setdefault(chain_id, []).append(node)
    ties = []
    for _ in range(n_ties):
        m = rng.choice(masters)
        supplier = rng.choice(firm_ids)
        if supplier != m.enterprise_id:
            ties.append(SupplyTie(supplier_id=supplier, customer_id=m.enterprise_id,
                                  node_id=rng.choice(leaf_of_chain[m.chain_id]), year=2024,
                                  annual_value=rng.randint(10, 5000)))
    bulk(SupplyTie, ties)
    return {"firms": n_firms, "links": len(links), "ties": len(ties), "chains": chains,
            "nodes": ChainNode.objects.count()}


def wait_for_refreshes() -> None:
    """Wait for background figure refreshes (threads named chain-figures-*)."""
    import threading

    for thread in threading.enumerate():
        if thread.name.startswith("chain-figures-"):
            thread.join()


def pct(values: list[float], q: float) -> float:
    values = sorted(values)
    return values[min(len(values) - 1, int(round(q * (len(values) - 1))))]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scale", type=float, default=1.0)
    parser.add_argument("--requests", type=int, default=50)
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory() as var_dir:
        setup(var_dir)
        from django.contrib.auth import get_user_model
        from django.db import connection
        from django.test import Client

        from chainkit import gaps as ck
        from lianzhang.core.versioning import bump_data_version
        from lianzhang.dashboards.data import figure_year, load_gap_data

        t0 = time.perf_counter()
        info = build(args.scale)
        print(f"data: {info['firms']:,} firms, {info['nodes']:,} nodes, {info['links']:,} links, "
              f"{info['ties']:,} ties (built in {time.perf_counter() - t0:.1f} s)")
        user = get_user_model().objects.create_superuser("bench", password="x")
        client = Client()
        client.force_login(user)
        chain = info["chains"][0]
        url = f"/dashboards/chain/{chain.pk}/"
        warm, cold, stale = [], [], 0
        for i in range(args.requests):
            if i % 10 == 0:
                wait_for_refreshes()  # let the previous change's refresh finish first
                bump_data_version()
            start = time.perf_counter()
            response = client.get(url)
            elapsed = (time.perf_counter() - start) * 1000
            assert response.status_code == 200, response.status_code
            (cold if i % 10 == 0 else warm).append(elapsed)
            stale += b"data-stale" in response.content
        wait_for_refreshes()
        print(f"chain page, warm (figure cache): p50 {pct(warm, .5):.0f} ms, "
              f"p95 {pct(warm, .95):.0f} ms over {len(warm)} requests")
        print(f"chain page, right after a data change: p50 {pct(cold, .5):.0f} ms, "
              f"max {max(cold):.0f} ms over {len(cold)} requests (the first computes on the "
              f"spot; {stale} showed the previous figures labelled stale)")
        all_requests = warm + cold
        print(f"chain page, all {len(all_requests)} requests: p95 {pct(all_requests, .95):.0f} ms")
        windows = []
        for _ in range(3):  # how long a page shows labelled stale figures after a change
            bump_data_version()
            start = time.perf_counter()
            assert b"data-stale" in client.get(url).content
            wait_for_refreshes()
            windows.append((time.perf_counter() - start) * 1000)
        print(f"stale window (change → current figures cached), no other requests: "
              f"p50 {pct(windows, .5):.0f} ms, max {max(windows):.0f} ms over {len(windows)}")
        from lianzhang.mapping.models import NodeLink

        other, kept = [], 0
        for link in NodeLink.objects.filter(node__map__chain=info["chains"][1])[:5]:
            link.status = "confirmed" if link.status != "confirmed" else "auto"
            link.save()  # an audited write confined to another chain's links
            start = time.perf_counter()
            response = client.get(url)
            other.append((time.perf_counter() - start) * 1000)
            kept += b"data-stale" not in response.content
        wait_for_refreshes()
        print(f"chain page after a write to another chain's links: p50 {pct(other, .5):.0f} ms, "
              f"max {max(other):.0f} ms over {len(other)} ({kept} served current figures "
              f"from the cache)")
        from lianzhang.dashboards.data import chain_summary

        computed, refresh = [], []
        for _ in range(5):  # what a request waits for when it computes the figures itself
            bump_data_version()
            start = time.perf_counter()
            refresh.append(chain_summary(chain)["seconds"] * 1000)
            computed.append((time.perf_counter() - start) * 1000)
        print(f"one chain's figures computed on request (after a data change): "
              f"p50 {pct(computed, .5):.0f} ms, max {max(computed):.0f} ms over 5 "
              f"(load and compute {pct(refresh, .5):.0f} ms)")
        from lianzhang.chains.models import Chain

        start = time.perf_counter()
        data = load_gap_data(list(Chain.objects.all()), figure_year())
        loaded = time.perf_counter() - start
        figures = ck.all_chain_figures(data)
        total = time.perf_counter() - start
        start = time.perf_counter()
        with connection.cursor() as cur:
            cur.execute("SELECT node_id, COUNT(*), AVG(score) FROM mapping_nodelink "
                        "WHERE status IN ('auto', 'confirmed') GROUP BY node_id")
            rows = cur.fetchall()
        sql = time.perf_counter() - start
        print(f"all {len(figures)} chains' figures from the database: {total:.2f} s "
              f"(loading and indexing {loaded:.2f} s + figures {total - loaded:.2f} s)")
        print(f"reference: plain SQL GROUP BY over the links table: {sql:.2f} s "
              f"({len(rows):,} groups); ratio {total / sql:.1f}×")
    return 0


if __name__ == "__main__":
    sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "src"))
    sys.exit(main())
