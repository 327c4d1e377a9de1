"""Retrieval quality of chainkit.recommend on the listed-firm task, against the baseline.

Runs, in one process, on ../shared/data/ckg/recommend_pool.csv and a queries file
(default recommend_dev_queries.csv; --queries for another file in the same format):

- ours: the evaluation command itself (`lianzhang-recommend` main(), top 50), its R.csv
  read back and scored;
- baseline: character 1–3-gram TF-IDF over distinct products, firm score = best product
  cosine (chainkit.recommend.evaluate.TfidfBaseline), top 50.

Metrics: MAP (AP over the top 50 / all relevant firms) and nDCG@10, binary relevance from
the `relevant` column. Prints both, the difference and the ratio; exit 1 if ours misses
MAP ≥ 0.93 or nDCG@10 ≥ 0.95.

    .venv/bin/python bench/recommend_eval.py
    .venv/bin/python bench/recommend_eval.py --data /path/to/shared/data --queries Q.csv
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

from chainkit.cli.recommend import main as recommend_main
from chainkit.recommend import read_pool_csv, read_queries_csv
from chainkit.recommend.evaluate import TfidfBaseline, evaluate, read_qrels, read_run

GOAL = {"map": 0.93, "ndcg@10": 0.95}


def default_data() -> Path:
    """../shared/data from the repository root (LIANZHANG_SHARED_DATA overrides)."""
    env = os.environ.get("LIANZHANG_SHARED_DATA")
    return Path(env) if env else Path(__file__).resolve().parents[1].parent / "shared" / "data"


def main(argv: list[str] | None = None) -> int:
    """Run both systems and print the comparison."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--data", type=Path, default=default_data())
    parser.add_argument("--queries", type=Path, default=None)
    parser.add_argument("--top-k", type=int, default=50)
    args = parser.parse_args(argv)
    ckg = args.data / "ckg"
    pool = ckg / "recommend_pool.csv"
    queries = args.queries or ckg / "recommend_dev_queries.csv"
    if not pool.exists() or not queries.exists():
        print(f"data absent: {pool} / {queries}", file=sys.stderr)
        return 0
    qrels = read_qrels(queries)

    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp) / "r.csv"
        t = time.perf_counter()
        status = recommend_main(["--pool", str(pool), "--queries", str(queries),
                                 "--top-k", str(args.top_k), "--out", str(out), "--quiet"])
        ours_s = time.perf_counter() - t
        if status:
            return status
        ours = evaluate(read_run(out), qrels)

    t = time.perf_counter()
    base_index = TfidfBaseline(read_pool_csv(pool))
    base_run = {q.qid: base_index.rank(q.name, args.top_k) for q in read_queries_csv(queries)}
    base_s = time.perf_counter() - t
    base = evaluate(base_run, qrels)

    sizes = Counter(min(len(r), 50) // 10 * 10 for r in qrels.values())
    print(f"queries: {len(qrels)} ({queries.name}); pool: {pool.name}; top {args.top_k}")
    print(f"relevant per query: {sum(map(len, qrels.values())) / len(qrels):.1f} on average; "
          f"buckets {dict(sorted(sizes.items()))}")
    print(f"{'':10}{'ours':>8}{'baseline':>10}{'diff':>8}{'ratio':>8}{'goal':>7}")
    for key in ("map", "ndcg@10"):
        print(f"{key:10}{ours[key]:8.4f}{base[key]:10.4f}{ours[key] - base[key]:+8.4f}"
              f"{ours[key] / base[key]:8.3f}{GOAL[key]:7.2f}")
    print(f"time: ours {ours_s:.1f} s (command: read, index, {len(qrels)} queries, write); "
          f"baseline {base_s:.1f} s")
    ok = all(ours[k] >= v for k, v in GOAL.items())
    print("goal met" if ok else "GOAL MISSED")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
