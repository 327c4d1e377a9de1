"""Demo key projects (DESIGN §5): the projects named in public reports plus synthetic
ones, with stage dates, annual plans and monthly reports for 2025–2026.

Facts used: 胶莱街道 signed 27 projects of ≥ 1亿 totalling 340.8亿, among them
ASB芯片先进封装, 阳氢氢能源高端装备制造 and 丹香航空食品; 庞仕国际深蓝产业基地 was signed
55 days after first contact. 智能家电: 加西贝拉冰箱压缩机 and 斑科变频 landing. 智能制造
装备: 潍柴(青岛)智慧重工智造中心 (百亿级, built and producing within a year), 环球集团's
demo factory started, 软控科创中心 signed. Everything else (amounts, dates, the other
projects, the reports) is synthetic and tagged as demo data.

Deterministic (seeded) and idempotent: projects are keyed by their demo code
(DM<year>-<n>); a second run creates nothing and writes no change records."""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from django.utils import timezone

from chainkit.projects import add_months
from lianzhang.core.audit import audited_bulk_create
from lianzhang.demo.steps import DemoContext, register_demo_step
from lianzhang.enterprises.models import Enterprise

from . import workflow
from .choices import LIVE_STAGES, ReportStatus
from .models import ProgressReport, Project, ProjectYearPlan

__all__ = ["load_projects", "DemoProject", "JIAOLAI_TOTAL_YI"]

JIAOLAI_TOTAL_YI = Decimal("340.8")
YI = Decimal(10000)
REPORT_YEARS = (2025, 2026)


@dataclass
class DemoProject:
    """One demo project: facts, and how far it has got (`reach`) from its signing."""

    name: str
    town: str
    chain: str
    total_yi: Decimal
    investor: str
    signed: date
    reach: str = "started"
    tags: tuple[str, ...] = ()
    first_contact: date | None = None
    content: str = ""
    gaps: dict[str, int] = field(default_factory=dict)  # days from the previous stage


NAMED = [
    DemoProject("ASB芯片先进封装", "胶莱街道", "integrated-circuit", Decimal("52"),
                "青岛ASB半导体有限公司", date(2024, 9, 12), "started",
                ("airport-manufacturing",), content="芯片先进封装测试产线"),
    DemoProject("阳氢氢能源高端装备制造", "胶莱街道", "hydrogen-energy-storage", Decimal("30"),
                "青岛阳氢新能源装备有限公司", date(2024, 11, 5), "started",
                ("airport-manufacturing",), content="制氢电解槽及储氢装备"),
    DemoProject("丹香航空食品", "胶莱街道", "food-beverage", Decimal("12"),
                "青岛丹香航空食品有限公司", date(2024, 6, 18), "producing",
                ("airport-manufacturing",), content="航空配餐及烘焙食品"),
    DemoProject("庞仕国际深蓝产业基地", "胶莱街道", "marine-equipment", Decimal("20"),
                "庞仕国际集团有限公司", date(2025, 3, 26), "started", ("airport-manufacturing",),
                first_contact=date(2025, 1, 30), content="深蓝海洋装备研发制造基地"),
    DemoProject("加西贝拉冰箱压缩机", "九龙街道", "smart-appliance", Decimal("15"),
                "加西贝拉压缩机有限公司", date(2025, 4, 10), "started",
                content="年产800万台高效变频冰箱压缩机"),
    DemoProject("斑科变频", "九龙街道", "smart-appliance", Decimal("6"),
                "青岛斑科变频技术有限公司", date(2025, 7, 2), "started",
                content="家电变频控制器及电机驱动"),
    DemoProject("潍柴(青岛)智慧重工智造中心", "阜安街道", "smart-manufacturing-equipment",
                Decimal("100"), "潍柴(青岛)智慧重工有限公司", date(2025, 1, 8), "producing",
                gaps={"started": 35, "completed": 270, "producing": 30},
                content="百亿级智慧重工整机及核心部件智造中心"),
    DemoProject("环球集团数字化示范工厂", "阜安街道", "smart-manufacturing-equipment",
                Decimal("8"), "环球集团有限公司", date(2025, 8, 20), "started",
                content="纺机装备数字化示范工厂"),
    DemoProject("软控科创中心", "胶西街道", "smart-manufacturing-equipment",
                Decimal("10"), "软控股份有限公司", date(2026, 5, 15), "signed",
                content="橡胶装备智能制造科创中心"),
]

