"""Comparing two versions of a chain map, and summary figures of one map.

Both return plain dicts (paths as "/"-joined text) that the web app renders or stores
as JSON without knowing the engine's classes.
"""

from __future__ import annotations

from typing import Any

from .chainmap_fields import SEGMENTS, path_text
from .chainmap_model import ChainMap, MapNode

__all__ = ["diff", "stats"]

Path = tuple[str, ...]
_SET_FIELDS = ("keywords", "negative_keywords", "industry_codes")
_VALUE_FIELDS = ("segment", "weight", "is_core", "description")


def stats(chain: ChainMap) -> dict[str, Any]:
    """Node count, depth, leaf count, core count and a few coverage-of-data figures:
    {"nodes", "depth", "leaves", "core", "top_level", "segments": {segment: count},
     "leaves_with_keywords", "nodes_with_codes"}."""
    leaves = chain.leaves()
    segments = {s: 0 for s in SEGMENTS}
    for node in chain.nodes:
        segments[node.segment] += 1
    return {
        "nodes": len(chain.nodes),
        "depth": max((n.level for n in chain.nodes), default=0),
        "leaves": len(leaves),
        "core": sum(1 for n in chain.nodes if n.is_core),
        "top_level": sum(1 for n in chain.nodes if n.level == 1),
        "segments": segments,
        "leaves_with_keywords": sum(1 for n in leaves if n.keywords),
        "nodes_with_codes": sum(1 for n in chain.nodes if n.industry_codes),
    }


def diff(old: ChainMap, new: ChainMap) -> dict[str, Any]:
    """Compare two versions of a map.

    Nodes are paired by path first; then, parents before children, a node whose parent
    was renamed or moved follows it; an unpaired node with the same name elsewhere is
    *moved*; one under the same parent with the same (non-empty) keywords or at the same
    sibling position is *renamed*. The rest are *removed* / *added*. Returns
    {"added": [{path, name, parent}], "removed": [...same...],
     "renamed": [{old_path, path, old_name, name, reason: "keywords"|"position"}],
     "moved": [{old_path, path, name, old_parent, parent}],
     "changed": [{old_path, path, changes: [{field, old, new[, added, removed]}]}],
     "metadata": [{field, old, new}], "summary": {added, removed, renamed, moved,
     changed, unchanged}}."""
    new_index = new.index()
    pairs: dict[Path, Path] = {p: p for p in old.index() if p in new_index}
    claimed: set[Path] = set(pairs.values())
    renamed: list[dict[str, Any]] = []
    moved: list[dict[str, Any]] = []
    depth = max((n.level for n in old.nodes), default=0)
    for level in range(1, depth + 1):
        todo = [n for n in old.nodes if n.level == level and n.path not in pairs]
        for node in todo:  # the parent was renamed or moved: the child goes with it
            target = (*_mapped_parent(node, pairs), node.name)
            if node.level > 1 and node.parent_path in pairs and target in new_index \
                    and target not in claimed:
                pairs[node.path] = target
                claimed.add(target)
        for node in [n for n in todo if n.path not in pairs]:
            match = _moved_to(node, new, claimed)
            if match is not None:
                pairs[node.path] = match.path
                claimed.add(match.path)
                moved.append({"old_path": node.path_text, "path": match.path_text,
                              "name": node.name, "old_parent": path_text(node.parent_path),
                              "parent": path_text(match.parent_path)})
        for node in [n for n in todo if n.path not in pairs]:
            found = _renamed_to(node, old, new, pairs, claimed)
            if found is not None:
                match, reason = found
                pairs[node.path] = match.path
                claimed.add(match.path)
                renamed.append({"old_path": node.path_text, "path": match.path_text,
                                "old_name": node.name, "name": match.name, "reason": reason})
    old_index = old.index()
    changed = []
    for old_path, new_path in pairs.items():
        changes = _changes(old_index[old_path], new_index[new_path])
        if changes:
            changed.append({"old_path": path_text(old_path), "path": path_text(new_path),
                            "changes": changes})
    removed = [_brief(n) for n in old.nodes if n.path not in pairs]
    added = [_brief(n) for n in new.nodes if n.path not in claimed]
    metadata = [{"field": f, "old": getattr(old, f), "new": getattr(new, f)}
                for f in ("name", "code", "category", "description", "towns")
                if getattr(old, f) != getattr(new, f)]
    touched = {c["old_path"] for c in changed} | {r["old_path"] for r in (*renamed, *moved)}
    unchanged = sum(1 for o in pairs if path_text(o) not in touched)
    return {
        "added": added, "removed": removed, "renamed": renamed, "moved": moved,
        "changed": changed, "metadata": metadata,
        "summary": {"added": len(added), "removed": len(removed), "renamed": len(renamed),
                    "moved": len(moved), "changed": len(changed), "unchanged": unchanged},
    }


def _mapped_parent(node: MapNode, pairs: dict[Path, Path]) -> Path:
    """Where the node's parent sits in the new map (its own path if unpaired)."""
    return pairs.get(node.parent_path, node.parent_path)


def _brief(node: MapNode) -> dict[str, str]:
    """The row shown for an added or removed node."""
    return {"path": node.path_text, "name": node.name, "parent": path_text(node.parent_path)}


def _moved_to(node: MapNode, new: ChainMap, claimed: set[Path]) -> MapNode | None:
    """An unclaimed new node with the same name elsewhere, or None."""
    candidates = [m for m in new.nodes if m.name == node.name and m.path not in claimed]
    if not candidates:
        return None
    # Several nodes may share a name (e.g. 其他); prefer the same segment, then the same
    # keywords, then the first in map order.
    candidates.sort(key=lambda m: (m.segment != node.segment,
                                   set(m.keywords) != set(node.keywords)))
    return candidates[0]


def _renamed_to(node: MapNode, old: ChainMap, new: ChainMap, pairs: dict[Path, Path],
                claimed: set[Path]) -> tuple[MapNode, str] | None:
    """An unclaimed new sibling with the same keywords or position, and why."""
    if node.level > 1 and node.parent_path not in pairs:
        return None  # the parent itself is gone: the node counts as removed
    parent = _mapped_parent(node, pairs)
    siblings = new.children(parent)
    free = [m for m in siblings if m.path not in claimed]
    if node.keywords:
        for m in free:
            if set(m.keywords) == set(node.keywords):
                return m, "keywords"
    position = [n.path for n in old.children(node.parent_path)].index(node.path)
    if position < len(siblings) and siblings[position].path not in claimed:
        return siblings[position], "position"
    return None


def _changes(a: MapNode, b: MapNode) -> list[dict[str, Any]]:
    """Attribute differences between two paired nodes."""
    changes: list[dict[str, Any]] = []
    for field in _VALUE_FIELDS:
        if getattr(a, field) != getattr(b, field):
            changes.append({"field": field, "old": getattr(a, field), "new": getattr(b, field)})
    for field in _SET_FIELDS:
        before, after = getattr(a, field), getattr(b, field)
        if set(before) != set(after):  # reordering keywords is not a change
            changes.append({"field": field, "old": list(before), "new": list(after),
                            "added": [v for v in after if v not in before],
                            "removed": [v for v in before if v not in after]})
    return changes
