"""Flat tabular formats for chain maps (documented in :mod:`chainkit.chainmap`):
one row per node, either with a path column or with node id / parent id columns.

Rows are dicts as the web app's XLSX/CSV reader produces them; headers may be Chinese or
English. File I/O is the caller's: this module sees rows only.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Mapping
from typing import Any

from .chainmap_fields import FIELDS, PATH_SEP, SEGMENT_LABELS
from .chainmap_model import ChainMap, MapError, RawNode, build_map
from .text import normalize

__all__ = ["ID_COLUMNS_EN", "ID_COLUMNS_ZH", "ROW_COLUMNS_EN", "ROW_COLUMNS_ZH",
           "from_id_rows", "from_rows", "to_id_rows", "to_rows"]

# Canonical column name → accepted headers (compared after normalize(), "_" and "*"
# dropped and any bracketed hint removed, so "关键词（|分隔）" and "Is_Core" both work).
_HEADERS: dict[str, tuple[str, ...]] = {
    "path": ("路径", "节点路径", "path", "nodepath"),
    "parent_path": ("上级路径", "上级节点路径", "parentpath"),
    "name": ("节点", "节点名称", "节点名", "名称", "name", "node"),
    "segment": ("环节", "上中下游", "产业链环节", "segment"),
    "keywords": ("关键词", "关键字", "别名", "keywords", "aliases"),
    "negative_keywords": ("排除词", "排除关键词", "否定词", "负面关键词", "negativekeywords",
                          "exclude", "excludes"),
    "industry_codes": ("行业代码", "国民经济行业代码", "国标行业代码", "行业分类代码",
                       "industrycodes", "codes", "gbt4754"),
    "weight": ("权重", "价值占比", "weight"),
    "is_core": ("核心零部件", "核心", "是否核心", "是否核心零部件", "iscore", "core"),
    "description": ("说明", "描述", "备注", "description", "note"),
    "node_id": ("编号", "节点编号", "id", "nodeid"),
    "parent_id": ("上级编号", "上级节点编号", "父节点编号", "parentid"),
}
# Columns people add for their own reading (a running number, the level); never data.
_IGNORED = {"序号", "层级", "级别", "level", "no", "#", "rownum"}
_ALIASES = {alias: key for key, aliases in _HEADERS.items() for alias in aliases}
_DEFAULT_LABEL = {"path": "路径", "parent_path": "上级路径", "name": "节点", "segment": "环节",
                  "keywords": "关键词", "negative_keywords": "排除词", "industry_codes": "行业代码",
                  "weight": "权重", "is_core": "核心零部件", "description": "说明",
                  "node_id": "编号", "parent_id": "上级编号"}
_EN_LABEL = {"path": "path", "name": "name", "node_id": "node_id", "parent_id": "parent_id",
             **{f: f for f in FIELDS}}
ROW_COLUMNS_ZH = tuple(_DEFAULT_LABEL[k] for k in ("path", "name", *FIELDS))
ROW_COLUMNS_EN = tuple(_EN_LABEL[k] for k in ("path", "name", *FIELDS))
ID_COLUMNS_ZH = tuple(_DEFAULT_LABEL[k] for k in ("node_id", "parent_id", "name", *FIELDS))
ID_COLUMNS_EN = tuple(_EN_LABEL[k] for k in ("node_id", "parent_id", "name", *FIELDS))
_HINT = re.compile(r"\(.*?\)")


def _canonical(header: str) -> str | None:
    """The canonical key of a header; None for ignored columns, "?" if unknown."""
    key = _HINT.sub("", normalize(header)).replace("_", "").replace("*", "")
    if key in _IGNORED:
        return None
    return _ALIASES.get(key, "?")


def _columns(rows: list[Mapping[str, Any]], allowed: set[str]) -> tuple[dict[str, str], list[str]]:
    """Map each source header to its canonical key; report unknown or doubled columns."""
    columns: dict[str, str] = {}
    errors: list[str] = []
    headers = list(dict.fromkeys(h for row in rows for h in row if h is not None and str(h).strip()))
    for header in headers:
        key = _canonical(str(header))
        if key is None:
            continue
        if key not in allowed:
            names = "、".join(_DEFAULT_LABEL[k] for k in _HEADERS if k in allowed)
            errors.append(f"未知的列“{header}”（可用的列：{names}）")
        elif key in columns.values():
            errors.append(f"列“{header}”与另一列重复")
        else:
            columns[str(header)] = key
    return columns, errors


def _cells(row: Mapping[str, Any], columns: Mapping[str, str]) -> dict[str, Any]:
    """A row's cells keyed by canonical column."""
    return {key: row.get(header) for header, key in columns.items()}


