"""Nested YAML format for chain maps (documented in :mod:`chainkit.chainmap`) and the
loader for the team's template directory."""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any

import yaml

from .chainmap_fields import FIELDS, path_text
from .chainmap_model import ChainMap, MapError, RawNode, build_map
from .csvio import decode_bytes
from .errors import InputError

__all__ = ["dump_yaml", "from_dict", "load_template_dir", "load_yaml", "load_yaml_file",
           "to_dict"]

_META_KEYS = ("name", "code", "category", "description", "towns", "nodes")
_NODE_KEYS = ("name", *FIELDS, "children")
_LABELS = {**{f: f for f in FIELDS}, "path": "name", "name": "name"}


class _Loader(yaml.SafeLoader):
    """SafeLoader that refuses duplicate keys (PyYAML silently keeps the last one, which
    would drop half a node's keywords) and keeps plain integers as text, so industry
    codes such as 0141 are not read as octal numbers or stripped of leading zeros."""

    def construct_mapping(self, node: yaml.MappingNode, deep: bool = False) -> dict:
        """Build a mapping, failing on a key that appears twice."""
        keys: set[object] = set()
        for key_node, _value in node.value:
            key = self.construct_object(key_node, deep=deep)
            try:
                duplicate = key in keys
            except TypeError:  # unhashable key: let PyYAML report it
                continue
            if duplicate:
                raise InputError(f"YAML 第{key_node.start_mark.line + 1}行: 字段“{key}”重复")
            keys.add(key)
        return super().construct_mapping(node, deep=deep)


_Loader.yaml_implicit_resolvers = {
    first: [(tag, rx) for tag, rx in resolvers if tag != "tag:yaml.org,2002:int"]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}


class _Dumper(yaml.SafeDumper):
    """SafeDumper writing lists of plain values on one line ([压缩机, 电机]) so a node
    stays readable, and nested structures as blocks."""


def _represent_list(dumper: yaml.SafeDumper, data: list) -> yaml.Node:
    """Represent lists of scalars in flow style, others as blocks."""
    flow = all(isinstance(v, str | int | float | bool) for v in data)
    return dumper.represent_sequence("tag:yaml.org,2002:seq", data, flow_style=flow)


_Dumper.add_representer(list, _represent_list)


def load_yaml(text: str) -> ChainMap:
    """Parse a chain map from YAML text. Raises InputError / MapError (Chinese messages)."""
    try:
        data = yaml.load(text, Loader=_Loader)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f"第{mark.line + 1}行" if mark is not None else ""
        problem = getattr(exc, "problem", None) or str(exc)
        raise InputError(f"YAML 格式错误{where}: {problem}") from None
    return from_dict(data)


def load_yaml_file(path: str | Path) -> ChainMap:
    """Load a chain map from a YAML file (UTF-8, or GBK from older office tools)."""
    path = Path(path)
    if not path.exists():
        raise InputError(f"文件不存在：{path}")
    return load_yaml(decode_bytes(path.read_bytes()))


def from_dict(data: object) -> ChainMap:
    """Build a ChainMap from the parsed YAML structure (also the JSON snapshot shape)."""
    if not isinstance(data, Mapping):
        raise MapError(["产业链图谱应为映射（含 name、nodes 等字段）"])
    errors = [f"未知字段“{k}”（可用字段：{'、'.join(_META_KEYS)}）"
              for k in data if k not in _META_KEYS]
    if not str(data.get("name") or "").strip():
        errors.append("产业链名称（name）不能为空")
    nodes = data.get("nodes") or []
    if not isinstance(nodes, list):
        errors.append("nodes 应为节点列表")
        nodes = []
    raws = _walk(nodes, errors)
    try:
        chain = build_map(data, raws, _LABELS)
    except MapError as exc:
        errors.extend(exc.errors)
    if errors:
        raise MapError(errors)
    return chain


