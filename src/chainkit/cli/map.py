"""`lianzhang-map`: train a mapping model and predict links from CSV files, no Django.

    lianzhang-map train   --taxonomy T.csv --examples E.csv --model M
    lianzhang-map predict --model M --records R.csv --top-k 5 --out P.csv

T: node_id,parent_id,name,keywords[,negative_keywords,industry_codes]
E: id,name,text,products,weights,industry_code,label
R: id,name,text,products,weights,industry_code
P: id,rank,node_id,score

Bad input prints a Chinese message on stderr and exits with code 2; output files are
written to a temporary name and renamed only when complete, so nothing half-written
is ever left behind.
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
from collections.abc import Sequence
from pathlib import Path

from ..csvio import write_csv
from ..errors import InputError
from ..mapping import Mapper, MapperConfig, Taxonomy, read_examples, read_records

__all__ = ["main", "build_parser"]


class _Parser(argparse.ArgumentParser):
    """argparse that raises instead of exiting, so main() owns the exit code."""

    def error(self, message: str) -> None:  # type: ignore[override]
        """Turn a usage error into InputError (exit code 2 like other bad input)."""
        raise InputError(f"参数错误：{message}")


def build_parser() -> argparse.ArgumentParser:
    """The command-line interface."""
    parser = _Parser(prog="lianzhang-map", description="挂链：训练映射模型、预测企业所属节点")
    sub = parser.add_subparsers(dest="command", required=True)
    train = sub.add_parser("train", help="从分类体系和已确认样本训练模型")
    train.add_argument("--taxonomy", required=True, type=Path)
    train.add_argument("--examples", required=True, type=Path)
    train.add_argument("--model", required=True, type=Path)
    train.add_argument("--seed", type=int, default=0)
    predict = sub.add_parser("predict", help="对记录预测前 k 个节点")
    predict.add_argument("--model", required=True, type=Path)
    predict.add_argument("--records", required=True, type=Path)
    predict.add_argument("--top-k", type=int, default=5)
    predict.add_argument("--out", required=True, type=Path)
    predict.add_argument("--taxonomy", type=Path,
                         help="可选：核对模型是否由该分类体系训练")
    for p in (train, predict):
        p.error = parser.error  # type: ignore[method-assign]
    return parser


def _train(args: argparse.Namespace) -> None:
    """Read, validate, fit, save (atomically)."""
    taxonomy = Taxonomy.from_csv(args.taxonomy)
    examples = read_examples(args.examples, taxonomy.ids)
    _check_parent(args.model)
    mapper = Mapper(MapperConfig(seed=args.seed)).fit(taxonomy, examples)
    mapper.save(args.model)


def _predict(args: argparse.Namespace) -> None:
    """Load, predict, write the CSV (atomically)."""
    if args.top_k < 1:
        raise InputError("--top-k 必须是正整数")
    taxonomy = Taxonomy.from_csv(args.taxonomy) if args.taxonomy else None
    mapper = Mapper.load(args.model, taxonomy)
    records = read_records(args.records)
    _check_parent(args.out)
    results = mapper.predict(records, top_k=args.top_k)
    rows = [(p.record_id, rank, link.node_id, f"{link.score:.4f}")
            for p in results for rank, link in enumerate(p.links, start=1)]
    fd, tmp = tempfile.mkstemp(prefix=".tmp-", suffix=".csv", dir=args.out.parent)
    os.close(fd)
    try:
        write_csv(tmp, ["id", "rank", "node_id", "score"], rows)
        _default_mode(tmp)
        os.replace(tmp, args.out)
    except BaseException:
        if os.path.exists(tmp):
            os.unlink(tmp)
        raise


def _check_parent(path: Path) -> None:
    """Refuse early when the output folder does not exist."""
    if not path.resolve().parent.is_dir():
        raise InputError(f"输出目录不存在：{path.resolve().parent}")


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command; 0 on success, 2 on bad input (message on stderr)."""
    try:
        args = build_parser().parse_args(argv)
        if args.command == "train":
            _train(args)
        else:
            _predict(args)
    except InputError as exc:
        print(f"错误：{exc}", file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":
    raise SystemExit(main())


def _default_mode(path: str) -> None:
    """mkstemp creates files private (0600); give the final file the usual umask mode."""
    umask = os.umask(0)
    os.umask(umask)
    os.chmod(path, 0o666 & ~umask)
