"""Chain-map data model, field parsing and validation.

The public face is :mod:`chainkit.chainmap`, which documents the file formats. Every
format (nested YAML, flat rows, id/parent rows) is first turned into :class:`RawNode`
records and then goes through the one validator here, :func:`build_map`, so a map is
checked the same way whichever file it came from (DESIGN §6: no second validation path).
"""

from __future__ import annotations

import re
from collections.abc import Collection, Iterable, Mapping
from dataclasses import dataclass, field

from .chainmap_fields import (
    FIELDS,
    PATH_SEP,
    SEGMENT_LABELS,
    clean_text,
    parse_category,
    parse_field,
    parse_list,
    parse_segment,
    path_text,
)
from .errors import InputError

__all__ = ["ChainMap", "MapError", "MapNode", "RawNode", "build_map", "check_codes",
           "validate_map"]


class MapError(InputError):
    """A chain map failed validation; `errors` lists every problem, one message each."""

    def __init__(self, errors: list[str]):
        """Keep the list and show the first problems in the message (long lists are cut)."""
        self.errors = list(errors)
        shown = self.errors[:20]
        more = f"\n……另有 {len(self.errors) - 20} 处错误" if len(self.errors) > 20 else ""
        super().__init__("\n".join(shown) + more)


@dataclass
class MapNode:
    """One node of a chain map. `path` runs from the top-level node down to this one."""

    path: tuple[str, ...]
    name: str
    segment: str
    keywords: list[str] = field(default_factory=list)
    negative_keywords: list[str] = field(default_factory=list)
    industry_codes: list[str] = field(default_factory=list)
    weight: float = 1.0
    is_core: bool = False
    description: str = ""

    @property
    def level(self) -> int:
        """Depth of the node: 1 for a top-level node."""
        return len(self.path)

    @property
    def parent_path(self) -> tuple[str, ...]:
        """Path of the parent node; () for a top-level node."""
        return self.path[:-1]

    @property
    def path_text(self) -> str:
        """The path joined with "/" as shown to users and written to files."""
        return path_text(self.path)

    @property
    def segment_label(self) -> str:
        """The segment in Chinese (上游/中游/下游)."""
        return SEGMENT_LABELS[self.segment]


@dataclass
class ChainMap:
    """A chain's metadata and its node tree, nodes listed parents first (pre-order).

    Build it through the loaders (or :func:`validate_map`) so the order and the rules hold;
    treat it as a value: the query methods rebuild their index on each call."""

    name: str
    code: str = ""
    category: str = ""
    description: str = ""
    towns: list[str] = field(default_factory=list)
    nodes: list[MapNode] = field(default_factory=list)

    def index(self) -> dict[tuple[str, ...], MapNode]:
        """Map every path to its node."""
        return {n.path: n for n in self.nodes}

    def node(self, path: str | Iterable[str]) -> MapNode:
        """The node at `path` ("上游/原材料" or a tuple); KeyError when absent."""
        key = tuple(path.split(PATH_SEP)) if isinstance(path, str) else tuple(path)
        return self.index()[key]

    def children(self, path: str | Iterable[str] = ()) -> list[MapNode]:
        """Direct children of `path` in order; the top-level nodes for ()."""
        key = tuple(path.split(PATH_SEP)) if isinstance(path, str) else tuple(path)
        return [n for n in self.nodes if n.parent_path == key]

    def leaves(self) -> list[MapNode]:
        """Nodes without children: the ones completeness and coverage count (DESIGN §4)."""
        parents = {n.parent_path for n in self.nodes}
        return [n for n in self.nodes if n.path not in parents]


@dataclass
class RawNode:
    """A node as read from a file, before validation: `where` names it in messages
    ("第5行" or "节点“上游/原材料”") and `values` holds raw cells keyed by FIELDS."""

    where: str
    path: tuple[str, ...]
    values: dict[str, object] = field(default_factory=dict)
    name: str | None = None  # a separate name cell, checked against the path's last part


def _check_name(name: str) -> str | None:
    """Why `name` cannot be a node name, or None."""
    if not name:
        return "节点名不能为空"
    if PATH_SEP in name:
        return f"节点名“{name}”不能包含“/”（“/”用于分隔路径）"
    return None


def build_map(meta: Mapping[str, object], raws: Iterable[RawNode],
              labels: Mapping[str, str]) -> ChainMap:
    """Validate raw nodes and chain metadata into a ChainMap (parents first, siblings in
    input order). `labels` names each field (and "path", "name") in messages the way the
    source spells it. Raises MapError listing every problem found."""
    errors: list[str] = []
    chain = _build_meta(meta, errors)
    raws = list(raws)
    seen: dict[tuple[str, ...], str] = {}
    parsed: dict[tuple[str, ...], dict[str, object]] = {}
    for raw in raws:
        problem = _check_raw_path(raw, labels)
        if problem:
            errors.append(problem)
            continue
        if raw.path in seen:
            first = f"（{seen[raw.path]}已有）" if seen[raw.path] != raw.where else ""
            errors.append(f"{raw.where} {labels['path']}: 节点“{path_text(raw.path)}”重复{first}")
            continue
        seen[raw.path] = raw.where
        values: dict[str, object] = {}
        for name in FIELDS:
            try:
                values[name] = parse_field(name, raw.values.get(name))
            except ValueError as exc:
                errors.append(f"{raw.where} {labels[name]}: {exc}")
                values[name] = None  # reported once; later checks must not trip on it
        parsed[raw.path] = values
    _check_tree(raws, seen, parsed, labels, errors)
    if errors:
        raise MapError(errors)
    chain.nodes = _ordered_nodes(raws, parsed)
    return chain


