"""`lianzhang-recommend`: batch recommendations for gap queries over a firm pool.

    lianzhang-recommend --pool POOL.csv --queries Q.csv --top-k 50 --out R.csv

POOL: id,name,products,weights [,region,revenue,growth,tags,listed,supplies_local,
distance_band]; Q: qid,query [,keywords,sub_products]; R: qid,rank,id,score.
Bad input → a Chinese message on stderr, exit status 2, and no output file.
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from collections.abc import Sequence
from pathlib import Path

from ..csvio import write_csv
from ..errors import InputError
from ..recommend import PoolIndex, read_pool_csv, read_queries_csv

__all__ = ["main", "run"]


def run(pool: str | Path, queries: str | Path, out: str | Path, top_k: int = 50) -> dict:
    """Rank the pool for every query and write R.csv; returns counts and timings.

    Everything is read and validated before anything is written, and the output is
    written to a temporary file then renamed, so a failure never leaves a partial file."""
    t0 = time.perf_counter()
    firms = read_pool_csv(pool)
    qs = read_queries_csv(queries)
    index = PoolIndex.build(firms)
    t1 = time.perf_counter()
    rows = []
    for q in qs:
        for rec in index.recommend(q, top_k=top_k):
            rows.append((q.qid, rec.rank, rec.id, f"{rec.score:.6f}"))
    t2 = time.perf_counter()
    out = Path(out)
    tmp = out.with_name(out.name + ".tmp")
    try:
        write_csv(tmp, ("qid", "rank", "id", "score"), rows)
        os.replace(tmp, out)
    finally:
        tmp.unlink(missing_ok=True)
    return {"firms": len(index), "queries": len(qs), "rows": len(rows),
            "build_s": t1 - t0, "query_s": t2 - t1}


def main(argv: Sequence[str] | None = None) -> int:
    """Command-line entry point; returns the exit status (0 ok, 2 bad input)."""
    parser = argparse.ArgumentParser(
        prog="lianzhang-recommend",
        description="为缺口节点（查询）从企业池中推荐企业，输出 qid,rank,id,score")
    parser.add_argument("--pool", required=True, help="企业池 CSV：id,name,products,weights[,…]")
    parser.add_argument("--queries", required=True, help="查询 CSV：qid,query[,keywords]")
    parser.add_argument("--top-k", type=int, default=50, help="每个查询最多输出的企业数（默认 50）")
    parser.add_argument("--out", required=True, help="输出 CSV：qid,rank,id,score")
    parser.add_argument("--quiet", action="store_true", help="不在 stderr 打印统计")
    args = parser.parse_args(argv)
    if args.top_k < 1:
        print("错误：--top-k 必须是正整数", file=sys.stderr)
        return 2
    try:
        stats = run(args.pool, args.queries, args.out, args.top_k)
    except InputError as exc:
        print(f"错误：{exc}", file=sys.stderr)
        return 2
    if not args.quiet:
        print(f"{stats['firms']} 家企业，{stats['queries']} 个查询，写出 {stats['rows']} 行"
              f"（建索引 {stats['build_s']:.2f} 秒，查询 {stats['query_s']:.2f} 秒）→ {args.out}",
              file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
