"""The project ledger in the offices' shape: Excel round trip (export, edit, import),
units declared in headers or a unit column, mixed units and failing rows refused
with nothing written."""

import io
from datetime import date
from decimal import Decimal

import pytest
from openpyxl import load_workbook

from lianzhang.core.testing.helpers import Snapshot, client_for, csv_bytes, upload, xlsx_bytes
from lianzhang.projects import workflow
from lianzhang.projects.models import Project, ProjectStage, ProjectYearPlan

from .factories import make_project, make_report, plan


def import_(client, data, name="ledger.csv"):
    return client.post("/projects/projects/import/", {"file": upload(data, name), "dry_run": ""})


@pytest.fixture
def ledger(world):
    p = make_project(world.town_a, world.chain_a, 1, total=52000, signed=date(2025, 3, 1))
    workflow.set_planned(p, {"started": date(2025, 5, 1)})
    workflow.advance(p, "started", date(2025, 5, 20))
    plan(p, date.today().year, 15000)
    make_report(p, date(2025, 6, 1), 800, "approved")
    p.secondary_chains.set([world.chain_b])
    return p


def test_it_round_trips_the_ledger_through_excel(world, ledger):
    client = client_for(world, "secretariat")
    book = load_workbook(io.BytesIO(client.get("/projects/projects/?export=xlsx").content))
    rows = [[c.value for c in r] for r in book.active.iter_rows()]
    header = rows[0]
    for column in ("项目名称", "建设地点", "所属产业链", "项目类别", "总投资(亿元)",
                   "年度计划投资(亿元)", "累计完成投资(亿元)", "开工时间"):
        assert column in header, header
    row = dict(zip(header, rows[1], strict=True))
    assert (row["建设地点"], row["所属产业链"], row["关联产业链"]) == ("九龙街道", "智能家电", "智能制造装备")
    assert (Decimal(str(row["总投资(亿元)"])), Decimal(str(row["年度计划投资(亿元)"]))) == (
        Decimal("5.2"), Decimal("1.5"))
    assert Decimal(str(row["累计完成投资(亿元)"])) == Decimal("0.08")
    assert str(row["开工时间"])[:10] == "2025-05-20"
    edited = list(rows[1])
    edited[header.index("总投资(亿元)")] = 6
    edited[header.index("项目名称")] = "测试项目1（二期）"
    new = [None] * len(header)
    for column, value in (("项目名称", "新落地项目"), ("建设地点", "九龙街道"), ("所属产业链", "智能家电"),
                          ("项目类别", "新建"), ("总投资(亿元)", 2), ("签约时间", "2025-08-01")):
        new[header.index(column)] = value
    response = import_(client, xlsx_bytes(header, [edited, new]), "ledger.xlsx")
    assert response.status_code == 302, response.content.decode()[-2000:]
    ledger.refresh_from_db()
    assert (ledger.name, ledger.total_investment) == ("测试项目1（二期）", Decimal("60000.00"))
    assert ledger.actual_date("started") == date(2025, 5, 20) and ledger.stage == "started"
    assert ledger.cumulative() == Decimal("800")  # computed, the imported cell is ignored
    created = Project.objects.get(name="新落地项目")
    assert created.total_investment == 20000 and created.stage == "signed"
    assert created.code.startswith("XM")


def test_it_reads_amounts_in_wan_from_headers_or_a_unit_column(world):
    client = client_for(world, "secretariat")
    assert import_(client, csv_bytes(["项目名称", "建设地点", "所属产业链", "总投资(万元)", "年度计划投资(万元)"],
                                     [["万元项目", "九龙街道", "智能家电", "35000", "8000"]])).status_code == 302
    project = Project.objects.get(name="万元项目")
    assert project.total_investment == 35000
    assert ProjectYearPlan.objects.get(project=project).planned_investment == 8000
    assert import_(client, csv_bytes(["项目名称", "建设地点", "所属产业链", "总投资", "单位"],
                                     [["亿元项目", "胶西街道", "智能制造装备", "3.5", "亿元"]])).status_code == 302
    assert Project.objects.get(name="亿元项目").total_investment == 35000


@pytest.mark.parametrize("header,rows,message", [
    (["项目名称", "建设地点", "所属产业链", "总投资(亿元)", "年度计划投资(万元)"],
     [["甲", "九龙街道", "智能家电", "3", "5000"]], "文件混用了金额单位（万元、亿元）"),
    (["项目名称", "建设地点", "所属产业链", "总投资", "单位"],
     [["甲", "九龙街道", "智能家电", "3", "亿元"], ["乙", "九龙街道", "智能家电", "300", "万元"]],
     "文件混用了金额单位"),
    (["项目名称", "建设地点", "所属产业链", "总投资"], [["甲", "九龙街道", "智能家电", "3"]],
     "请在表头或“单位”列注明金额单位"),
    # 元 is a money unit, but not one the ledger accepts (amounts 10,000× off otherwise).
    (["项目名称", "建设地点", "所属产业链", "总投资（元）"], [["甲", "九龙街道", "智能家电", "300000000"]],
     "未知单位“元”"),
])
def test_it_refuses_mixed_or_undeclared_units(world, header, rows, message):
    snapshot = Snapshot(Project, ProjectStage, ProjectYearPlan)
    response = import_(client_for(world, "secretariat"), csv_bytes(header, rows))
    assert response.status_code == 400 and message in response.content.decode()
    snapshot.assert_unchanged()


def test_it_writes_nothing_from_a_file_where_one_row_fails(world):
    header = ["项目名称", "建设地点", "所属产业链", "总投资(亿元)", "开工时间"]
    rows = [["甲项目", "九龙街道", "智能家电", "3", ""], ["乙项目", "九龙街道", "智能家电", "2", "2025-05-01"],
            ["丙项目", "火星街道", "智能家电", "1", ""]]
    snapshot = Snapshot(Project, ProjectStage, ProjectYearPlan)
    response = import_(client_for(world, "secretariat"), csv_bytes(header, rows))
    page = response.content.decode()
    assert response.status_code == 400
    assert "第3行" in page and "项目未签约不能进入“开工”阶段" in page
    assert "第4行 建设地点" in page
    snapshot.assert_unchanged()


def test_it_refuses_ledger_rows_outside_the_town_users_scope(world):
    snapshot = Snapshot(Project)
    response = import_(client_for(world, "town_a"), csv_bytes(
        ["项目名称", "建设地点", "所属产业链", "总投资(亿元)"], [["外镇项目", "胶西街道", "智能家电", "3"]]))
    assert response.status_code == 400 and "第2行 建设地点" in response.content.decode()
    snapshot.assert_unchanged()