def _walk(nodes: list, errors: list[str]) -> list[RawNode]:
    """Raw nodes of a nested node list in pre-order; problems go to `errors`."""
    # Iterative pre-order walk (siblings in file order) so deep maps cannot overflow.
    raws: list[RawNode] = []
    stack = [((), i, item) for i, item in reversed(list(enumerate(nodes, 1)))]
    while stack:
        parent_path, index, item = stack.pop()
        where_pos = (f"节点“{path_text(parent_path)}”下第{index}个子节点" if parent_path
                     else f"第{index}个顶层节点")
        if not isinstance(item, Mapping):
            errors.append(f"{where_pos}: 应为含 name 的映射")
            continue
        name = str(item.get("name") if item.get("name") is not None else "").strip()
        path = (*parent_path, name)
        where = f"节点“{path_text(path)}”" if name else where_pos
        errors.extend(f"{where}: 未知字段“{k}”（可用字段：{'、'.join(_NODE_KEYS)}）"
                      for k in item if k not in _NODE_KEYS)
        raws.append(RawNode(where=where, path=path, values={f: item.get(f) for f in FIELDS}))
        children = item.get("children") or []
        if not isinstance(children, list):
            errors.append(f"{where} children: 应为节点列表")
        elif name:
            stack.extend((path, i, child) for i, child in reversed(list(enumerate(children, 1))))
    return raws


def to_dict(chain: ChainMap) -> dict[str, Any]:
    """The YAML structure of a map: plain dicts and lists, JSON-serialisable, defaults
    left out so hand-written and exported files look alike."""
    out: dict[str, Any] = {"name": chain.name}
    for key in ("code", "category", "description"):
        if getattr(chain, key):
            out[key] = getattr(chain, key)
    if chain.towns:
        out["towns"] = list(chain.towns)
    by_parent: dict[tuple[str, ...], list[dict[str, Any]]] = {}
    for node in chain.nodes:
        item: dict[str, Any] = {"name": node.name}
        if node.level == 1:
            item["segment"] = node.segment_label
        if node.is_core:
            item["is_core"] = True
        if node.weight != 1.0:
            # 3 rather than 3.0: exported files should look like hand-written ones.
            item["weight"] = int(node.weight) if node.weight.is_integer() else node.weight
        for key in ("keywords", "negative_keywords", "industry_codes"):
            if getattr(node, key):
                item[key] = list(getattr(node, key))
        if node.description:
            item["description"] = node.description
        by_parent.setdefault(node.parent_path, []).append(item)
        by_parent[node.path] = item.setdefault("children", [])
    out["nodes"] = by_parent.get((), [])
    _prune(out["nodes"])
    return out


def _prune(items: list[dict[str, Any]]) -> None:
    """Drop empty "children" lists so leaves stay one line."""
    stack = list(items)
    while stack:
        item = stack.pop()
        if not item.get("children"):
            item.pop("children", None)
        else:
            stack.extend(item["children"])


def dump_yaml(chain: ChainMap) -> str:
    """Serialise a map to the nested YAML format (UTF-8 text, Chinese kept readable)."""
    return yaml.dump(to_dict(chain), Dumper=_Dumper, allow_unicode=True, sort_keys=False,
                     width=4096, indent=2)


def load_template_dir(path: str | Path) -> list[ChainMap]:
    """Load every *.yaml / *.yml chain-map template in `path`, sorted by file name.

    A template's `code` must equal its file name without the extension (the slug the
    web app uses to find it). Raises MapError naming each bad file."""
    directory = Path(path)
    if not directory.is_dir():
        raise InputError(f"模板目录不存在：{directory}")
    maps: list[ChainMap] = []
    errors: list[str] = []
    files = sorted(p for p in directory.iterdir() if p.suffix in (".yaml", ".yml"))
    for file in files:
        try:
            chain = load_yaml_file(file)
        except MapError as exc:
            errors.extend(f"{file.name}: {msg}" for msg in exc.errors)
            continue
        except InputError as exc:
            errors.append(f"{file.name}: {exc}")
            continue
        if chain.code != file.stem:
            errors.append(f"{file.name}: code“{chain.code}”应与文件名“{file.stem}”一致")
            continue
        maps.append(chain)
    if errors:
        raise MapError(errors)
    return maps
