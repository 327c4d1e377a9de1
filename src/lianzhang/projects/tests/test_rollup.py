"""Roll-ups, league tables and 三未 lists on the pages, checked against an
independent computation (raw SQL and plain loops) on the same ledger, plus the
counting rules (once per project, increments, moved history) and scope."""

import re
from datetime import date
from decimal import Decimal

import pytest
from django.db import connection

from lianzhang.core.testing.helpers import client_for
from lianzhang.projects import workflow
from lianzhang.projects.choices import ReportStatus
from lianzhang.projects.models import Project, ReportAmendment
from lianzhang.projects.reporting import approve_amendment

from .factories import make_project, make_report, plan

AS_OF = "2026-06-30"
A = ReportStatus.APPROVED


@pytest.fixture
def ledger(world):
    m = lambda y, mo: date(y, mo, 1)  # noqa: E731
    p1 = make_project(world.town_a, world.chain_a, 1, 10000, date(2025, 12, 1))
    p1.secondary_chains.set([world.chain_b])
    workflow.set_planned(p1, {"started": date(2026, 2, 1), "completed": date(2026, 5, 31)})
    workflow.advance(p1, "started", date(2026, 2, 10))
    plan(p1, 2026, 6000)
    for month, amount in ((2, 500), (3, 1500), (4, 0), (5, 0)):
        make_report(p1, m(2026, month), amount, A)
    make_report(p1, m(2026, 6), 999, ReportStatus.SUBMITTED)  # not approved: not counted
    p2 = make_project(world.town_a, world.chain_b, 2, 8000, date(2025, 10, 1), kind="upgrade",
                      prior_investment=Decimal(3000))
    workflow.set_planned(p2, {"started": date(2026, 3, 1)})
    plan(p2, 2026, 2000)
    p3 = make_project(world.town_b, world.chain_a, 3, 8000, date(2025, 2, 25),
                      first_contact=date(2025, 1, 1))
    workflow.set_planned(p3, {"started": date(2025, 4, 1)})
    workflow.set_history(p3, {"signed": date(2025, 2, 25), "started": date(2025, 4, 1),
                              "completed": date(2026, 2, 1), "producing": date(2026, 3, 1)})
    plan(p3, 2025, 5000)
    plan(p3, 2026, 3000)
    make_report(p3, m(2025, 6), 3000, A)
    make_report(p3, m(2026, 1), 1000, A)
    feb = make_report(p3, m(2026, 2), 500, A)
    amendment = ReportAmendment.objects.create(report=feb, completed=700, reason="漏报设备款")
    approve_amendment(world.user("secretariat"), amendment)  # latest approved figure: 700
    p4 = make_project(world.town_b, world.chain_b, 4, 4000, date(2025, 11, 1))
    plan(p4, 2026, 1000)
    make_report(p4, m(2026, 1), 200, A)
    workflow.terminate(p4, date(2026, 4, 1), "投资方撤资")
    return p1, p2, p3, p4


def page_rows(html, marker="data-group"):
    rows = {}
    for attrs in re.findall(r"<tr ([^>]*data-group=[^>]*)>", html):
        get = dict(re.findall(r'data-(\w+)="([^"]*)"', attrs))
        rows[get["group"]] = {k: get[k] for k in ("count", "investment", "plan", "completed")}
    return rows


def sql_rollup(dimension):
    """Count, counted investment, 2026 plan and 2026 approved investment (to June) per
    group, in SQL: live projects with a 2026 plan or approved 2026 investment."""
    group = {"town": "r.name", "chain": "c.name"}[dimension]
    query = f"""
        WITH done AS (SELECT project_id, SUM(approved_completed) s FROM projects_progressreport
                      WHERE approved_completed IS NOT NULL AND month BETWEEN '2026-01-01'
                      AND '{AS_OF}' GROUP BY project_id),
             planned AS (SELECT project_id, planned_investment s FROM projects_projectyearplan
                         WHERE year = 2026)
        SELECT {group}, COUNT(*), SUM(p.total_investment - p.prior_investment),
               SUM(COALESCE(planned.s, 0)), SUM(COALESCE(done.s, 0))
        FROM projects_project p JOIN regions_region r ON r.id = p.town_id
        JOIN chains_chain c ON c.id = p.chain_id
        LEFT JOIN done ON done.project_id = p.id LEFT JOIN planned ON planned.project_id = p.id
        WHERE p.stage != 'terminated' AND (planned.s IS NOT NULL OR done.s IS NOT NULL)
        GROUP BY {group}"""
    with connection.cursor() as cursor:
        cursor.execute(query)
        return {name: {"count": str(n), "investment": f"{Decimal(inv):.2f}",
                       "plan": f"{Decimal(pl):.2f}", "completed": f"{Decimal(done):.2f}"}
                for name, n, inv, pl, done in cursor.fetchall()}


