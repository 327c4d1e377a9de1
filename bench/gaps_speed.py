"""Benchmark chainkit.gaps at city scale against a plain aggregate over the links table.

Generates deterministic synthetic tables (24 chains, 1,500 nodes, 300,000 firms,
1,000,000 links, 50,000 supply ties at --scale 1), then times, in the same run:

- engine: `index_tables` from the raw tables + `all_chain_figures` (every chain's
  completeness, supporting rate, gap statuses and headline counts) — target ≤ 5 s;
- reference: one pass counting links per node with collections.Counter, and an
  sqlite3 in-memory `SELECT node_id, COUNT(*) FROM links GROUP BY node_id`.

It also recomputes completeness and the value-based supporting rate per chain in SQL,
independently of the engine, and checks both agree (exit status 1 if not).

    .venv/bin/python bench/gaps_speed.py                 # city scale
    .venv/bin/python bench/gaps_speed.py --scale 0.1     # 30,000 firms, 100,000 links …
"""

from __future__ import annotations

import argparse
import math
import sqlite3
import statistics
import sys
import time
from collections import Counter

import numpy as np

from chainkit.gaps import (
    Demand,
    Firm,
    Link,
    Master,
    Node,
    SupplyTie,
    all_chain_figures,
    format_amount,
    index_tables,
)

CHAINS = ["智能家电", "新能源汽车", "海洋装备", "食品饮料", "高端化工", "纺织服装", "新型显示", "人工智能",
          "智能制造装备", "现代金融", "科技服务", "会展", "集成电路", "生物医药及医疗器械", "氢能与储能",
          "软件和信息服务", "先进高分子及金属材料", "文化旅游", "通用航空", "现代物流", "虚拟现实",
          "精密仪器仪表", "轨道交通", "现代商贸"]
YEAR = 2024
TOWNS = 12
MASTERS_PER_CHAIN = 3


