"""The demo city's key projects (DESIGN §5): named projects with the reported facts,
two years of monthly reports, loaded idempotently."""

from decimal import Decimal

import pytest
from django.core.management import call_command

from lianzhang.core.models import ObjectChange
from lianzhang.projects.choices import ReportStatus
from lianzhang.projects.models import ProgressReport, Project, ProjectYearPlan


@pytest.fixture
def demo(db):
    call_command("load_demo", "--enterprises", "300", stdout=open("/dev/null", "w"))


def test_it_loads_the_demo_projects(demo):
    """One load checked from several sides (the demo loader takes seconds)."""
    check_jiaolai()
    check_named_facts()
    check_reports_and_reload()


def check_jiaolai():
    jiaolai = Project.objects.filter(town__name="胶莱街道", code__startswith="DM")
    assert jiaolai.count() == 27
    assert all(p.total_investment >= 10000 for p in jiaolai)
    assert sum(p.total_investment for p in jiaolai) == Decimal("3408000.00")
    assert all(p.actual_date("signed") for p in jiaolai)
    names = set(jiaolai.values_list("name", flat=True))
    assert {"ASB芯片先进封装", "阳氢氢能源高端装备制造", "丹香航空食品", "庞仕国际深蓝产业基地"} <= names


def check_named_facts():
    pangshi = Project.objects.get(name="庞仕国际深蓝产业基地")
    assert (pangshi.actual_date("signed") - pangshi.first_contact).days == 55
    weichai = Project.objects.get(name="潍柴(青岛)智慧重工智造中心")
    assert weichai.stage == "producing" and weichai.total_investment >= 1_000_000
    assert (weichai.actual_date("producing") - weichai.actual_date("signed")).days <= 365
    assert Project.objects.get(name="环球集团数字化示范工厂").actual_date("started")
    assert Project.objects.get(name="软控科创中心").stage == "signed"
    for name in ("加西贝拉冰箱压缩机", "斑科变频"):
        assert Project.objects.get(name=name).chain.name == "智能家电"


def check_reports_and_reload():
    months = set(ProgressReport.objects.dates("month", "month"))
    assert min(months).isoformat() == "2025-01-01" and len(months) >= 22
    assert ProgressReport.objects.filter(status=ReportStatus.APPROVED).count() > 500
    assert ProgressReport.objects.filter(status=ReportStatus.SUBMITTED).exists()
    assert ProjectYearPlan.objects.filter(year=2026).count() > 40
    counts = (Project.objects.count(), ProgressReport.objects.count(), ObjectChange.objects.count())
    call_command("load_demo", "--enterprises", "300", stdout=open("/dev/null", "w"))
    assert (Project.objects.count(), ProgressReport.objects.count(),
            ObjectChange.objects.count()) == counts
