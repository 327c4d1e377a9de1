"""Town pages (属相图) and the city page listing all towns side by side."""

from __future__ import annotations

from collections import defaultdict
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db.models import Count, Sum
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render

from chainkit import gaps as ck
from lianzhang.chains.models import Chain
from lianzhang.core.permissions import user_can
from lianzhang.enterprises.choices import ACTIVE_STATUSES
from lianzhang.enterprises.models import Enterprise, YearlyFigure
from lianzhang.mapping.choices import LinkStatus
from lianzhang.mapping.models import NodeLink
from lianzhang.projects.models import Project
from lianzhang.regions.models import Region

from ..data import figure_year, today, town_lqs

__all__ = ["town_page", "city_page"]


def _yi(value: float) -> float:
    """元 → 亿元, the unit the LQ bases are shown in."""
    return value / 1e8


def _lq_row(item: ck.TownLQ, names: dict[int, str]) -> dict[str, Any]:
    """One town × chain LQ with its bases (亿元) for the pages and the chart."""
    return {"chain": names.get(item.chain_id, item.chain_id), "chain_id": item.chain_id,
            "lq": item.lq, "reason": item.reason, "small_sample": item.small_sample,
            "town_chain": _yi(item.town_chain_output), "town_total": _yi(item.town_output),
            "city_chain": _yi(item.city_chain_output)}


def _lq_rows(town_id: int) -> list[dict[str, Any]]:
    result = town_lqs()
    names = dict(Chain.objects.values_list("pk", "name"))
    rows = [_lq_row(item, names) for item in result.for_town(town_id)]
    rows.sort(key=lambda r: -(r["lq"] or -1))
    return rows


def town_page(request: HttpRequest, pk: int) -> HttpResponse:
    """A town's main industry, LQ per chain, firms per chain and node, projects, gaps."""
    town = get_object_or_404(Region.objects.restrict(request.user, "view"), pk=pk)
    links = NodeLink.objects.restrict(request.user, "view").filter(
        enterprise__town=town, status__in=[LinkStatus.CONFIRMED, LinkStatus.AUTO])
    per_node = (links.values("node__map__chain__name", "node__name")
                .annotate(firms=Count("enterprise", distinct=True))
                .order_by("node__map__chain__name", "-firms"))
    per_chain: dict[str, list] = defaultdict(list)
    for row in per_node:
        per_chain[row["node__map__chain__name"]].append(row)
    lqs = _lq_rows(town.pk)
    result = town_lqs()
    projects = Project.objects.restrict(request.user, "view").filter(town=town)[:50]
    gaps = []
    if town.main_chain_id:
        from ..data import chain_summary

        summary = chain_summary(town.main_chain, towns=[town.pk])
        gaps = [g for g in summary["figures"]["gaps"]["nodes"] if g["status"] != "强链"]
    return render(request, "dashboards/town.html", {
        "town": town, "lqs": lqs, "per_chain": sorted(per_chain.items()), "projects": projects,
        "gaps": gaps, "as_of": today(), "year": figure_year(), "lq_basis": result.basis,
        "lq_definition": result.definition,
        "firm_count": Enterprise.objects.restrict(request.user, "view").filter(
            town=town, status__in=ACTIVE_STATUSES).count()})


def city_page(request: HttpRequest) -> HttpResponse:
    """All towns side by side: main industry, firms, output, the chain with the
    highest LQ."""
    if not user_can(request.user, Region, "view"):
        raise PermissionDenied
    year = figure_year()
    towns = list(Region.objects.restrict(request.user, "view").filter(level="town")
                 .select_related("main_chain").order_by("code"))
    firms = dict(Enterprise.objects.filter(town__in=towns, status__in=ACTIVE_STATUSES)
                 .values_list("town").annotate(n=Count("pk")).values_list("town", "n"))
    output = dict(YearlyFigure.objects.filter(year=year, enterprise__town__in=towns)
                  .values_list("enterprise__town").annotate(s=Sum("output_value"))
                  .values_list("enterprise__town", "s"))
    result = town_lqs()
    names = dict(Chain.objects.values_list("pk", "name"))
    rows = []
    for town in towns:
        best = max((i for i in result.for_town(town.pk) if i.lq is not None),
                   key=lambda i: i.lq, default=None)
        main = next((i for i in result.for_town(town.pk) if i.chain_id == town.main_chain_id),
                    None)
        rows.append({"town": town, "firms": firms.get(town.pk, 0),
                     "output": float(output.get(town.pk) or 0) / 10_000,
                     "best": _lq_row(best, names) if best else None,
                     "main": _lq_row(main, names) if main else None})
    return render(request, "dashboards/city.html", {"rows": rows, "year": year, "as_of": today(),
                                                    "definition": result.definition,
                                                    "basis": result.basis})