def generate(scale: float, seed: int = 20240201) -> dict:
    """Deterministic synthetic tables; nodes and chains fixed, firms/links/ties × scale."""
    rng = np.random.default_rng(seed)
    n_firms = max(100, int(300_000 * scale))
    n_links = max(100, int(1_000_000 * scale))
    n_ties = max(50, int(50_000 * scale))

    # 1,500 nodes: per chain a root, 3 segments (上/中/下游) and leaves under them.
    nodes: list[Node] = []
    chain_leaves: list[list[int]] = []
    per_chain = [1500 // 24 + (1 if i < 1500 % 24 else 0) for i in range(24)]
    next_id = 0
    for chain, count in zip(CHAINS, per_chain, strict=True):
        root = next_id
        nodes.append(Node(root, chain, None, chain))
        segs = [root + 1, root + 2, root + 3]
        for seg, label in zip(segs, ("上游", "中游", "下游"), strict=True):
            nodes.append(Node(seg, chain, root, label))
        leaves = list(range(root + 4, root + count))
        weights = rng.choice([0.0, 1.0, 2.0, 3.0], size=len(leaves), p=[0.03, 0.57, 0.25, 0.15])
        core = rng.random(len(leaves)) < 0.25
        for leaf, w, c in zip(leaves, weights.tolist(), core.tolist(), strict=True):
            nodes.append(Node(leaf, chain, segs[leaf % 3], f"{chain}-部件{leaf}", weight=w,
                              is_core=c, min_count=3 if leaf % 17 == 0 else None))
        chain_leaves.append(leaves)
        next_id += count
    n_nodes = next_id

    towns = rng.integers(0, TOWNS + 2, n_firms)              # 12 towns + 2 codes = outside
    active = rng.random(n_firms) >= 0.03
    output = np.round(rng.lognormal(16.5, 1.5, n_firms), 0)  # median ~1,500万元
    firms = [Firm(i, None if t >= TOWNS else f"T{t}", bool(a), o)
             for i, (t, a, o) in enumerate(zip(towns.tolist(), active.tolist(), output.tolist(),
                                                strict=True))]
    # Masters: the first 72 firm ids, made large and local.
    masters = []
    for ci, chain in enumerate(CHAINS):
        for j in range(MASTERS_PER_CHAIN):
            fid = ci * MASTERS_PER_CHAIN + j
            firms[fid] = Firm(fid, f"T{fid % TOWNS}", True, 2e10, name=f"链主{fid}", revenue=6e10)
            masters.append(Master(chain, fid))

    link_firm = rng.integers(0, n_firms, n_links)
    # Skewed node popularity (a few parts have most firms) and ~12% of leaves with no
    # firm at all, so 缺链/短板 appear as they do in a real city.
    popularity = rng.lognormal(0.0, 1.5, n_nodes)
    popularity[rng.random(n_nodes) < 0.12] = 0.0
    for n in nodes:
        if n.parent_id is None or n.name in ("上游", "中游", "下游"):
            popularity[n.id] = max(popularity[n.id], 0.5)  # inner nodes always keep some firms
    link_node = rng.choice(n_nodes, size=n_links, p=popularity / popularity.sum())
    status_draw = rng.random(n_links)
    status = np.where(status_draw < 0.6, 0, np.where(status_draw < 0.9, 1, 2))
    score = np.round(rng.random(n_links), 3)
    names = ("confirmed", "auto", "rejected")
    links = [Link(f, n, names[s], sc if s else None)
             for f, n, s, sc in zip(link_firm.tolist(), link_node.tolist(), status.tolist(),
                                    score.tolist(), strict=True)]

    # About half of the masters' suppliers come from outside the city.
    outside = np.flatnonzero(towns >= TOWNS)
    tie_supplier = np.where(rng.random(n_ties) < 0.45, rng.choice(outside, n_ties),
                            rng.integers(0, n_firms, n_ties))
    to_master = rng.random(n_ties) < 0.7
    tie_chain = rng.integers(0, 24, n_ties)
    tie_customer = np.where(to_master, tie_chain * MASTERS_PER_CHAIN + rng.integers(0, 3, n_ties),
                            rng.integers(0, n_firms, n_ties))
    leaf_pick = rng.random(n_ties)
    tie_value = np.round(rng.lognormal(15, 1.2, n_ties), 0)
    has_value = rng.random(n_ties) < 0.85
    tie_year = np.where(rng.random(n_ties) < 0.9, YEAR, YEAR - 1)
    ties = []
    for s, c, ch, lp, v, hv, y, tm in zip(tie_supplier.tolist(), tie_customer.tolist(),
                                         tie_chain.tolist(), leaf_pick.tolist(), tie_value.tolist(),
                                         has_value.tolist(), tie_year.tolist(), to_master.tolist(),
                                         strict=True):
        chain_leaf_ids = chain_leaves[ch]
        node = chain_leaf_ids[int(lp * len(chain_leaf_ids))] if tm else None
        ties.append(SupplyTie(s, c, node, y, v if hv else None))
    demands = []
    for m in masters:
        leaves = chain_leaves[CHAINS.index(m.chain_id)]
        for leaf in rng.choice(leaves, size=20, replace=False).tolist():
            demands.append(Demand(m.firm_id, leaf, float(np.round(rng.lognormal(18, 1), 0)), YEAR))
    return {"nodes": nodes, "links": links, "firms": firms, "masters": masters,
            "demands": demands, "ties": ties}


def run_engine(tables: dict) -> tuple[float, float, dict]:
    """Time index_tables + all_chain_figures from the raw tables."""
    t0 = time.perf_counter()
    data = index_tables(**tables, year=YEAR)
    t1 = time.perf_counter()
    figures = all_chain_figures(data)
    t2 = time.perf_counter()
    return t1 - t0, t2 - t1, figures


def load_sqlite(tables: dict) -> sqlite3.Connection:
    """Copy the tables into an in-memory SQLite database (not timed as reference)."""
    con = sqlite3.connect(":memory:")
    con.executescript("""
        CREATE TABLE nodes(id INTEGER PRIMARY KEY, chain_id TEXT, parent_id INT, weight REAL, is_core INT);
        CREATE TABLE firms(id INTEGER PRIMARY KEY, town_id TEXT, active INT, output REAL);
        CREATE TABLE links(firm_id INT, node_id INT, status TEXT, score REAL);
        CREATE TABLE masters(chain_id TEXT, firm_id INT);
        CREATE TABLE ties(supplier_id INT, customer_id INT, node_id INT, year INT, value REAL);
    """)
    con.executemany("INSERT INTO nodes VALUES (?,?,?,?,?)",
                    ((n.id, n.chain_id, n.parent_id, n.weight, int(n.is_core)) for n in tables["nodes"]))
    con.executemany("INSERT INTO firms VALUES (?,?,?,?)",
                    ((f.id, f.town_id, int(f.active), f.output) for f in tables["firms"]))
    con.executemany("INSERT INTO links VALUES (?,?,?,?)",
                    ((ln.firm_id, ln.node_id, ln.status, ln.score) for ln in tables["links"]))
    con.executemany("INSERT INTO masters VALUES (?,?)", ((m.chain_id, m.firm_id) for m in tables["masters"]))
    con.executemany("INSERT INTO ties VALUES (?,?,?,?,?)",
                    ((t.supplier_id, t.customer_id, t.node_id, t.year, t.value) for t in tables["ties"]))
    con.commit()
    return con


SQL_COMPLETENESS = """
WITH leaves AS (SELECT n.* FROM nodes n WHERE NOT EXISTS (SELECT 1 FROM nodes c WHERE c.parent_id = n.id)),
covered AS (SELECT DISTINCT l.node_id FROM links l JOIN firms f ON f.id = l.firm_id
            WHERE f.active = 1 AND f.town_id IS NOT NULL
              AND (l.status = 'confirmed' OR (l.status = 'auto' AND l.score >= ?)))
SELECT chain_id, SUM(weight * (id IN (SELECT node_id FROM covered))) / SUM(weight) FROM leaves GROUP BY chain_id
"""
SQL_RATE = """
SELECT m.chain_id,
       SUM(CASE WHEN f.active = 1 AND f.town_id IS NOT NULL THEN t.value ELSE 0 END) / SUM(t.value)
FROM masters m JOIN ties t ON t.customer_id = m.firm_id LEFT JOIN firms f ON f.id = t.supplier_id
WHERE t.year = ? AND t.value IS NOT NULL AND t.supplier_id != t.customer_id GROUP BY m.chain_id
"""


def main(argv: list[str] | None = None) -> int:
    """Run the benchmark; print timings, figures, the reference ratio and the SQL check."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scale", type=float, default=1.0, help="× firms, links, ties (1 = city)")
    parser.add_argument("--repeat", type=int, default=3, help="timed runs (median reported)")
    args = parser.parse_args(argv)

    t0 = time.perf_counter()
    tables = generate(args.scale)
    gen = time.perf_counter() - t0
    print(f"scale {args.scale:g}: chains 24, nodes {len(tables['nodes']):,}, firms {len(tables['firms']):,}, "
          f"links {len(tables['links']):,}, ties {len(tables['ties']):,} (generated in {gen:.1f} s)")

    runs = [run_engine(tables) for _ in range(max(1, args.repeat))]
    index_s = [r[0] for r in runs]
    figures_s = [r[1] for r in runs]
    total_s = [a + b for a, b in zip(index_s, figures_s, strict=True)]
    figures = runs[-1][2]

    links = tables["links"]
    counter_s = []
    for _ in range(max(1, args.repeat)):
        t0 = time.perf_counter()
        Counter(ln.node_id for ln in links)
        counter_s.append(time.perf_counter() - t0)
    t0 = time.perf_counter()
    con = load_sqlite(tables)
    load_s = time.perf_counter() - t0
    sql_s = []
    for _ in range(max(1, args.repeat)):
        t0 = time.perf_counter()
        con.execute("SELECT node_id, COUNT(*) FROM links GROUP BY node_id").fetchall()
        sql_s.append(time.perf_counter() - t0)

    med = statistics.median
    print(f"engine: index {med(index_s):.2f} s + all chains' figures {med(figures_s):.2f} s = "
          f"{med(total_s):.2f} s (median of {len(runs)}; max {max(total_s):.2f} s; target ≤ 5 s)")
    print(f"reference: Counter pass over links {med(counter_s):.3f} s; "
          f"sqlite GROUP BY node_id {med(sql_s):.3f} s (loading sqlite {load_s:.1f} s, not counted)")
    print(f"ratio engine / sqlite GROUP BY = {med(total_s) / med(sql_s):.1f}×; "
          f"engine / Counter = {med(total_s) / med(counter_s):.1f}×")

    print("\n| 产业链 | 完整度 | 配套率 | 口径 | 叶节点 | 覆盖 | 缺链 | 短板 | 强链 | 断点 | 本地企业 | 产出 |")
    print("|---|---|---|---|---|---|---|---|---|---|---|---|")
    for chain, f in figures.items():
        comp = "—" if f.completeness is None else f"{f.completeness:.1%}"
        rate = "—" if f.supporting_rate is None else f"{f.supporting_rate:.1%}"
        print(f"| {chain} | {comp} | {rate} | {f.supporting_kind} | {f.leaves} | {f.covered} | {f.missing} "
              f"| {f.weak} | {f.strong} | {f.single_points} | {f.local_firms:,} | {format_amount(f.output)} |")

    # Independent check: completeness and the value-based rate recomputed in SQL.
    sql_comp = dict(con.execute(SQL_COMPLETENESS, (0.8,)).fetchall())
    sql_rate = dict(con.execute(SQL_RATE, (YEAR,)).fetchall())
    bad = []
    for chain, f in figures.items():
        if not math.isclose(f.completeness or 0.0, sql_comp.get(chain) or 0.0, abs_tol=1e-9):
            bad.append(f"{chain} 完整度 {f.completeness} ≠ SQL {sql_comp.get(chain)}")
        if f.supporting_kind == "value" and not math.isclose(f.supporting_rate, sql_rate[chain], abs_tol=1e-9):
            bad.append(f"{chain} 配套率 {f.supporting_rate} ≠ SQL {sql_rate[chain]}")
    print(f"\nSQL cross-check of completeness and supporting rate for {len(figures)} chains: "
          + ("agree" if not bad else "DISAGREE\n" + "\n".join(bad)))
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
