"""Models of the projects app."""

from .project import YI, MoneySum, Project, ProjectStage, ProjectYearPlan, next_code
from .reports import ProgressReport, ReportAmendment, effective_figure, month_label

__all__ = ["YI", "MoneySum", "ProgressReport", "Project", "ProjectStage", "ProjectYearPlan",
           "ReportAmendment", "effective_figure", "month_label", "next_code"]
