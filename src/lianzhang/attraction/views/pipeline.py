"""Pipeline pages: the kanban board by stage (drag to move; the server validates) and
the funnel with conversion rates and cycle times, per officer and per chain."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from chainkit import pipeline
from lianzhang.chains.models import Chain
from lianzhang.core.params import IdField, QueryForm, parse_query
from lianzhang.core.permissions import user_can
from lianzhang.regions.models import Region

from ..choices import LIVE_STAGES, LeadStage
from ..models import Lead
from ..services.metrics import pipeline_figures

__all__ = ["kanban", "funnel"]

BOARD_LIMIT = 200  # cards per column; the list page has the rest


class PipelineQuery(QueryForm):
    """The board's and the funnel's chain and town."""

    chain = IdField()
    town = IdField()


def _filtered(request: HttpRequest) -> tuple[Any, dict[str, Any]]:
    if not user_can(request.user, Lead, "view"):
        raise PermissionDenied
    leads = Lead.objects.restrict(request.user, "view")
    chains = Chain.objects.restrict(request.user, "view").filter(leads__isnull=False).distinct()
    towns = Region.objects.restrict(request.user, "view").filter(leads__isnull=False).distinct()
    params = parse_query(request, PipelineQuery)
    chain = chains.filter(pk=params["chain"] or 0).first()
    town = towns.filter(pk=params["town"] or 0).first()
    if chain:
        leads = leads.filter(chain=chain)
    if town:
        leads = leads.filter(town=town)
    return leads, {"chains": chains, "towns": towns, "chain": chain, "town": town}


def kanban(request: HttpRequest) -> HttpResponse:
    """Columns per stage; cards move by drag and drop (POST to the move URL)."""
    leads, ctx = _filtered(request)
    rows = leads.select_related("enterprise", "node", "town", "owner").order_by(
        "-stage_changed_at", "-created")
    columns = []
    for value, label in LeadStage.choices:
        cards = list(rows.filter(stage=value)[:BOARD_LIMIT])
        columns.append({"stage": value, "label": label, "cards": cards,
                        "count": rows.filter(stage=value).count(),
                        "position": LIVE_STAGES.index(value) if value in LIVE_STAGES else -1})
    return render(request, "attraction/kanban.html", ctx | {
        "columns": columns, "can_change": user_can(request.user, Lead, "change")})


def _row(name: str, fig: tuple[pipeline.Funnel, pipeline.CycleTimes]) -> dict[str, Any]:
    funnel_, cycle = fig
    return {"name": name or "—", "funnel": funnel_, "cycle": cycle,
            "counts": [funnel_.counts[s] for s in LIVE_STAGES]}


def funnel(request: HttpRequest) -> HttpResponse:
    """Funnel, conversions and cycle times (first contact → signed) with the
    definitions they use."""
    leads, ctx = _filtered(request)
    figures = pipeline_figures(leads)
    overall: pipeline.Funnel = figures["funnel"]
    labels = [str(LeadStage(s).label) for s in LIVE_STAGES]
    chart = {"labels": labels, "counts": [overall.counts[s] for s in LIVE_STAGES],
             "conversions": [None] + [overall.conversions[s] for s in LIVE_STAGES[1:]]}
    return render(request, "attraction/funnel.html", ctx | {
        "overall": overall, "cycle": figures["cycle"], "stage_labels": labels,
        "steps": [(str(LeadStage(s).label), overall.counts[s], overall.conversions.get(s))
                  for s in LIVE_STAGES],
        "by_officer": [_row(k, v) for k, v in figures["by_officer"].items()],
        "by_chain": [_row(k, v) for k, v in figures["by_chain"].items()],
        "chart": chart})