def _check_raw_path(raw: RawNode, labels: Mapping[str, str]) -> str | None:
    """The message for a raw node whose path or name cell is unusable, or None."""
    if not raw.path:
        return f"{raw.where} {labels['path']}: 路径不能为空"
    for part in raw.path:
        problem = _check_name(part)
        if problem:
            return f"{raw.where} {labels['path']}: {problem}"
    if raw.name is not None and raw.name.strip() and raw.name.strip() != raw.path[-1]:
        return (f"{raw.where} {labels['name']}: 节点名“{raw.name.strip()}”与路径末级"
                f"“{raw.path[-1]}”不一致")
    return None


def _check_tree(raws: list[RawNode], seen: Mapping[tuple[str, ...], str],
                parsed: dict[tuple[str, ...], dict[str, object]],
                labels: Mapping[str, str], errors: list[str]) -> None:
    """Check parents exist and settle every node's segment (appends to `errors`)."""
    # Parents must exist somewhere in the input (order does not matter), and every node
    # takes the segment of its top-level ancestor; a differing explicit segment is a slip.
    for raw in raws:
        values = parsed.get(raw.path)
        if values is None or seen.get(raw.path) != raw.where:
            continue
        if len(raw.path) > 1 and raw.path[:-1] not in seen:
            errors.append(f"{raw.where} {labels['path']}: 上级节点“{path_text(raw.path[:-1])}”不存在")
            continue
        if len(raw.path) == 1:
            given = raw.values.get("segment")
            if values["segment"] is None and (given is None or not str(given).strip()):
                try:
                    values["segment"] = parse_segment(raw.path[0])
                except ValueError:
                    errors.append(f"{raw.where} {labels['segment']}: 顶层节点“{raw.path[0]}”"
                                  "缺少环节（上游、中游或下游）")
            continue
        top = parsed.get(raw.path[:1], {}).get("segment")
        if not top and raw.path[:1] in seen:
            top = _infer(raw.path[0])
        own = values["segment"]
        if own and top and own != top:
            errors.append(f"{raw.where} {labels['segment']}: 环节“{SEGMENT_LABELS[own]}”与顶层节点"
                          f"“{raw.path[0]}”的环节“{SEGMENT_LABELS[top]}”不一致")
        values["segment"] = top or own


def _infer(name: str) -> str | None:
    """The segment a top-level node's name implies (上游 …), or None."""
    try:
        return parse_segment(name)
    except ValueError:
        return None


def _ordered_nodes(raws: list[RawNode], parsed: Mapping[tuple[str, ...], dict]) -> list[MapNode]:
    """MapNodes in pre-order, siblings in input order."""
    kids: dict[tuple[str, ...], list[tuple[str, ...]]] = {}
    placed: set[tuple[str, ...]] = set()
    for raw in raws:
        if raw.path in parsed and raw.path not in placed:
            placed.add(raw.path)
            kids.setdefault(raw.path[:-1], []).append(raw.path)
    out: list[MapNode] = []
    stack = list(reversed(kids.get((), [])))
    while stack:  # iterative pre-order: deep maps must not hit the recursion limit
        path = stack.pop()
        values = parsed[path]
        out.append(MapNode(path=path, name=path[-1], **values))
        stack.extend(reversed(kids.get(path, [])))
    return out


def _build_meta(meta: Mapping[str, object], errors: list[str]) -> ChainMap:
    """An empty ChainMap carrying the checked metadata (appends to `errors`)."""
    code = clean_text(meta.get("code"))
    if code and not re.fullmatch(r"[A-Za-z0-9][A-Za-z0-9_-]*", code):
        errors.append(f"产业链代码“{code}”只能包含字母、数字、“-”和“_”")
    try:
        category = parse_category(meta.get("category"))
    except ValueError as exc:
        errors.append(str(exc))
        category = ""
    return ChainMap(name=clean_text(meta.get("name")), code=code, category=category,
                    description=clean_text(meta.get("description")),
                    towns=parse_list(meta.get("towns")))


def validate_map(chain: ChainMap) -> ChainMap:
    """Re-check a ChainMap built by hand (e.g. from database rows) and return a
    normalised copy in pre-order. Raises MapError like the loaders."""
    raws = [RawNode(where=f"节点“{path_text(n.path)}”", path=tuple(n.path), name=n.name,
                    values={f: getattr(n, f) for f in FIELDS}) for n in chain.nodes]
    meta = {"name": chain.name, "code": chain.code, "category": chain.category,
            "description": chain.description, "towns": chain.towns}
    labels = {f: f for f in (*FIELDS, "path", "name")}
    return build_map(meta, raws, labels)


def check_codes(chain: ChainMap, known: Collection[str]) -> list[str]:
    """Messages for industry codes not in `known` (the loaded GB/T 4754 table); [] if all
    exist. Kept apart from loading because the table is optional data an administrator
    loads, while the format check always runs."""
    return [f"节点“{n.path_text}”: 行业代码“{c}”不在 GB/T 4754-2017 中"
            for n in chain.nodes for c in n.industry_codes if c not in known]
