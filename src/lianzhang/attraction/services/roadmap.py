"""招商路线图 per chain: for each gap, the recommended firms, open leads by stage,
projects by stage and how many of those projects already produce (the node's status
after they do) — the whole line gap → lead → project in one table."""

from __future__ import annotations

from collections import Counter, defaultdict
from typing import Any

from lianzhang.projects.models import Project

from ..models import Lead, Recommendation
from .gaps import gap_nodes

__all__ = ["roadmap", "PRODUCING"]

PRODUCING = ("producing", "in_stats")


def roadmap(chain: Any, user: Any, top: int = 5) -> list[dict[str, Any]]:
    """One row per gap leaf of `chain`, everything restricted to what `user` may see."""
    gaps = gap_nodes(chain)
    ids = [g.node.pk for g in gaps]
    recs: dict[int, list[Recommendation]] = defaultdict(list)
    for rec in Recommendation.objects.restrict(user, "view").filter(
            node_id__in=ids, is_current=True).select_related("enterprise").order_by("rank"):
        if len(recs[rec.node_id]) < top:
            recs[rec.node_id].append(rec)
    leads: dict[int, Counter] = defaultdict(Counter)
    for node_id, stage in Lead.objects.restrict(user, "view").filter(
            node_id__in=ids).values_list("node_id", "stage"):
        leads[node_id][stage] += 1
    projects: dict[int, Counter] = defaultdict(Counter)
    for node_id, stage in Project.objects.restrict(user, "view").filter(
            lead__node_id__in=ids).values_list("lead__node_id", "stage"):
        projects[node_id][stage] += 1
    rows = []
    for gap in gaps:
        done = projects[gap.node.pk]
        rows.append({"gap": gap, "recommendations": recs[gap.node.pk],
                     "leads": dict(leads[gap.node.pk]), "projects": dict(done),
                     "producing": sum(done[s] for s in PRODUCING)})
    return rows