@pytest.mark.parametrize("dimension", ["town", "chain"])
def test_it_rolls_up_like_an_independent_sql_computation(world, ledger, dimension):
    html = client_for(world, "secretariat").get(
        f"/projects/rollup/?by={dimension}&year=2026&as_of={AS_OF}").content.decode()
    rows = page_rows(html)
    total = rows.pop("__total__")
    assert rows == sql_rollup(dimension)
    assert total == {"count": "3", "investment": "23000.00", "plan": "11000.00",
                     "completed": "3700.00"}  # P2 counts its 5000 increment; P4 is out


def test_it_counts_a_project_once_however_many_chains_and_moves_history(world, ledger):
    client = client_for(world, "secretariat")
    rows = page_rows(client.get(f"/projects/rollup/?by=chain&year=2026&as_of={AS_OF}")
                     .content.decode())
    assert sum(int(r["count"]) for k, r in rows.items() if k != "__total__") == 3
    p1 = ledger[0]
    p1.town = world.town_b
    p1.save()
    rows = page_rows(client.get(f"/projects/rollup/?by=town&year=2026&as_of={AS_OF}")
                     .content.decode())
    assert rows["胶西街道"]["completed"] == "3700.00"  # P3's 1700 + P1's 2000, moved with it
    assert rows["九龙街道"]["completed"] == "0.00"


def league(html, kind):
    part = html.split(f'data-league="{kind}"')[1].split("</table>")[0]
    return re.findall(r'data-rank="(\d+)" data-key="([^"]+)" data-rag="(\w*)"', part)


def test_it_ranks_towns_and_chains_like_a_plain_loop(world, ledger):
    html = client_for(world, "secretariat").get(
        f"/projects/rollup/?year=2026&as_of={AS_OF}").content.decode()
    elapsed = 181 / 365
    for kind in ("town", "chain"):
        rows = sql_rollup(kind)
        expected = []
        for name, r in rows.items():
            variance = round((float(r["completed"]) / float(r["plan"]) - elapsed) * 100, 1)
            colour = "green" if variance >= 0 else "amber" if variance >= -10 else "red"
            expected.append((variance, name, colour))
        expected.sort(key=lambda e: -e[0])
        assert league(html, kind) == [(str(i + 1), name, colour)
                                      for i, (_v, name, colour) in enumerate(expected)]


def test_it_lists_san_wei_like_a_plain_loop(world, ledger):
    html = client_for(world, "secretariat").get(f"/projects/alerts/?as_of={AS_OF}").content.decode()
    as_of = date.fromisoformat(AS_OF)
    live = [p for p in Project.objects.exclude(stage="terminated")]
    not_started = {p.pk for p in live if p.planned_date("started")
                   and p.planned_date("started") < as_of and not p.actual_date("started")}
    window = [date(2026, 4, 1), date(2026, 5, 1)]
    no_investment = {p.pk for p in live if p.actual_date("started")
                     and p.actual_date("started") < date(2026, 5, 1)
                     and not p.actual_date("completed")
                     and not p.reports.filter(month__in=window, approved_completed__gt=0).exists()}
    not_completed = {p.pk for p in live if p.planned_date("completed")
                     and p.planned_date("completed") < as_of and not p.actual_date("completed")}

    def listed(key):
        part = html.split(f'data-list="{key}"')[1].split("</table>")[0]
        return {int(i) for i in re.findall(r'data-project="(\d+)"', part)}

    p1, p2, _p3, _p4 = ledger
    assert listed("not_started") == not_started == {p2.pk}
    assert listed("no_investment") == no_investment == {p1.pk}
    assert listed("not_completed") == not_completed == {p1.pk}
    assert listed("overdue") == {p1.pk, p2.pk}
    assert listed("stalled") == {p2.pk}


def test_it_shows_charts_and_cycle_times(world, ledger):
    client = client_for(world, "secretariat")
    html = client.get(f"/projects/rollup/?by=year&as_of={AS_OF}").content.decode()
    assert "vendor/echarts/echarts.min.js" in html and 'id="rollup-chart"' in html
    assert '"completed": [1000.0, 1200.0, 1500.0, 0.0, 0.0' in html  # Feb: 500 + 700
    rows = page_rows(html)
    assert rows["2025"]["completed"] == "3000.00" and rows["2026"]["count"] == "3"
    html = client.get("/projects/cycle-times/").content.decode()
    chain = html.split('data-cycle="chain"')[1]
    assert re.search(r'data-key="智能家电"><td>智能家电</td><td class="text-end">55.0', chain)


def test_it_rolls_up_only_the_users_scope(world, ledger):
    html = client_for(world, "town_a").get(
        f"/projects/rollup/?by=town&year=2026&as_of={AS_OF}").content.decode()
    rows = page_rows(html)
    assert set(rows) == {"九龙街道", "__total__"}
    assert client_for(world, "nobody").get("/projects/rollup/").status_code == 403