def _blank(value: object) -> bool:
    """Whether a cell is empty."""
    return value is None or not str(value).strip()


def _split_path(value: object) -> tuple[str, ...]:
    """"上游 / 材料" → ("上游", "材料")."""
    # NFKC turns the full-width "／" typed in Chinese IMEs into "/".
    text = unicodedata.normalize("NFKC", str(value or "")).strip().strip(PATH_SEP)
    return tuple(part.strip() for part in text.split(PATH_SEP)) if text else ()


def _labels(columns: Mapping[str, str], path_key: str = "path") -> dict[str, str]:
    """Column labels for messages, spelt as the file spells them."""
    labels = dict(_DEFAULT_LABEL)
    labels.update({key: header for header, key in columns.items()})
    labels["path"] = labels[path_key]
    return labels


def _meta(name: str, code: str, category: str, description: str,
          towns: Iterable[str]) -> dict[str, object]:
    """Chain metadata as build_map expects it."""
    return {"name": name, "code": code, "category": category, "description": description,
            "towns": list(towns)}


def from_rows(rows: Iterable[Mapping[str, Any]], *, name: str = "", code: str = "",
              category: str = "", description: str = "", towns: Iterable[str] = (),
              first_row: int = 2) -> ChainMap:
    """Build a map from one-row-per-node dicts with a path column ("上游/核心零部件/压缩机")
    or a parent-path column plus a name column. `first_row` is the number users see for
    the first data row (2 when a header line precedes it). Raises MapError with
    "第N行 列名: 原因" messages; fully empty rows are skipped."""
    rows = list(rows)
    allowed = set(_HEADERS) - {"node_id", "parent_id"}
    columns, errors = _columns(rows, allowed)
    keys = set(columns.values())
    if "path" not in keys and "name" not in keys:
        errors.append("缺少“路径”列（或“上级路径”与“节点”列）")
    if errors:
        raise MapError(errors)
    labels = _labels(columns)
    raws: list[RawNode] = []
    for number, row in enumerate(rows, first_row):
        cells = _cells(row, columns)
        if all(_blank(v) for v in cells.values()):
            continue
        name_cell = None if _blank(cells.get("name")) else str(cells["name"]).strip()
        path = _split_path(cells.get("path"))
        if not path and name_cell is not None:
            path = (*_split_path(cells.get("parent_path")), name_cell)
        elif not path:
            errors.append(f"第{number}行 {labels['path']}: 路径和节点名不能都为空")
            continue
        raws.append(RawNode(where=f"第{number}行", path=path, name=name_cell,
                            values={f: cells.get(f) for f in FIELDS}))
    try:
        chain = build_map(_meta(name, code, category, description, towns), raws, labels)
    except MapError as exc:
        errors.extend(exc.errors)
    if errors:
        raise MapError(errors)
    return chain


def _id(value: object) -> str:
    """A node id cell as text."""
    if isinstance(value, float) and value.is_integer():
        value = int(value)  # spreadsheets hand 3 over as 3.0
    return "" if value is None else str(value).strip()


def from_id_rows(rows: Iterable[Mapping[str, Any]], *, name: str = "", code: str = "",
                 category: str = "", description: str = "", towns: Iterable[str] = (),
                 first_row: int = 2) -> ChainMap:
    """Build a map from rows with node id / parent id columns (编号/上级编号 or
    node_id/parent_id) and a name column. Detects duplicate ids, unknown parents and
    cycles ("第N行 上级编号: 上级关系形成循环（3 → 5 → 3）")."""
    rows = list(rows)
    allowed = set(_HEADERS) - {"path", "parent_path"}
    columns, errors = _columns(rows, allowed)
    missing = [_DEFAULT_LABEL[k] for k in ("node_id", "parent_id", "name")
               if k not in columns.values()]
    if missing:
        errors.append(f"缺少必需的列：{'、'.join(missing)}")
    if errors:
        raise MapError(errors)
    labels = _labels(columns, path_key="name")
    pid_label = labels["parent_id"]
    entries: dict[str, tuple[int, str, dict[str, Any]]] = {}  # id → (row, parent id, cells)
    for number, row in enumerate(rows, first_row):
        cells = _cells(row, columns)
        if all(_blank(v) for v in cells.values()):
            continue
        node_id, parent_id = _id(cells.get("node_id")), _id(cells.get("parent_id"))
        if not node_id:
            errors.append(f"第{number}行 {labels['node_id']}: 编号不能为空")
        elif node_id in entries:
            errors.append(f"第{number}行 {labels['node_id']}: 编号“{node_id}”重复"
                          f"（第{entries[node_id][0]}行已使用）")
        else:
            entries[node_id] = (number, parent_id, cells)
    bad = _check_parents(entries, pid_label, errors)
    raws: list[RawNode] = []
    paths: dict[str, tuple[str, ...]] = {}
    for node_id, (number, _parent, cells) in entries.items():
        if node_id in bad:
            continue
        path = _id_path(node_id, entries, paths)
        raws.append(RawNode(where=f"第{number}行", path=path,
                            values={f: cells.get(f) for f in FIELDS}))
    try:
        chain = build_map(_meta(name, code, category, description, towns), raws, labels)
    except MapError as exc:
        errors.extend(exc.errors)
    if errors:
        raise MapError(errors)
    return chain