SYNTHETIC_KINDS = ["智能装备产业园", "新材料生产线", "精密部件项目", "数字化车间", "研发中心",
                   "扩产项目", "总部基地", "绿色工厂", "供应链基地", "检测中心"]
SYNTHETIC_PREFIX = ["海岳", "青蓝", "胶澳", "琴岛", "崂峰", "沧口", "浮山", "鳌山", "灵珠",
                    "珠山", "凤凰", "华楼", "云溪", "少海", "艾山", "北岭"]


def _money(value: Decimal) -> Decimal:
    return value.quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)


def _jiaolai_synthetic(rng: random.Random) -> list[DemoProject]:
    """23 more 胶莱街道 projects ≥ 1亿 so the 27 total exactly 340.8亿."""
    named = sum(p.total_yi for p in NAMED if p.town == "胶莱街道")
    amounts = [Decimal(rng.randint(15, 140)) / 10 for _ in range(22)]
    amounts.append(JIAOLAI_TOTAL_YI - named - sum(amounts))
    assert all(a >= 1 for a in amounts), amounts  # the seed is fixed; keep it true
    out = []
    for n, amount in enumerate(amounts):
        name = f"{SYNTHETIC_PREFIX[n % 16]}{SYNTHETIC_KINDS[n % 10]}（临空）"
        signed = date(2024, 1, 15) + timedelta(days=rng.randint(0, 600))
        reach = rng.choice(["signed", "started", "started", "started", "completed",
                            "producing"])
        out.append(DemoProject(name, "胶莱街道", "airport-manufacturing", amount,
                               f"青岛{SYNTHETIC_PREFIX[n % 16]}临空科技有限公司", signed, reach))
    return out


def _other_synthetic(rng: random.Random, towns: dict[str, Any]) -> list[DemoProject]:
    """Projects in the other towns, on each town's main chain."""
    out = []
    candidates = [(name, t.main_chain.code) for name, t in sorted(towns.items())
                  if t.main_chain_id and name != "胶莱街道"]
    for n in range(40):
        town, chain = candidates[n % len(candidates)]
        signed = date(2024, 2, 1) + timedelta(days=rng.randint(0, 820))
        reach = rng.choice(["planning", "signed", "started", "started", "started",
                            "completed", "producing", "in_stats"])
        amount = Decimal(rng.randint(5, 300)) / 10
        prefix = SYNTHETIC_PREFIX[(n + 5) % 16]
        out.append(DemoProject(f"{prefix}{SYNTHETIC_KINDS[(n + 3) % 10]}（{town[:2]}）", town,
                               chain, amount, f"青岛{prefix}实业有限公司", signed, reach))
    return out


def _dates(project: DemoProject, rng: random.Random, today: date) -> dict[str, date]:
    """Actual stage dates up to `reach`, never after today."""
    if project.reach == "planning":
        return {}
    gaps = {"started": rng.randint(25, 110), "completed": rng.randint(240, 520),
            "producing": rng.randint(15, 60), "in_stats": rng.randint(60, 120), **project.gaps}
    actual = {"signed": project.signed}
    day = project.signed
    for stage in LIVE_STAGES[2:LIVE_STAGES.index(project.reach) + 1]:
        day = day + timedelta(days=gaps[stage])
        if day >= today:
            break
        actual[stage] = day
    return actual


def _firm(name: str, town: Any) -> Enterprise:
    firm = Enterprise.objects.filter(name=name).first()
    if firm is None:
        firm = Enterprise(name=name, town=town, description="演示数据")
        firm.save()
    return firm


