"""Reading firm pools and gap queries from CSV files (the evaluation command's formats).

POOL: id,name,products,weights [,region,revenue,growth,tags,listed,supplies_local,
distance_band]; products, weights and tags are `|`-separated. Unknown columns are
refused: a misspelt optional column would otherwise be silently ignored.
QUERIES: qid,query [,keywords,sub_products]; other columns (e.g. `relevant` in an
evaluation file) are ignored.
"""

from __future__ import annotations

from pathlib import Path

from ..csvio import read_csv
from ..errors import InputError
from ..text import normalize, parse_weights, split_list
from .model import Firm, GapQuery

__all__ = ["POOL_COLUMNS", "POOL_OPTIONAL", "QUERY_COLUMNS", "read_pool_csv",
           "read_queries_csv", "firms_from_rows", "queries_from_rows"]

POOL_COLUMNS = ("id", "name", "products", "weights")
POOL_OPTIONAL = ("region", "revenue", "growth", "tags", "listed", "supplies_local",
                 "distance_band")
QUERY_COLUMNS = ("qid", "query")
_TRUE = {"1", "true", "yes", "y", "是", "上市", "t"}
_FALSE = {"", "0", "false", "no", "n", "否", "f"}


def _number(value: str, column: str, line: int, integer: bool = False) -> float | int | None:
    """Parse an optional number cell ("" → None; thousands separators allowed)."""
    value = value.replace(",", "").replace("，", "").strip()
    if not value:
        return None
    try:
        return int(value) if integer else float(value)
    except ValueError:
        kind = "整数" if integer else "数字"
        raise InputError(f"第 {line} 行的 {column} 不是{kind}：{value}")


def firms_from_rows(rows: list[dict[str, str]], source: str = "企业池") -> list[Firm]:
    """Firms from CSV-like rows (line numbers in messages assume a header line).

    Raises InputError on unknown columns, empty or duplicate ids, bad numbers and
    products/weights of different lengths."""
    if not rows:
        raise InputError(f"{source}没有任何企业")
    unknown = [c for c in rows[0] if c not in POOL_COLUMNS + POOL_OPTIONAL]
    if unknown:
        raise InputError(f"{source}含有未知的列：{', '.join(unknown)}"
                         f"（允许的列：{', '.join(POOL_COLUMNS + POOL_OPTIONAL)}）")
    firms: list[Firm] = []
    first_line: dict[str, int] = {}
    duplicates: list[str] = []
    for n, row in enumerate(rows, start=2):
        fid = row.get("id", "")
        if not fid:
            raise InputError(f"{source}第 {n} 行缺少 id")
        if fid in first_line:
            duplicates.append(f"{fid}（第 {first_line[fid]} 行与第 {n} 行）")
            continue
        first_line[fid] = n
        products = split_list(row.get("products"))
        try:
            weights = parse_weights(row.get("weights"), len(products))
        except ValueError as exc:
            raise InputError(f"{source}第 {n} 行（id {fid}）：{exc}")
        listed = row.get("listed", "").strip().lower()
        if listed not in _TRUE | _FALSE:
            raise InputError(f"{source}第 {n} 行的 listed 无法识别：{listed}（应为 1/0、是/否）")
        band = _number(row.get("distance_band", ""), "distance_band", n, integer=True)
        if band is not None and not 0 <= band <= 3:
            raise InputError(f"{source}第 {n} 行的 distance_band 应在 0–3 之间：{band}")
        firms.append(Firm(
            id=fid, name=row.get("name", ""), products=tuple(products), weights=tuple(weights),
            region=row.get("region", ""),
            revenue=_number(row.get("revenue", ""), "revenue", n),
            growth=_number(row.get("growth", ""), "growth", n),
            tags=tuple(split_list(row.get("tags"))), listed=listed in _TRUE,
            supplies_local=int(_number(row.get("supplies_local", ""), "supplies_local", n,
                                       integer=True) or 0),
            distance_band=None if band is None else int(band)))
    if duplicates:
        shown = "；".join(duplicates[:5]) + (f" 等 {len(duplicates)} 处" if len(duplicates) > 5 else "")
        raise InputError(f"{source}中企业 id 重复：{shown}")
    return firms


def read_pool_csv(path: str | Path) -> list[Firm]:
    """Read a pool CSV file into Firm records (InputError on bad input)."""
    path = Path(path)
    return firms_from_rows(read_csv(path, required=POOL_COLUMNS), source=f"企业池 {path.name} ")


def queries_from_rows(rows: list[dict[str, str]], source: str = "查询") -> list[GapQuery]:
    """Gap queries from CSV-like rows; InputError on empty or duplicate qid / query."""
    queries: list[GapQuery] = []
    seen: dict[str, int] = {}
    for n, row in enumerate(rows, start=2):
        qid, text = row.get("qid", ""), row.get("query", "")
        if not qid:
            raise InputError(f"{source}第 {n} 行缺少 qid")
        if qid in seen:
            raise InputError(f"{source}中 qid 重复：{qid}（第 {seen[qid]} 行与第 {n} 行）")
        seen[qid] = n
        if not normalize(text):  # e.g. only full-width spaces: nothing left to match
            raise InputError(f"{source}第 {n} 行（qid {qid}）的 query 为空")
        queries.append(GapQuery(name=text, qid=qid,
                                keywords=tuple(split_list(row.get("keywords"))),
                                sub_products=tuple(split_list(row.get("sub_products")))))
    return queries


def read_queries_csv(path: str | Path) -> list[GapQuery]:
    """Read a queries CSV file into GapQuery records (InputError on bad input)."""
    path = Path(path)
    return queries_from_rows(read_csv(path, required=QUERY_COLUMNS), source=f"查询文件 {path.name} ")
