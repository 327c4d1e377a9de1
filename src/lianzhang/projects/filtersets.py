"""FilterSets of the projects app (lists, API, exports, report scoping)."""

from __future__ import annotations

import django_filters
from django.utils.translation import gettext_lazy as _

from lianzhang.chains.models import Chain
from lianzhang.core.filtersets import BaseFilterSet
from lianzhang.regions.models import Region

from .choices import ProjectClass, ProjectLevel, ReportStatus, Stage
from .models import ProgressReport, Project, ProjectStage, ProjectYearPlan, ReportAmendment

__all__ = ["ProjectFilterSet", "ProjectYearPlanFilterSet", "ProjectStageFilterSet",
           "ProgressReportFilterSet", "ReportAmendmentFilterSet"]


class ProjectFilterSet(BaseFilterSet):
    """Projects by name, code or investor; chain, town, stage, class and level."""

    search_fields = ("name", "code", "investor__name")
    chain = django_filters.ModelChoiceFilter(queryset=Chain.objects.all(), label=_("chain"))
    town = django_filters.ModelChoiceFilter(queryset=Region.objects.filter(level="town"),
                                            label=_("town"))
    stage = django_filters.ChoiceFilter(choices=Stage.choices, label=_("stage"))
    project_class = django_filters.ChoiceFilter(choices=ProjectClass.choices,
                                                label=_("project class"))
    level = django_filters.ChoiceFilter(choices=ProjectLevel.choices, label=_("project level"))

    class Meta:
        model = Project
        fields = ["q", "chain", "town", "stage", "project_class", "level"]


class ProjectYearPlanFilterSet(BaseFilterSet):
    """Annual plans by project and year."""

    search_fields = ("project__name", "project__code")

    class Meta:
        model = ProjectYearPlan
        fields = ["q", "year"]


class ProjectStageFilterSet(BaseFilterSet):
    """Stage rows by project and stage."""

    search_fields = ("project__name", "project__code")

    class Meta:
        model = ProjectStage
        fields = ["q", "stage"]


class ProgressReportFilterSet(BaseFilterSet):
    """Reports by project, month and status."""

    search_fields = ("project__name", "project__code")
    status = django_filters.ChoiceFilter(choices=ReportStatus.choices, label=_("status"))
    town = django_filters.ModelChoiceFilter(field_name="project__town", label=_("town"),
                                            queryset=Region.objects.filter(level="town"))

    class Meta:
        model = ProgressReport
        fields = ["q", "month", "status", "town"]


class ReportAmendmentFilterSet(BaseFilterSet):
    """Amendments by project."""

    search_fields = ("report__project__name", "report__project__code", "reason")

    class Meta:
        model = ReportAmendment
        fields = ["q", "status"]
