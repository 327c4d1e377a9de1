"""The chain page (六图六清单): headline figures, the tree, the panorama heat map,
the attraction roadmap, the innovation map and the six lists; plus the node panel."""

from __future__ import annotations

import datetime
from collections import defaultdict
from typing import Any

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.db.models import Count, Sum
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from lianzhang.attraction.models import Lead
from lianzhang.chains.models import Chain, ChainNode, MapVersion
from lianzhang.core.params import QueryForm, parse_query
from lianzhang.core.permissions import allowed_for
from lianzhang.enterprises.models import (
    Enterprise,
    InnovationPlatform,
    Park,
    SupplyTie,
    YearlyFigure,
)
from lianzhang.mapping.choices import LinkStatus
from lianzhang.mapping.models import NodeLink
from lianzhang.projects.models import Project
from lianzhang.regions.models import Region

from ..data import WAN, chain_summary, figure_year, published_maps, today
from ..models import ChainSnapshot, GapNeed, KeyMatter
from ..snapshots import take_snapshot, trend

__all__ = ["chain_page", "node_panel", "take_snapshot_view", "STATUS_COLORS", "tree_data"]

STATUS_COLORS = {"缺链": "#d63939", "短板": "#f59f00", "强链": "#2fb344"}
TABS = ("tree", "panorama", "roadmap", "innovation", "lists")


class ChainPageQuery(QueryForm):
    """The chain page's tab and the panorama's metric."""

    tab = forms.ChoiceField(choices=[(t, t) for t in TABS], initial="tree")
    metric = forms.ChoiceField(choices=[("count", "count"), ("output", "output")],
                               initial="count")


def _chain(request: HttpRequest, pk: int) -> Chain:
    return get_object_or_404(Chain.objects.restrict(request.user, "view"), pk=pk)


def tree_data(nodes: list[ChainNode], gaps: dict[str, dict], chain: Chain) -> dict[str, Any]:
    """The map as an ECharts tree: leaves coloured by gap status, sized by output."""
    children: dict[int | None, list[ChainNode]] = defaultdict(list)
    for node in nodes:
        children[node.parent_id].append(node)

    def build(node: ChainNode) -> dict[str, Any]:
        gap = gaps.get(str(node.pk))
        item: dict[str, Any] = {"name": node.name, "id": node.pk}
        if gap:
            item["value"] = round(gap["local_output"] / WAN / 10_000, 2)  # 亿元
            item["status"] = gap["status"]
            item["itemStyle"] = {"color": STATUS_COLORS.get(gap["status"], "#888")}
            item["symbolSize"] = 8 + min(22, item["value"] ** 0.5 * 3)
        if node.is_core:
            item["label"] = {"fontWeight": "bold"}
        kids = [build(c) for c in children.get(node.pk, [])]
        if kids:
            item["children"] = kids
        return item

    return {"name": chain.name, "children": [build(n) for n in children.get(None, [])]}


def _panorama(version, metric: str) -> dict[str, Any]:
    """Leaf nodes × towns: number of linked local firms or their output (亿元)."""
    leaves = [n for n in version.nodes.order_by("position") if not n.children.exists()]
    links = NodeLink.objects.filter(node__in=leaves, status__in=[
        LinkStatus.CONFIRMED, LinkStatus.AUTO], enterprise__town__isnull=False)
    towns = list(Region.objects.filter(level="town").order_by("code"))
    cells: dict[tuple[int, int], float] = {}
    if metric == "output":
        year = figure_year()
        rows = links.filter(enterprise__figures__year=year).values(
            "node_id", "enterprise__town_id").annotate(v=Sum("enterprise__figures__output_value"))
        for row in rows:
            cells[(row["node_id"], row["enterprise__town_id"])] = round(
                float(row["v"] or 0) / 10_000, 2)
    else:
        for row in links.values("node_id", "enterprise__town_id").annotate(v=Count("pk")):
            cells[(row["node_id"], row["enterprise__town_id"])] = row["v"]
    data = [[ti, ni, cells.get((node.pk, town.pk), 0)]
            for ni, node in enumerate(leaves) for ti, town in enumerate(towns)]
    return {"towns": [t.name for t in towns], "nodes": [n.name for n in leaves], "data": data,
            "max": max((c for *_x, c in data), default=0)}


def _attached(queryset: Any, node_ids: list[int], node_ids_of: Any) -> dict[int, list[Any]]:
    """Objects of `queryset` attached to the gap nodes, grouped by node."""
    out: dict[int, list[Any]] = defaultdict(list)
    for obj in queryset:
        for node_id in node_ids_of(obj):
            if node_id in node_ids:
                out[node_id].append(obj)
    return out


def _roadmap(gaps: list[dict], user: Any) -> list[dict]:
    """Gap nodes by priority: core parts first, then the masters' demand, then how many
    masters need the part."""
    rows = [g for g in gaps if g["status"] in ("缺链", "短板")]
    rows.sort(key=lambda g: (not g["is_core"], -(g["demand"] or 0), -g["masters_needing"]))
    ids = [g["node_id"] for g in rows]
    leads = _attached(Lead.objects.restrict(user, "view").filter(node__in=ids), ids,
                      lambda lead: [lead.node_id])
    projects = _attached(
        Project.objects.restrict(user, "view").filter(nodes__in=ids).distinct()
        .prefetch_related("nodes"), ids, lambda project: [n.pk for n in project.nodes.all()])
    for g in rows:
        g["leads"] = leads.get(g["node_id"], [])
        g["projects"] = projects.get(g["node_id"], [])
    return rows


