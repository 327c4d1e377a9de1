"""List tables of the projects app."""

from __future__ import annotations

import django_tables2 as tables
from django.utils.translation import gettext_lazy as _

from lianzhang.core.tables import BaseTable

from .models import ProgressReport, Project, ProjectStage, ProjectYearPlan, ReportAmendment

__all__ = ["ProjectTable", "ProjectYearPlanTable", "ProjectStageTable", "ProgressReportTable",
           "ReportAmendmentTable"]


class ProjectTable(BaseTable):
    """Projects with where they are and how far they have got."""

    code = tables.Column(linkify=True)
    name = tables.Column(linkify=True)

    class Meta(BaseTable.Meta):
        model = Project
        fields = ("code", "name", "town", "chain", "stage", "project_class", "level",
                  "total_investment", "investor")


class ProjectYearPlanTable(BaseTable):
    """Annual plans."""

    project = tables.Column(linkify=True)
    year = tables.Column(linkify=lambda record: record.get_absolute_url())

    class Meta(BaseTable.Meta):
        model = ProjectYearPlan
        fields = ("project", "year", "planned_investment")


class ProjectStageTable(BaseTable):
    """Stage rows with planned and actual dates."""

    project = tables.Column(linkify=True)
    stage = tables.Column(linkify=lambda record: record.get_absolute_url())

    class Meta(BaseTable.Meta):
        model = ProjectStage
        fields = ("project", "stage", "planned_date", "actual_date", "skipped", "reason")


class ProgressReportTable(BaseTable):
    """Monthly reports with their status and approved figure."""

    project = tables.Column(linkify=True)
    month = tables.DateColumn(format="Y-m", linkify=lambda record: record.get_absolute_url())
    status = tables.Column(verbose_name=_("status"))

    class Meta(BaseTable.Meta):
        model = ProgressReport
        fields = ("project", "month", "completed", "approved_completed", "status",
                  "review_comment")


class ReportAmendmentTable(BaseTable):
    """Amendments of approved months."""

    report = tables.Column(linkify=True)
    completed = tables.Column(linkify=lambda record: record.get_absolute_url())

    class Meta(BaseTable.Meta):
        model = ReportAmendment
        fields = ("report", "completed", "reason", "status")
