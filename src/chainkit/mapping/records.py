"""Firm records to map, and labelled examples to learn from.

A record is what a registry or an office's spreadsheet knows about a firm: name,
business scope (经营范围), GB/T 4754 industry code and main products with optional
revenue shares. Parsing errors name the row and column ("第N行 列名: 原因").
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path

from ..csvio import read_csv
from ..errors import InputError
from ..text import parse_weights, split_list

__all__ = ["Record", "Example", "RECORD_COLUMNS", "parse_record", "parse_records",
           "parse_examples", "read_records", "read_examples", "product_shares"]

RECORD_COLUMNS = ("id", "name", "text", "products", "weights", "industry_code")


@dataclass(frozen=True)
class Record:
    """One firm to map. `weights` aligns with `products` (None where unknown)."""

    id: str
    name: str = ""
    text: str = ""
    industry_code: str = ""
    products: tuple[str, ...] = ()
    weights: tuple[float | None, ...] = ()


@dataclass(frozen=True)
class Example:
    """A labelled record: a confirmed link (positive) or a rejected one (negative)."""

    record: Record
    label: str
    positive: bool = True


def parse_record(row: Mapping[str, str], line: int | None = None) -> Record:
    """Build a Record from a CSV-like row; `line` (1-based, header = 1) goes into errors."""
    where = f"第{line}行 " if line is not None else ""
    rid = (row.get("id") or "").strip()
    if not rid:
        raise InputError(f"{where}id: 不能为空")
    products = tuple(split_list(row.get("products")))
    try:
        weights = tuple(parse_weights(row.get("weights"), len(products)))
    except ValueError as exc:
        raise InputError(f"{where}weights: {exc}（记录 {rid}）") from None
    for w in weights:
        if w is not None and w != w:  # NaN parses as a float but means nothing
            raise InputError(f"{where}weights: 权重不是有效数字（记录 {rid}）")
    return Record(
        id=rid,
        name=(row.get("name") or "").strip(),
        text=(row.get("text") or "").strip(),
        industry_code=(row.get("industry_code") or "").strip(),
        products=products,
        weights=weights,
    )


def parse_records(rows: Iterable[Mapping[str, str]]) -> list[Record]:
    """Parse rows into records; duplicate ids are refused (results are keyed by id)."""
    out: list[Record] = []
    seen: set[str] = set()
    for line, row in enumerate(rows, start=2):
        rec = parse_record(row, line)
        if rec.id in seen:
            raise InputError(f"第{line}行 id: 记录编号重复：{rec.id}")
        seen.add(rec.id)
        out.append(rec)
    return out


def parse_examples(rows: Iterable[Mapping[str, str]],
                   known_labels: Iterable[str] | None = None) -> list[Example]:
    """Parse labelled rows (record columns + `label`, optional `status` = rejected).

    A label outside `known_labels` (the taxonomy's ids) is refused with its row."""
    known = set(known_labels) if known_labels is not None else None
    out: list[Example] = []
    for line, row in enumerate(rows, start=2):
        rec = parse_record(row, line)
        label = (row.get("label") or "").strip()
        if not label:
            raise InputError(f"第{line}行 label: 不能为空（记录 {rec.id}）")
        if known is not None and label not in known:
            raise InputError(f"第{line}行 label: 节点 {label} 不在分类体系中（记录 {rec.id}）")
        status = (row.get("status") or "").strip().lower()
        out.append(Example(rec, label, positive=status not in ("rejected", "reject", "否决", "驳回")))
    if not out:
        raise InputError("训练样本为空：没有任何带标签的记录")
    return out


def read_records(path: str | Path) -> list[Record]:
    """Read a records CSV (`id,name,text,products,weights,industry_code`)."""
    return parse_records(read_csv(path, required=RECORD_COLUMNS))


def read_examples(path: str | Path, known_labels: Iterable[str] | None = None) -> list[Example]:
    """Read an examples CSV (record columns + `label`)."""
    return parse_examples(read_csv(path, required=(*RECORD_COLUMNS, "label")), known_labels)


def product_shares(record: Record) -> list[float]:
    """Each product's importance in (0, 1]: weight / max weight, floored at 0.05.

    Reported revenue shares are noisy (mixed periods, sums ≈ 2, values ≤ 0 or > 1), so
    only their ratio to the largest is trusted. Without usable weights, the listing
    order stands in: 1, 1/2, 1/3 … (firms list their main product first)."""
    n = len(record.products)
    if n == 0:
        return []
    ws = [w if (w is not None and w > 0) else 0.0 for w in record.weights] or [0.0] * n
    top = max(ws)
    if top <= 0:
        return [1.0 / (i + 1) for i in range(n)]
    return [max(w / top, 0.05) for w in ws]
