"""Reminders: which towns and projects have not submitted a month by the due day
(`LIANZHANG_REPORT_DUE_DAY` of the following month). Run by the
`project_reminders` command or the `projects.reminders` job."""

from __future__ import annotations

from collections import defaultdict
from datetime import date
from typing import Any

from django.db.models import OuterRef, QuerySet, Subquery
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from chainkit.projects import add_months
from lianzhang.core.jobs import JobRunner, register_runner
from lianzhang.core.schedule import register_periodic

from .choices import ReportStatus, Stage
from .conf import report_due_day
from .models import ProgressReport, Project, ProjectStage, month_label

__all__ = ["due_date", "overdue_month", "missing_reports", "ReportReminderJob"]


def due_date(month: date) -> date:
    """The day `month`'s reports are due."""
    return add_months(month, 1).replace(day=report_due_day())


def overdue_month(today: date) -> date:
    """The latest month whose due date has passed on `today`."""
    month = add_months(today, -1)
    return month if today > due_date(month) else add_months(today, -2)


def reporting_projects(projects: QuerySet[Project], month: date) -> QuerySet[Project]:
    """Projects that report for `month`: signed by the month's end, not terminated."""
    signed = ProjectStage.objects.filter(project=OuterRef("pk"), stage=Stage.SIGNED).values(
        "actual_date")[:1]
    return (projects.exclude(stage__in=[Stage.PLANNING, Stage.TERMINATED])
            .annotate(signed_date=Subquery(signed))
            .filter(signed_date__lt=add_months(month, 1)))


def missing_reports(month: date, projects: QuerySet[Project] | None = None
                    ) -> dict[str, list[Project]]:
    """Town name → its projects whose report for `month` is missing, a draft or
    returned (i.e. not submitted or approved)."""
    projects = projects if projects is not None else Project.objects.all()
    done = ProgressReport.objects.filter(month=month, status__in=[
        ReportStatus.SUBMITTED, ReportStatus.APPROVED]).values("project_id")
    out: dict[str, list[Project]] = defaultdict(list)
    for project in (reporting_projects(projects, month).exclude(pk__in=done)
                    .select_related("town").order_by("town__code", "code")):
        out[project.town.name].append(project)
    return dict(out)


def reminder_lines(month: date, projects: QuerySet[Project] | None = None) -> list[str]:
    """One line per town: `胶莱街道 2026年10月 未报 3 个项目：甲、乙、丙`."""
    lines = []
    for town, items in missing_reports(month, projects).items():
        count = _("%(count)d project(s) not submitted") % {"count": len(items)}
        lines.append(f"{town} {month_label(month)}: {count}：" + "、".join(p.name for p in items))
    return lines


@register_periodic("daily")
@register_runner
class ReportReminderJob(JobRunner):
    """List the towns and projects that missed the due day of a month."""

    kind = "projects.reminders"
    name = gettext_lazy("Monthly report reminders")
    result_labels = {"month": gettext_lazy("Month"),
                     "towns": gettext_lazy("Projects not submitted, by town")}
    # It only lists; running it again is safe. (The lead reminders send e-mail and
    # are not re-run: nobody should get the same reminder twice.)
    requeue_when_orphaned = True

    def run(self, month: str = "", **_params: Any) -> dict[str, Any]:
        from django.utils import timezone

        when = date.fromisoformat(month) if month else overdue_month(timezone.localdate())
        missing = missing_reports(when)
        for line in reminder_lines(when):
            self.log(line)
        return {"month": when.isoformat(),
                "towns": {town: [p.code for p in items] for town, items in missing.items()}}
