"""The node taxonomy a mapping run hangs firms on: nodes, validation, fingerprint.

A taxonomy is a forest of nodes (id, parent, name, keywords, negative keywords,
GB/T 4754 industry codes). It is validated once, on construction, so every later
stage can trust it: no cycles, unique ids, known parents, no empty keywords.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path

from ..csvio import read_csv
from ..errors import InputError
from ..text import normalize

__all__ = ["Node", "Taxonomy", "TAXONOMY_COLUMNS", "parse_keyword_cell"]

# The evaluation contract's columns; negative_keywords and industry_codes are optional.
TAXONOMY_COLUMNS = ("node_id", "parent_id", "name", "keywords")


@dataclass(frozen=True)
class Node:
    """One chain node. Keywords are kept as written; stages normalise them."""

    node_id: str
    parent_id: str | None
    name: str
    keywords: tuple[str, ...] = ()
    negative_keywords: tuple[str, ...] = ()
    industry_codes: tuple[str, ...] = ()


def parse_keyword_cell(value: str | None, node_id: str, column: str) -> tuple[str, ...]:
    """Split a `|`-separated keyword cell; an empty item between separators is an error.

    An empty cell means "no keywords" and is fine; "a||b" or "a|" is a typo that would
    silently drop a keyword, so it is refused with the node named."""
    if value is None or not str(value).strip():
        return ()
    parts = [p.strip() for p in str(value).split("|")]
    for part in parts:
        if not normalize(part):
            raise InputError(f"节点 {node_id} 的 {column} 含有空关键词（检查多余的“|”）：“{value}”")
    return tuple(parts)


@dataclass
class Taxonomy:
    """A validated forest of nodes, in input order.

    Raises InputError (Chinese message naming the node) on a duplicate id, an unknown
    parent, a cycle, an empty id or name, or an empty keyword."""

    nodes: list[Node]
    _index: dict[str, int] = field(init=False, repr=False)
    _children: dict[str, list[str]] = field(init=False, repr=False)

    def __post_init__(self) -> None:
        """Validate the nodes and build the lookup tables."""
        self._index = {}
        for node in self.nodes:
            if not node.node_id:
                raise InputError(f"节点缺少 node_id（名称：{node.name or '空'}）")
            if node.node_id in self._index:
                raise InputError(f"节点编号重复：{node.node_id}")
            if not node.name:
                raise InputError(f"节点 {node.node_id} 缺少名称")
            for column, words in (("keywords", node.keywords),
                                  ("negative_keywords", node.negative_keywords)):
                for word in words:
                    if not normalize(word):
                        raise InputError(f"节点 {node.node_id} 的 {column} 含有空关键词")
            self._index[node.node_id] = len(self._index)
        self._children = {n.node_id: [] for n in self.nodes}
        for node in self.nodes:
            if node.parent_id is None:
                continue
            if node.parent_id not in self._index:
                raise InputError(f"节点 {node.node_id} 的上级节点 {node.parent_id} 不存在")
            self._children[node.parent_id].append(node.node_id)
        self._check_cycles()

    def _check_cycles(self) -> None:
        """Walk up from every node; revisiting a node on the same walk is a cycle."""
        done: set[str] = set()
        for node in self.nodes:
            path: list[str] = []
            on_path: set[str] = set()
            current: str | None = node.node_id
            while current is not None and current not in done:
                if current in on_path:
                    loop = path[path.index(current):] + [current]
                    raise InputError(f"节点存在循环上下级关系：{' → '.join(loop)}")
                on_path.add(current)
                path.append(current)
                current = self.nodes[self._index[current]].parent_id
            done.update(path)

    # --- construction -------------------------------------------------------------
    @classmethod
    def from_rows(cls, rows: Iterable[Mapping[str, str]]) -> Taxonomy:
        """Build from CSV-like rows (`node_id,parent_id,name,keywords` and optional
        `negative_keywords`, `industry_codes`)."""
        nodes = []
        for line, row in enumerate(rows, start=2):
            node_id = (row.get("node_id") or "").strip()
            if not node_id:
                raise InputError(f"第{line}行 node_id: 不能为空")
            parent = (row.get("parent_id") or "").strip() or None
            nodes.append(Node(
                node_id=node_id,
                parent_id=parent,
                name=(row.get("name") or "").strip(),
                keywords=parse_keyword_cell(row.get("keywords"), node_id, "keywords"),
                negative_keywords=parse_keyword_cell(row.get("negative_keywords"), node_id,
                                                     "negative_keywords"),
                industry_codes=_parse_codes(row.get("industry_codes"), node_id),
            ))
        if not nodes:
            raise InputError("分类体系为空：没有任何节点")
        return cls(nodes)

    @classmethod
    def from_csv(cls, path: str | Path) -> Taxonomy:
        """Read and validate a taxonomy CSV file."""
        return cls.from_rows(read_csv(path, required=TAXONOMY_COLUMNS))

    # --- queries ------------------------------------------------------------------
    def __len__(self) -> int:
        """Number of nodes."""
        return len(self.nodes)

    def __contains__(self, node_id: object) -> bool:
        """True when `node_id` is a node of this taxonomy."""
        return node_id in self._index

    @property
    def ids(self) -> list[str]:
        """Node ids in input order."""
        return [n.node_id for n in self.nodes]

    def index(self, node_id: str) -> int:
        """Position of a node in input order (KeyError when unknown)."""
        return self._index[node_id]

    def node(self, node_id: str) -> Node:
        """The node with this id (KeyError when unknown)."""
        return self.nodes[self._index[node_id]]

    def children(self, node_id: str) -> list[str]:
        """Direct children's ids."""
        return list(self._children[node_id])

    def is_leaf(self, node_id: str) -> bool:
        """True when the node has no children."""
        return not self._children[node_id]

    def ancestors(self, node_id: str) -> list[str]:
        """Ids from the parent up to the root (empty for a root)."""
        out = []
        parent = self.nodes[self._index[node_id]].parent_id
        while parent is not None:
            out.append(parent)
            parent = self.nodes[self._index[parent]].parent_id
        return out

    def depth(self, node_id: str) -> int:
        """0 for a root."""
        return len(self.ancestors(node_id))

    def fingerprint(self) -> str:
        """A SHA-256 of the canonical content: a saved model records it so that loading
        it against a different taxonomy can be refused instead of mis-mapping."""
        canon = [[n.node_id, n.parent_id or "", n.name, list(n.keywords),
                  list(n.negative_keywords), list(n.industry_codes)] for n in self.nodes]
        blob = json.dumps(canon, ensure_ascii=False, separators=(",", ":"))
        return hashlib.sha256(blob.encode("utf-8")).hexdigest()


def _parse_codes(value: str | None, node_id: str) -> tuple[str, ...]:
    """Parse `|`-separated GB/T 4754 codes (a letter section or 2–4 digits)."""
    codes = parse_keyword_cell(value, node_id, "industry_codes")
    out = []
    for code in codes:
        clean = normalize(code).upper()
        if not (clean.isdigit() and 2 <= len(clean) <= 4) and not (
                len(clean) == 1 and clean.isalpha()):
            raise InputError(f"节点 {node_id} 的行业代码“{code}”无效（应为门类字母或 2–4 位数字）")
        out.append(clean)
    return tuple(out)
