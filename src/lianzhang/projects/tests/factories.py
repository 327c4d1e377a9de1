"""Test data of the projects app: projects signed on a date, reports in a status."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

from lianzhang.projects import workflow
from lianzhang.projects.choices import ReportStatus
from lianzhang.projects.models import ProgressReport, Project, ProjectYearPlan


def make_project(town: Any, chain: Any, n: int, total: int = 50000,
                 signed: date | None = date(2024, 1, 1), **extra: Any) -> Project:
    """A project named 测试项目<n> in `town`/`chain`, signed on `signed`."""
    project, created = Project.objects.get_or_create(
        name=f"测试项目{n}", defaults={"town": town, "chain": chain,
                                      "total_investment": Decimal(total), **extra})
    if created and signed:
        workflow.advance(project, "signed", signed)
    return project


def make_report(project: Project, month: date, completed: float | int | str,
                status: str = ReportStatus.DRAFT) -> ProgressReport:
    """A report in `status` (approved ones carry their approved figure)."""
    amount = Decimal(str(completed))
    return ProgressReport.objects.create(
        project=project, month=month, completed=amount, status=status,
        approved_completed=amount if status == ReportStatus.APPROVED else None)


def plan(project: Project, year: int, amount: int) -> ProjectYearPlan:
    """An annual plan."""
    return ProjectYearPlan.objects.create(project=project, year=year,
                                          planned_investment=Decimal(amount))