def _lists(request: HttpRequest, chain: Chain, version: MapVersion) -> dict[str, Any]:
    """The six lists (each also exportable from its own filtered list page)."""
    user = request.user
    # Firms on the chain's nodes, by subquery: a city chain has tens of thousands.
    linked = NodeLink.objects.filter(node__map=version, status__in=[
        LinkStatus.CONFIRMED, LinkStatus.AUTO]).values("enterprise_id")
    key_firms = (Enterprise.objects.restrict(user, "view").filter(pk__in=linked)
                 .filter(figures__year=figure_year()).order_by("-figures__output_value")[:50])
    return {
        "matters": KeyMatter.objects.restrict(user, "view").filter(chain=chain)[:50],
        "parks": Park.objects.restrict(user, "view").filter(chains=chain)[:50],
        "firms": key_firms,
        "platforms": InnovationPlatform.objects.restrict(user, "view").filter(chains=chain)[:50],
        "needs": GapNeed.objects.restrict(user, "view").filter(chain=chain).select_related("node"),
        "projects": Project.objects.restrict(user, "view").filter(chain=chain)[:50],
    }


def chain_page(request: HttpRequest, pk: int) -> HttpResponse:
    """One chain: figures with their definitions and as-of date, and the tabs."""
    chain = _chain(request, pk)
    version = published_maps([chain]).get(chain.pk)
    params = parse_query(request, ChainPageQuery)
    tab = params["tab"]
    context: dict[str, Any] = {"chain": chain, "version": version, "tab": tab,
                               "as_of": today(), "snapshots": trend(chain),
                               "can_snapshot": allowed_for(request.user, ChainSnapshot, "add",
                                                           chain_id=chain.pk)}
    if version is None:
        return render(request, "dashboards/chain.html", context)
    # Right after a write the page may show the previous figures, labelled with the
    # time they were computed, while new ones are computed in the background.
    summary = chain_summary(chain, allow_stale=True)
    figures = summary["figures"]
    gaps = {str(g["node_id"]): g for g in figures["gaps"]["nodes"]}
    context["computed_at"] = datetime.datetime.fromisoformat(summary["computed_at"])
    nodes = list(version.nodes.order_by("level", "position"))
    # In 亿元 with two decimals: a whole-number 亿 shows a small chain's 0.28亿 as "0".
    output = figures["output"]
    context.update(summary=summary, figures=figures, year=summary["year"],
                   output_yi=None if output is None else output / 1e8,
                   masters=Enterprise.objects.filter(pk__in=figures["masters"]).order_by("name"))
    if tab == "tree":
        context["tree"] = tree_data(nodes, gaps, chain)
    elif tab == "panorama":
        metric = params["metric"]
        context.update(panorama=_panorama(version, metric), metric=metric)
    elif tab == "roadmap":
        context["roadmap"] = _roadmap(list(figures["gaps"]["nodes"]), request.user)
        # Figures cached before these were added lack them until the next recompute.
        context.update(common_parts=summary.get("common_parts"),
                       common_suppliers=summary.get("common_suppliers"))
    elif tab == "innovation":
        platforms = InnovationPlatform.objects.restrict(request.user, "view").filter(
            nodes__map=version).prefetch_related("nodes").distinct()
        by_node: dict[str, list] = defaultdict(list)
        for platform in platforms:
            for node in platform.nodes.all():
                if node.map_id == version.pk:
                    by_node[node.name].append(platform)
        context["innovation"] = sorted(by_node.items())
    else:
        context["lists"] = _lists(request, chain, version)
    return render(request, "dashboards/chain.html", context)


def node_panel(request: HttpRequest, pk: int, node_pk: int) -> HttpResponse:
    """The clicked node: local firms, output, masters' demand, local and outside
    suppliers, status and why."""
    chain = _chain(request, pk)
    node = get_object_or_404(ChainNode.objects.restrict(request.user, "view"), pk=node_pk,
                             map__chain=chain)
    summary = chain_summary(chain)
    gap = next((g for g in summary["figures"]["gaps"]["nodes"] if g["node_id"] == node.pk), None)
    firm_ids = [int(f) for f in summary["node_firms"].get(str(node.pk), [])]
    firms = Enterprise.objects.restrict(request.user, "view").filter(pk__in=firm_ids)
    year = summary["year"]
    outputs = dict(YearlyFigure.objects.filter(enterprise__in=firms, year=year).values_list(
        "enterprise_id", "output_value"))
    ties = SupplyTie.objects.filter(node=node, year=year,
                                    customer_id__in=summary["figures"]["masters"]).select_related(
        "supplier", "customer")
    return render(request, "dashboards/node_panel.html", {
        "chain": chain, "node": node, "gap": gap, "year": year,
        "firms": [(f, outputs.get(f.pk)) for f in firms.order_by("name")],
        "local_ties": [t for t in ties if t.supplier.town_id],
        "outside_ties": [t for t in ties if not t.supplier.town_id]})


@require_POST
def take_snapshot_view(request: HttpRequest, pk: int) -> HttpResponse:
    """Freeze the chain's figures as of today."""
    chain = _chain(request, pk)
    # Saving over today's snapshot changes it, so the user must be able to do both.
    if not all(allowed_for(request.user, ChainSnapshot, action, chain_id=chain.pk)
               for action in ("add", "change")):
        raise PermissionDenied
    snapshot = take_snapshot(chain)
    messages.success(request, _("Snapshot of %(chain)s as of %(date)s saved.") % {
        "chain": chain, "date": snapshot.as_of})
    return redirect("dashboards:chain", pk=chain.pk)
