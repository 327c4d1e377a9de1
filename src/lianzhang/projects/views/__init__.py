"""Pages of the projects app: the declared object types (registered here) and the
app's own pages (monthly sheet, review, roll-ups, alerts), in the sibling modules."""

from __future__ import annotations

from typing import Any

from django.db.models import OuterRef, Subquery, Sum
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from lianzhang.core.importer import RowDecision
from lianzhang.core.navigation import register_link
from lianzhang.core.registry import ObjectType, register
from lianzhang.core.views import ObjectListView, ObjectView

from .. import filtersets as fs
from .. import forms
from .. import tables as tb
from ..api import serializers as sz
from ..choices import LIVE_STAGES, Stage
from ..forms.ledger import LedgerForm
from ..models import ProgressReport, Project, ProjectStage, ProjectYearPlan, ReportAmendment
from ..units import normalise_units

__all__ = ["ProjectType", "ProjectYearPlanType", "ProjectStageType", "ProgressReportType",
           "ReportAmendmentType", "LedgerResolver"]


class LedgerResolver:
    """Ledger import rows with a 项目编号 update that project; rows without one create
    a project (a code that matches nothing is refused, never a silent new project)."""

    def __init__(self, user: Any) -> None:
        self.user = user

    def decide(self, row_no: int, data: dict[str, str]) -> RowDecision:
        """Update the project named by the row's code, or create one."""
        code = (data.get("code") or "").strip()
        if not code:
            return RowDecision()
        project = Project.objects.filter(code=code).first()
        if project is None:
            return RowDecision(error=str(_("No project with code “%(code)s”; leave the code "
                                           "empty for a new project.") % {"code": code}),
                               column=str(LedgerForm.base_fields["code"].label))
        return RowDecision(instance=project)

    def saved(self, obj: Project) -> None:
        """Nothing to remember between rows."""


def ledger_queryset(queryset: Any) -> Any:
    """Projects with what the ledger columns read, in a fixed number of queries."""
    cumulative = (ProgressReport.objects.filter(project=OuterRef("pk"))
                  .values("project").annotate(s=Sum("approved_completed")).values("s"))
    return (queryset.select_related("town", "chain", "park", "investor")
            .prefetch_related("stages", "year_plans", "secondary_chains")
            .annotate(cum=Subquery(cumulative)))


class ProjectListView(ObjectListView):
    """The generic list; its export carries the ledger columns without N+1 queries.
    The page's table shows none of them, so only an export fetches them."""

    def queryset(self, request: HttpRequest, action: str | None = None) -> Any:
        queryset = super().queryset(request, action)
        if request.GET.get("export") in ("csv", "xlsx"):
            return ledger_queryset(queryset)
        return queryset


class ProjectDetailView(ObjectView):
    """The project page: fields, stages with the transition form, plans, reports."""

    def tab_context(self, request: HttpRequest, obj: Project) -> dict[str, Any]:
        from ..reporting import can_review

        rows = {s.stage: s for s in obj.stages.all()}
        return {"stage_rows": [(s, Stage(s).label, rows.get(s)) for s in
                               (*LIVE_STAGES, Stage.TERMINATED) if s != Stage.TERMINATED
                               or s in rows],
                "transition_form": forms.TransitionForm(initial={"revision": obj.revision}),
                "reports": obj.reports.order_by("-month")[:36],
                "plans": obj.year_plans.all(), "can_review": can_review(request.user, obj)}


@register
class ProjectType(ObjectType):
    """Key projects (the ledger)."""

    model = Project
    filterset = fs.ProjectFilterSet
    table = tb.ProjectTable
    form = forms.ProjectForm
    import_form = LedgerForm
    serializer = sz.ProjectSerializer
    natural_key = "code"
    import_resolver = LedgerResolver
    prepare_table = staticmethod(normalise_units)
    detail_template = "projects/project_detail.html"
    list_view = ProjectListView
    detail_view = ProjectDetailView


@register
class ProjectYearPlanType(ObjectType):
    """Annual planned investment per project and year."""

    model = ProjectYearPlan
    filterset = fs.ProjectYearPlanFilterSet
    table = tb.ProjectYearPlanTable
    form = forms.ProjectYearPlanForm
    serializer = sz.ProjectYearPlanSerializer


@register
class ProjectStageType(ObjectType):
    """Stages with planned and actual dates."""

    model = ProjectStage
    filterset = fs.ProjectStageFilterSet
    table = tb.ProjectStageTable
    form = forms.ProjectStageForm
    serializer = sz.ProjectStageSerializer


@register
class ProgressReportType(ObjectType):
    """Monthly progress reports."""

    model = ProgressReport
    filterset = fs.ProgressReportFilterSet
    table = tb.ProgressReportTable
    form = forms.ProgressReportForm
    serializer = sz.ProgressReportSerializer


@register
class ReportAmendmentType(ObjectType):
    """Amendments of approved months."""

    model = ReportAmendment
    filterset = fs.ReportAmendmentFilterSet
    table = tb.ReportAmendmentTable
    form = forms.ReportAmendmentForm
    serializer = sz.ReportAmendmentSerializer


register_link("projects", 0, object_type="projects.project")
register_link("projects", 1, label=_("Monthly report sheet"), url_name="projects:monthly",
              permission_model="projects.progressreport")
register_link("projects", 2, label=_("Report review"), url_name="projects:review",
              permission_model="projects.progressreport")
register_link("projects", 3, label=_("Roll-ups and league tables"), url_name="projects:rollup",
              permission_model="projects.project")
register_link("projects", 4, label=_("Alerts (三未, overdue, stalled)"),
              url_name="projects:alerts", permission_model="projects.project")
register_link("projects", 5, label=_("Cycle times"), url_name="projects:cycle_times",
              permission_model="projects.project")
for _order, _key in enumerate(["projects.progressreport", "projects.reportamendment",
                               "projects.projectyearplan", "projects.projectstage"], start=6):
    register_link("projects", _order, object_type=_key)
