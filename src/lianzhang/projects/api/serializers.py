"""API serializers of the projects app (workflow fields are read-only: stages move
through the stage machine, statuses through the reporting workflow)."""

from lianzhang.core.api.serializers import serializer_for as _serializer

from ..models import ProgressReport, Project, ProjectStage, ProjectYearPlan, ReportAmendment

__all__ = ["ProjectSerializer", "ProjectYearPlanSerializer", "ProjectStageSerializer",
           "ProgressReportSerializer", "ReportAmendmentSerializer"]

ProjectSerializer = _serializer(Project, [
    "code", "name", "kind", "prior_investment", "chain", "secondary_chains", "nodes", "town",
    "park", "investor", "project_class", "level", "total_investment", "fixed_asset_investment",
    "content", "expected_output", "expected_tax", "expected_jobs", "responsible_unit",
    "responsible_person", "source_ref", "first_contact", "problems", "stage", "description",
    "created", "last_updated"], read_only=["code", "stage"])
ProjectYearPlanSerializer = _serializer(ProjectYearPlan, ["project", "year",
                                                          "planned_investment"])
ProjectStageSerializer = _serializer(ProjectStage, [
    "project", "stage", "planned_date", "actual_date", "skipped", "reason", "note"],
    read_only=["actual_date", "skipped", "reason"])
ProgressReportSerializer = _serializer(ProgressReport, [
    "project", "month", "completed", "progress", "problems", "negative_reason",
    "overrun_acknowledged", "status", "approved_completed", "review_comment"],
    read_only=["status", "approved_completed", "review_comment"])
ReportAmendmentSerializer = _serializer(ReportAmendment, [
    "report", "completed", "reason", "status"], read_only=["status"])
