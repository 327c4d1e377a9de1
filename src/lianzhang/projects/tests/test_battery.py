"""The standard batteries for the projects app."""

from datetime import date

from lianzhang.core.testing.battery import ObjectBattery
from lianzhang.projects import views as v
from lianzhang.projects.choices import ReportStatus
from lianzhang.projects.models import ProgressReport, ProjectStage, ProjectYearPlan, ReportAmendment

from .factories import make_project, make_report


class TestProjectBattery(ObjectBattery):
    """Projects are scoped by town and main chain; imports use the ledger form."""

    object_type = v.ProjectType

    def make(self, world, town, chain, n):
        return make_project(town, chain, n)

    def form_data(self, world, town, chain, n):
        return {"name": f"新建项目{n}", "kind": "new", "prior_investment": "0",
                "chain": chain.code, "town": town.pk, "project_class": "new", "level": "city",
                "total_investment": "52000", "content": "年产10万台压缩机", "expected_jobs": "300",
                "responsible_unit": "九龙街道经发办", "responsible_person": "王主任",
                "description": ""}

    def import_data(self, world, town, chain, n):
        return {"name": f"导入项目{n}", "location": town.name, "chain_name": chain.name,
                "class_name": "新建", "level_name": "市重点", "total_yi": "5.2",
                "plan_yi": "1.5", "signed_on": "2025-03-01", "planned_start": "2025-06-01"}

    def api_data(self, world, town, chain, n):
        return {"name": f"接口项目{n}", "chain": chain.pk, "town": town.pk,
                "total_investment": "30000"}

    def search_text(self, obj):
        return obj.name


class TestProjectYearPlanBattery(ObjectBattery):
    object_type = v.ProjectYearPlanType

    def make(self, world, town, chain, n):
        return ProjectYearPlan.objects.create(project=make_project(town, chain, n),
                                              year=2020 + n, planned_investment=1000)

    def form_data(self, world, town, chain, n):
        return {"project": make_project(town, chain, n).code, "year": 2030 + n,
                "planned_investment": "1000.00"}

    def api_data(self, world, town, chain, n):
        return {"project": make_project(town, chain, n).pk, "year": 2040 + n,
                "planned_investment": "500.00"}

    def edit_change(self):
        return "planned_investment", "1200.00"

    def search_text(self, obj):
        return obj.project.name


class TestProjectStageBattery(ObjectBattery):
    object_type = v.ProjectStageType

    def make(self, world, town, chain, n):
        return ProjectStage.objects.create(project=make_project(town, chain, n, signed=None),
                                           stage="completed", planned_date=date(2030, 1, 1))

    def form_data(self, world, town, chain, n):
        return {"project": make_project(town, chain, n, signed=None).code, "stage": "producing",
                "planned_date": "2031-01-01", "note": ""}

    def api_data(self, world, town, chain, n):
        return {"project": make_project(town, chain, n, signed=None).pk, "stage": "in_stats",
                "planned_date": "2032-01-01"}

    def edit_change(self):
        return "note", "计划调整"

    def search_text(self, obj):
        return obj.project.name


class TestProgressReportBattery(ObjectBattery):
    object_type = v.ProgressReportType

    def make(self, world, town, chain, n):
        return make_report(make_project(town, chain, n), date(2025, 1, 1), 100)

    def form_data(self, world, town, chain, n):
        return {"project": make_project(town, chain, n).code, "month": "2025-03",
                "completed": "200", "progress": "主体施工", "problems": "",
                "negative_reason": "", "overrun_acknowledged": ""}

    def api_data(self, world, town, chain, n):
        return {"project": make_project(town, chain, n).pk, "month": "2025-04-01",
                "completed": "150"}

    def edit_change(self):
        return "progress", "主体封顶"

    def search_text(self, obj):
        return obj.project.name


class TestReportAmendmentBattery(ObjectBattery):
    object_type = v.ReportAmendmentType

    def approved(self, town, chain, n):
        project = make_project(town, chain, n)
        report = ProgressReport.objects.filter(project=project, month=date(2025, 2, 1)).first()
        return report or make_report(project, date(2025, 2, 1), 100, ReportStatus.APPROVED)

    def make(self, world, town, chain, n):
        return ReportAmendment.objects.create(report=self.approved(town, chain, n),
                                              completed=90, reason="统计口径更正")

    def form_data(self, world, town, chain, n):
        return {"report": self.approved(town, chain, n).pk, "completed": "80",
                "reason": "漏报一笔设备款"}

    def api_data(self, world, town, chain, n):
        return {"report": self.approved(town, chain, n).pk, "completed": "70",
                "reason": "重复计入"}

    def edit_change(self):
        return "reason", "更正后的原因"

    def search_text(self, obj):
        return obj.report.project.name
