"""`lianzhang resolve-names`: match a list of firm names to a registry.

    lianzhang resolve-names --registry REG.csv --queries Q.csv --out OUT.csv

REG: id,name[,uscc,aliases,former_names] (aliases and former names `|`-separated);
Q: qid,name[,uscc]; OUT: qid,id,score — one row per query, `id` empty when the
resolver abstains (ambiguous or no plausible match), `score` the probability of the
best candidate (0–1). Bad input → a Chinese message on stderr, exit status 2, and no
output file. The Django command of the same name calls `main`.
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from collections.abc import Sequence
from pathlib import Path

from ..csvio import read_csv, write_csv
from ..errors import InputError
from ..resolve import DEFAULT_ACCEPT, DEFAULT_MARGIN, DEFAULT_REJECT, Record, Resolver
from ..text import split_list
from ..uscc import validate_uscc

__all__ = ["main", "run", "read_registry", "read_queries"]


def _check_uscc(path: Path, line: int, value: str) -> str:
    """Return a non-empty USCC cell unchanged; raise InputError when it is invalid."""
    if value:
        problem = validate_uscc(value)
        if problem:
            raise InputError(f"{path.name} 第{line}行 uscc：{problem}")
    return value


def read_registry(path: str | Path) -> list[Record]:
    """Read REG.csv into records; ids must be present and unique."""
    path = Path(path)
    rows = read_csv(path, required=("id", "name"))
    records, seen = [], set()
    for line, row in enumerate(rows, start=2):  # line 1 is the header
        if not row["id"]:
            raise InputError(f"{path.name} 第{line}行 id：不能为空")
        if not row["name"]:
            raise InputError(f"{path.name} 第{line}行 name：不能为空")
        if row["id"] in seen:
            raise InputError(f"{path.name} 第{line}行 id：“{row['id']}”重复")
        seen.add(row["id"])
        records.append(Record(
            id=row["id"], name=row["name"], uscc=_check_uscc(path, line, row.get("uscc", "")),
            aliases=tuple(split_list(row.get("aliases"))),
            former_names=tuple(split_list(row.get("former_names")))))
    return records


def read_queries(path: str | Path) -> list[tuple[str, str, str]]:
    """Read Q.csv into (qid, name, uscc) triples; qid must be present."""
    path = Path(path)
    rows = read_csv(path, required=("qid", "name"))
    out = []
    for line, row in enumerate(rows, start=2):
        if not row["qid"]:
            raise InputError(f"{path.name} 第{line}行 qid：不能为空")
        out.append((row["qid"], row["name"], _check_uscc(path, line, row.get("uscc", ""))))
    return out


def run(registry: str | Path, queries: str | Path, out: str | Path,
        accept: float = DEFAULT_ACCEPT, margin: float = DEFAULT_MARGIN,
        reject: float = DEFAULT_REJECT) -> dict[str, float]:
    """Resolve every query and write OUT.csv; returns counts and timings.

    All input is read and validated before anything is written, and the output goes
    to a temporary file renamed at the end, so a failure never leaves a partial file."""
    t0 = time.perf_counter()
    records = read_registry(registry)
    qs = read_queries(queries)
    resolver = Resolver(records)
    t1 = time.perf_counter()
    rows, matched = [], 0
    for qid, name, uscc in qs:
        decision = resolver.best(name, uscc=uscc or None, accept=accept, margin=margin,
                                 reject=reject)
        matched += decision.id is not None
        rows.append((qid, decision.id or "", f"{decision.score:.4f}"))
    t2 = time.perf_counter()
    out = Path(out)
    tmp = out.with_name(out.name + ".tmp")
    try:
        write_csv(tmp, ("qid", "id", "score"), rows)
        os.replace(tmp, out)
    finally:
        tmp.unlink(missing_ok=True)
    return {"firms": len(records), "queries": len(qs), "matched": matched,
            "build_s": t1 - t0, "query_s": t2 - t1}


def main(argv: Sequence[str] | None = None) -> int:
    """Command-line entry point; returns the exit status (0 ok, 2 bad input)."""
    parser = argparse.ArgumentParser(
        prog="lianzhang resolve-names",
        description="将企业名称（全称、简称、曾用名）匹配到企业名录，输出 qid,id,score；"
                    "不确定时 id 留空")
    parser.add_argument("--registry", required=True,
                        help="企业名录 CSV：id,name[,uscc,aliases,former_names]（别名用 | 分隔）")
    parser.add_argument("--queries", required=True, help="待匹配 CSV：qid,name[,uscc]")
    parser.add_argument("--out", required=True, help="输出 CSV：qid,id,score")
    parser.add_argument("--accept", type=float, default=DEFAULT_ACCEPT,
                        help=f"确认匹配的最低概率（默认 {DEFAULT_ACCEPT}）")
    parser.add_argument("--margin", type=float, default=DEFAULT_MARGIN,
                        help=f"领先第二候选的最小概率差（默认 {DEFAULT_MARGIN}）")
    parser.add_argument("--reject", type=float, default=DEFAULT_REJECT,
                        help=f"低于此概率视为名录中没有该企业（默认 {DEFAULT_REJECT}）")
    parser.add_argument("--quiet", action="store_true", help="不在 stderr 打印统计")
    args = parser.parse_args(argv)
    for option in ("accept", "margin", "reject"):
        if not 0.0 <= getattr(args, option) <= 1.0:
            print(f"错误：--{option} 必须在 0 到 1 之间", file=sys.stderr)
            return 2
    try:
        stats = run(args.registry, args.queries, args.out, args.accept, args.margin,
                    args.reject)
    except InputError as exc:
        print(f"错误：{exc}", file=sys.stderr)
        return 2
    if not args.quiet:
        print(f"{stats['firms']} 家企业，{stats['queries']} 个查询，确认匹配 {stats['matched']} 个"
              f"（建索引 {stats['build_s']:.2f} 秒，匹配 {stats['query_s']:.2f} 秒）→ {args.out}",
              file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
