"""Leaders' pages: roll-ups with league tables and charts, the alert lists (三未,
overdue stages, stalled projects) and cycle times. Figures come from
`chainkit.projects` on rows loaded by `projects.data`, always within the user's
scope (`restrict(user, "view")`)."""

from __future__ import annotations

import datetime
from decimal import Decimal
from typing import Any

from django import forms
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from chainkit import projects as engine
from lianzhang.core.params import DayField, QueryForm, YearField, parse_query
from lianzhang.core.permissions import user_can

from .. import data
from ..choices import ProjectClass, ProjectLevel, Stage
from ..models import Project

__all__ = ["rollup_page", "alerts_page", "cycle_times_page", "DIMENSIONS"]

DIMENSIONS = {"chain": gettext_lazy("Chain"), "town": gettext_lazy("Town"),
              "project_class": gettext_lazy("Project class"),
              "level": gettext_lazy("Project level"), "year": gettext_lazy("Year")}
LABELS = {"project_class": dict(ProjectClass.choices), "level": dict(ProjectLevel.choices)}


def _scope(request: HttpRequest) -> Any:
    if not user_can(request.user, Project, "view"):
        raise PermissionDenied
    return Project.objects.restrict(request.user, "view")


class AlertsQuery(QueryForm):
    """`as_of`: read the figures as they stood on a day (default today)."""

    as_of = DayField()


class RollupQuery(AlertsQuery):
    """The roll-up's dimension and year besides the day."""

    by = forms.ChoiceField(choices=list(DIMENSIONS.items()), initial="chain")
    year = YearField()


def _as_of(params: dict[str, Any]) -> datetime.date:
    """The day asked for, or today."""
    return params["as_of"] or timezone.localdate()


def _label(by: str, key: str) -> str:
    return str(LABELS.get(by, {}).get(key, key))


def _row(by: str, g: engine.GroupFigures, rank: int | None = None) -> dict[str, Any]:
    share, start = g.share_of_plan, g.start_rate
    cents = Decimal("0.01")  # SQLite sums lose the scale; show every amount alike
    return {"key": _label(by, g.key), "count": g.count,
            "investment": Decimal(g.investment).quantize(cents),
            "plan": Decimal(g.annual_plan).quantize(cents),
            "completed": Decimal(g.completed).quantize(cents), "tagged": g.tagged,
            "share": None if share is None else round(share * 100, 1),
            "variance": g.variance_points, "rag": g.rag, "rank": rank,
            "due": g.due_to_start, "started": g.started,
            "start_rate": None if start is None else round(start * 100, 1)}


def _float(values: list[Decimal]) -> list[float]:
    return [float(round(v, 2)) for v in values]


def rollup_page(request: HttpRequest) -> HttpResponse:
    """Roll-up by chain, town, class, level or year; league tables of towns and
    chains; monthly completed vs plan and the stage funnel."""
    projects = _scope(request)
    params = parse_query(request, RollupQuery)
    as_of = _as_of(params)
    by = params["by"]
    year = params["year"] or as_of.year
    # The roll-up needs only start dates (start rate) and the year's plans, except
    # by year, which needs every year's plans.
    rows = data.project_rows(projects, stages=(Stage.STARTED,),
                             year=None if by == "year" else year)
    reports = data.year_totals(projects, year, as_of)
    dims = tuple(dict.fromkeys(("chain", "town", by if by != "year" else "chain")))
    grouped, total = engine.rollups(rows, reports, year, as_of, dims)  # one pass
    by_chain, by_town = grouped["chain"], grouped["town"]
    if by == "year":
        groups = engine.rollup_by_year(rows, data.yearly_totals(projects, as_of), as_of)
    else:
        groups = grouped[by]
    series = engine.monthly_series(total.annual_plan, data.month_totals(projects, year, as_of))
    funnel = engine.stage_funnel(rows)
    chart = {
        "months": [f"{m}月" for m in series["months"]],
        "completed": _float(series["completed"]), "cumulative": _float(series["cumulative"]),
        "plan": _float(series["plan_cumulative"]),
        "funnel": [{"name": str(Stage(s).label), "value": funnel[s]} for s in engine.STAGES],
        "labels": {"completed": _("Completed this month"), "cumulative": _("Completed (cumulative)"),
                   "plan": _("Plan (cumulative, even)")},
    }
    return render(request, "projects/rollup.html", {
        "by": by, "dimensions": DIMENSIONS, "year": year, "as_of": as_of,
        "years": range(as_of.year - 3, as_of.year + 2),
        "groups": [_row(by, g) for g in groups] + [{**_row(by, total), "total": True}],
        "elapsed": round(total.elapsed * 100, 1),
        "town_league": [_row("town", g, rank) for rank, g in engine.league(by_town)],
        "chain_league": [_row("chain", g, rank) for rank, g in engine.league(by_chain)],
        "chart": chart, "terminated": funnel[engine.TERMINATED],
    })


def alerts_page(request: HttpRequest) -> HttpResponse:
    """三未 lists, overdue stages and stalled projects."""
    projects = _scope(request)
    as_of = _as_of(parse_query(request, AlertsQuery))
    rows = data.project_rows(projects)
    recent = data.recent_reports(projects, as_of, 3)
    lists = engine.san_wei(rows, recent, as_of)
    stage_names = dict(Stage.choices)
    overdue = [(i, stage_names.get(i.reason, i.reason))
               for i in engine.overdue_stages(rows, as_of)]
    stalled = [(i, stage_names.get(i.reason, i.reason)) for i in engine.stalled(rows, recent, as_of)]
    return render(request, "projects/alerts.html", {
        "as_of": as_of, "lists": [
            ("not_started", _("Due to start but not started"), lists["not_started"]),
            ("no_investment", _("Started but no investment reported for 2+ months"),
             lists["no_investment"]),
            ("not_completed", _("Past planned completion but not completed"),
             lists["not_completed"])],
        "overdue": overdue, "stalled": stalled})


def cycle_times_page(request: HttpRequest) -> HttpResponse:
    """Median days first contact → signed → started → producing, per chain and town."""
    rows = data.project_rows(_scope(request))
    return render(request, "projects/cycle_times.html", {
        "by_chain": engine.cycle_times(rows, "chain"),
        "by_town": engine.cycle_times(rows, "town")})