def _reports(project: Project, actual: dict[str, date], rng: random.Random, last: date,
             lagging: bool) -> tuple[list[ProgressReport], dict[int, Decimal]]:
    """Monthly reports from the signing month (2025 on) to `last`: investment while
    building, small after completion; all approved but the latest month."""
    if "signed" not in actual:
        return [], {}
    total = project.total_investment
    start = actual.get("started")
    end = actual.get("completed")
    months = max(6, ((end or start or last) - (start or last)).days // 30) if start else 12
    monthly = total * Decimal("0.85") / Decimal(months if not end else max(months, 6))
    reports, per_year = [], {y: Decimal(0) for y in REPORT_YEARS}
    month = max(date(2025, 1, 1), actual["signed"].replace(day=1))
    spent = Decimal(0)
    while month <= last:
        building = start and start.replace(day=1) <= month and (not end or month <= end)
        amount = _money(monthly * Decimal(rng.uniform(0.6, 1.4))) if building else Decimal(0)
        if lagging and month >= add_months(last, -1):
            amount = Decimal(0)
        amount = min(amount, total - spent)
        spent += amount
        per_year[month.year] += amount
        status = ReportStatus.APPROVED if month < last else rng.choice(
            [ReportStatus.SUBMITTED, ReportStatus.SUBMITTED, ReportStatus.DRAFT])
        reports.append(ProgressReport(
            project=project, month=month, completed=amount, status=status,
            approved_completed=amount if status == ReportStatus.APPROVED else None,
            progress="主体施工" if building else ("已竣工" if end and month > end else "前期手续办理")))
        month = add_months(month, 1)
    return reports, per_year


@register_demo_step(300, "projects")
def load_projects(ctx: DemoContext) -> dict[str, int]:
    """Create the demo projects with stages, plans and reports (new ones only)."""
    rng = random.Random(ctx.seed * 7 + 300)
    towns, chains = ctx.objects["towns"], ctx.objects["chains"]
    today = timezone.localdate()
    last = min(add_months(today, -1), date(2026, 12, 1))
    demo_tag = ctx.objects.get("demo_tag")
    specs = NAMED + _jiaolai_synthetic(rng) + _other_synthetic(rng, towns)
    created, reports, plans = 0, [], []
    for n, spec in enumerate(specs, start=1):
        code = f"DM{spec.signed.year}-{n:05d}"
        project_rng = random.Random(f"{ctx.seed}-{code}")
        actual = _dates(spec, project_rng, today)
        if Project.objects.filter(code=code).exists():
            continue
        town = towns[spec.town]
        project = Project(code=code, name=spec.name, town=town, chain=chains[spec.chain],
                          total_investment=_money(spec.total_yi * YI),
                          fixed_asset_investment=_money(spec.total_yi * YI * Decimal("0.8")),
                          investor=_firm(spec.investor, None), content=spec.content,
                          first_contact=spec.first_contact, level="city",
                          project_class="continuing" if "started" in actual and
                          actual["started"].year < today.year else "new",
                          responsible_unit=f"{spec.town}经济发展办公室",
                          description="演示数据")
        project.save()
        created += 1
        if spec.tags:
            project.secondary_chains.set([chains[c] for c in spec.tags])
        if demo_tag is not None:
            project.tags.add(demo_tag)
        planned_start = spec.signed + timedelta(days=60)
        workflow.set_planned(project, {"started": planned_start,
                                       "completed": planned_start + timedelta(days=420)})
        workflow.set_history(project, actual)
        lagging = project_rng.random() < 0.12
        rows, per_year = _reports(project, actual, project_rng, last, lagging)
        reports += rows
        for year, amount in per_year.items():
            if amount > 0:  # a year it invested in: the plan was near what it did
                target = _money(amount * Decimal(project_rng.uniform(0.9, 1.35)))
            elif rows and "completed" not in actual and year == last.year:
                # Signed, not started or stalled this year: the plan still expected
                # investment (what the 三未 and lag alerts are about).
                target = _money(project.total_investment * Decimal(project_rng.uniform(0.1, 0.3)))
            else:  # finished before this year, or nothing planned: no plan row
                continue
            plans.append(ProjectYearPlan(project=project, year=year,
                                         planned_investment=min(target, project.total_investment)))
    audited_bulk_create(ProjectYearPlan, plans)
    audited_bulk_create(ProgressReport, reports)
    return {"projects": created, "progress reports": len(reports)}