def _check_parents(entries: Mapping[str, tuple[int, str, dict]], label: str,
                   errors: list[str]) -> set[str]:
    """Report unknown parents and cycles; return the ids that cannot be placed in the
    tree (those nodes and everything below them). Each node is walked once: O(n)."""
    bad: set[str] = set()
    state: dict[str, int] = {}  # 1 = on the current walk, 2 = settled
    for start in entries:
        walk: list[str] = []
        node, failed = start, False
        while node:
            if state.get(node) == 2:
                failed = node in bad
                break
            if state.get(node) == 1:  # came back to a node of this walk: a cycle
                cycle = [*walk[walk.index(node):], node]
                errors.append(f"第{entries[node][0]}行 {label}: 上级关系形成循环"
                              f"（{' → '.join(cycle)}）")
                failed = True
                break
            state[node] = 1
            walk.append(node)
            number, parent, _cells = entries[node]
            if parent and parent not in entries:
                errors.append(f"第{number}行 {label}: 上级编号“{parent}”不存在")
                failed = True
                break
            node = parent
        for item in walk:
            state[item] = 2
        if failed:
            bad.update(walk)
    return bad


def _id_path(node_id: str, entries: Mapping[str, tuple[int, str, dict]],
             paths: dict[str, tuple[str, ...]]) -> tuple[str, ...]:
    """The name path of an id, memoised in `paths` (ids must be cycle-free)."""
    chain: list[str] = []
    node = node_id
    while node and node not in paths:
        chain.append(node)
        node = entries[node][1]
    base = paths.get(node, ()) if node else ()
    for item in reversed(chain):
        base = (*base, str(entries[item][2].get("name") or "").strip())
        paths[item] = base
    return paths[node_id]


def _row_values(node: Any, english: bool) -> dict[str, str]:
    """The attribute cells of one exported row."""
    return {
        "segment": node.segment if english else SEGMENT_LABELS[node.segment],
        "keywords": "|".join(node.keywords),
        "negative_keywords": "|".join(node.negative_keywords),
        "industry_codes": "|".join(node.industry_codes),
        "weight": f"{node.weight:g}",
        "is_core": ("yes" if english else "是") if node.is_core else ("no" if english else "否"),
        "description": node.description,
    }


def to_rows(chain: ChainMap, *, english: bool = False) -> list[dict[str, str]]:
    """One dict per node (pre-order) keyed by ROW_COLUMNS_ZH (or _EN): the table that
    XLSX export writes and :func:`from_rows` reads back. Lists are "|"-joined."""
    label = _EN_LABEL if english else _DEFAULT_LABEL
    out = []
    for node in chain.nodes:
        row = {label["path"]: node.path_text, label["name"]: node.name}
        row.update({label[k]: v for k, v in _row_values(node, english).items()})
        out.append(row)
    return out


def to_id_rows(chain: ChainMap, *, english: bool = False) -> list[dict[str, str]]:
    """Like :func:`to_rows` with 编号/上级编号 (1, 2, … in pre-order) instead of the path."""
    label = _EN_LABEL if english else _DEFAULT_LABEL
    ids = {node.path: str(i) for i, node in enumerate(chain.nodes, 1)}
    out = []
    for node in chain.nodes:
        row = {label["node_id"]: ids[node.path], label["parent_id"]: ids.get(node.parent_path, ""),
               label["name"]: node.name}
        row.update({label[k]: v for k, v in _row_values(node, english).items()})
        out.append(row)
    return out
