"""Loading engine rows (`chainkit.projects`) from the database, a handful of queries
whatever the ledger's size. Reports are summed in SQL to the granularity a metric
needs (a project's year, a month), which the engine's functions accept unchanged."""

from __future__ import annotations

from collections import defaultdict
from datetime import date
from decimal import Decimal

from django.db.models import Q, QuerySet

from chainkit import projects as engine

from .choices import Stage
from .models import MoneySum, ProgressReport, Project, ProjectStage, ProjectYearPlan

__all__ = ["project_rows", "year_totals", "yearly_totals", "recent_reports", "month_totals"]


def project_rows(projects: QuerySet[Project], stages: tuple[str, ...] | None = None,
                 year: int | None = None) -> list[engine.ProjectRow]:
    """Engine rows of the given projects (counted investment = the increment).

    `stages` limits the stage dates loaded to those a page needs (terminated
    projects always keep theirs, for the funnel); `year` limits the plans loaded."""
    ids = projects.values("pk")
    actual: dict[int, dict] = defaultdict(dict)
    planned: dict[int, dict] = defaultdict(dict)
    stage_rows = ProjectStage.objects.filter(project__in=ids)
    if stages is not None:
        stage_rows = stage_rows.filter(Q(stage__in=stages) | Q(project__stage=Stage.TERMINATED))
    plan_rows = ProjectYearPlan.objects.filter(project__in=ids)
    if year is not None:
        plan_rows = plan_rows.filter(year=year)
    for pid, stage, planned_on, actual_on in stage_rows.values_list(
            "project_id", "stage", "planned_date", "actual_date"):
        if actual_on:
            actual[pid][stage] = actual_on
        if planned_on:
            planned[pid][stage] = planned_on
    plans: dict[int, dict] = defaultdict(dict)
    for pid, plan_year, amount in plan_rows.values_list("project_id", "year",
                                                        "planned_investment"):
        plans[pid][plan_year] = amount
    tags: dict[int, list] = defaultdict(list)
    through = Project.secondary_chains.through
    for pid, name in through.objects.filter(project__in=ids).values_list(
            "project_id", "chain__name"):
        tags[pid].append(name)
    rows = []
    for (pid, name, chain, town, klass, level, total, prior, stage, contact) in projects.values_list(
            "pk", "name", "chain__name", "town__name", "project_class", "level",
            "total_investment", "prior_investment", "stage", "first_contact"):
        rows.append(engine.ProjectRow(
            id=pid, name=name, chain=chain, town=town, project_class=klass, level=level,
            investment=(total or Decimal(0)) - (prior or Decimal(0)), stage=stage,
            actual=actual.get(pid, {}), planned=planned.get(pid, {}), plans=plans.get(pid, {}),
            secondary_chains=tuple(tags.get(pid, ())), first_contact=contact))
    return rows


def _approved(projects: QuerySet[Project]) -> QuerySet[ProgressReport]:
    return ProgressReport.objects.filter(project__in=projects.values("pk"),
                                         approved_completed__isnull=False)


def year_totals(projects: QuerySet[Project], year: int, as_of: date) -> list[engine.ReportRow]:
    """One row per project: its approved investment in `year` up to `as_of`."""
    first = date(year, 1, 1)
    rows = (_approved(projects).filter(month__gte=first, month__lte=min(as_of, date(year, 12, 1)))
            .values("project_id").annotate(s=MoneySum("approved_completed")))
    return [engine.ReportRow(r["project_id"], first, r["s"]) for r in rows]


def yearly_totals(projects: QuerySet[Project], as_of: date) -> list[engine.ReportRow]:
    """One row per project and year (for the roll-up by year)."""
    out = []
    for year in sorted({m.year for m in _approved(projects).dates("month", "year")}):
        out += year_totals(projects, year, as_of)
    return out


def recent_reports(projects: QuerySet[Project], as_of: date, months: int
                   ) -> list[engine.ReportRow]:
    """The approved reports of the last `months` complete months (alert lists)."""
    rows = _approved(projects).filter(month__gte=engine.add_months(as_of, -months),
                                      month__lt=engine.month_start(as_of))
    return [engine.ReportRow(pid, month, amount) for pid, month, amount in rows.values_list(
        "project_id", "month", "approved_completed")]


def month_totals(projects: QuerySet[Project], year: int, as_of: date) -> dict[int, Decimal]:
    """Approved investment per month of `year` over live projects (the same sum as
    `engine.completed_by_month`, in one query)."""
    rows = (_approved(projects.exclude(stage=Stage.TERMINATED))
            .filter(month__gte=date(year, 1, 1), month__lte=min(as_of, date(year, 12, 1)))
            .values("month").annotate(s=MoneySum("approved_completed")))
    out = dict.fromkeys(range(1, 13), Decimal(0))
    for r in rows:
        out[r["month"].month] += r["s"]
    return out
