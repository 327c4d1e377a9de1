"""Which chains' cached figures a write touches (`core.versioning` scopes).

A chain's figures read the links on its own published map's nodes only (see
`data.load_gap_data`), so a write to a node link touches the chains of the link's
node before and after the write and no other chain. Every other write stays
unscoped and invalidates every chain's figures."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from lianzhang.chains.models import ChainNode
from lianzhang.core.versioning import register_scopes
from lianzhang.mapping.models import NodeLink

__all__ = ["chain_scope", "link_scopes", "register"]


def chain_scope(chain_id: int) -> str:
    """The scope name of one chain's figures."""
    return f"chain:{chain_id}"


def link_scopes(snapshots: Sequence[dict[str, Any]]) -> set[str] | None:
    """The chains of the nodes named in node-link snapshots; None (unscoped) when a
    snapshot has no node field or a node no longer exists."""
    nodes = set()
    for snapshot in snapshots:
        if "node" not in snapshot:
            return None
        if snapshot["node"] is not None:
            nodes.add(snapshot["node"])
    chains = dict(ChainNode._base_manager.filter(pk__in=nodes).values_list("pk", "map__chain_id"))
    if len(chains) != len(nodes):
        return None
    return {chain_scope(chain) for chain in chains.values()}


def register() -> None:
    """Called once from the app config."""
    register_scopes(NodeLink, link_scopes)
