"""Behaviour tests for chainkit.projects on a small hand-computed ledger.

Year 2026 as of 2026-06-30 (181 of 365 days elapsed: 49.589 %). Money in 万元.

    P1 甲 chain A, town T1, tags B, 10000, started   plan 2026 6000; planned start 02-01,
          planned completion 05-31; signed 2025-12-01, started 2026-02-10;
          approved 2026: Feb 500, Mar 1500, Apr 0, May 0            → 2000
    P2 乙 chain B, town T1,  5000 (increment), signed 2025-10-01; plan 2026 2000;
          planned start 2026-03-01; no reports                       → 0
    P3 丙 chain A, town T2,  8000, producing; contact 2025-01-01, signed 2025-02-25,
          started 2025-04-01, completed 2026-02-01, producing 2026-03-01;
          plans 2025 5000 / 2026 3000; approved 2025-06 3000, 2026 Jan 1000, Feb 500
    P4 丁 chain B, town T2,  4000, terminated (signed 2025-11-01); plan 2026 1000;
          approved 2026-01 200                                        → out of roll-ups
    P5 戊 chain A, town T2,  3000, started; signed 2025-06-01, started 2025-09-01;
          no plan for 2026 but approved 2026-05 300                   → in the ledger
"""

from datetime import date
from decimal import Decimal as D

import pytest

from chainkit.projects import (
    AMBER,
    GREEN,
    RED,
    ProjectRow,
    ReportRow,
    add_months,
    completed_by_month,
    cycle_times,
    elapsed_share,
    league,
    monthly_series,
    overdue_stages,
    rollup,
    rollup_by_year,
    san_wei,
    stage_funnel,
    stalled,
)

AS_OF = date(2026, 6, 30)


def ledger():
    projects = [
        ProjectRow(1, "甲", "A", "T1", "new", "city", D(10000), "started",
                   actual={"signed": date(2025, 12, 1), "started": date(2026, 2, 10)},
                   planned={"started": date(2026, 2, 1), "completed": date(2026, 5, 31)},
                   plans={2026: D(6000)}, secondary_chains=("B",)),
        ProjectRow(2, "乙", "B", "T1", "new", "city", D(5000), "signed",
                   actual={"signed": date(2025, 10, 1)}, planned={"started": date(2026, 3, 1)},
                   plans={2026: D(2000)}),
        ProjectRow(3, "丙", "A", "T2", "continuing", "province", D(8000), "producing",
                   actual={"signed": date(2025, 2, 25), "started": date(2025, 4, 1),
                           "completed": date(2026, 2, 1), "producing": date(2026, 3, 1)},
                   planned={"started": date(2025, 4, 1)},
                   plans={2025: D(5000), 2026: D(3000)}, first_contact=date(2025, 1, 1)),
        ProjectRow(4, "丁", "B", "T2", "new", "city", D(4000), "terminated",
                   actual={"signed": date(2025, 11, 1)}, plans={2026: D(1000)}),
        ProjectRow(5, "戊", "A", "T2", "continuing", "county", D(3000), "started",
                   actual={"signed": date(2025, 6, 1), "started": date(2025, 9, 1)},
                   planned={"started": date(2025, 8, 1)}),
    ]
    m = lambda y, mo: date(y, mo, 1)  # noqa: E731
    reports = [ReportRow(1, m(2026, 2), D(500)), ReportRow(1, m(2026, 3), D(1500)),
               ReportRow(1, m(2026, 4), D(0)), ReportRow(1, m(2026, 5), D(0)),
               ReportRow(3, m(2025, 6), D(3000)), ReportRow(3, m(2026, 1), D(1000)),
               ReportRow(3, m(2026, 2), D(500)), ReportRow(4, m(2026, 1), D(200)),
               ReportRow(5, m(2026, 5), D(300))]
    return projects, reports


def test_it_measures_the_elapsed_share_of_the_year():
    assert elapsed_share(2026, AS_OF) == pytest.approx(181 / 365)
    assert elapsed_share(2025, AS_OF) == 1.0 and elapsed_share(2027, AS_OF) == 0.0
    assert elapsed_share(2024, date(2024, 12, 31)) == 1.0  # leap year, 366/366
    assert add_months(date(2026, 1, 15), -2) == date(2025, 11, 1)


def test_it_rolls_up_by_chain_counting_each_project_once():
    groups, total = rollup(*ledger(), 2026, AS_OF, "chain")
    a, b = groups
    assert (a.key, a.count, a.investment, a.annual_plan, a.completed) == (
        "A", 3, D(21000), D(9000), D(3800))
    assert a.share_of_plan == pytest.approx(3800 / 9000)
    assert a.variance_points == -7.4 and a.rag == AMBER
    assert (a.due_to_start, a.started, a.start_rate) == (1, 1, 1.0)
    # P1 is tagged B: B shows the tag but its totals hold P2 only (P4 terminated).
    assert (b.key, b.count, b.investment, b.annual_plan, b.completed, b.tagged) == (
        "B", 1, D(5000), D(2000), D(0), 1)
    assert b.variance_points == -49.6 and b.rag == RED and b.start_rate == 0.0
    assert (total.count, total.investment, total.annual_plan, total.completed) == (
        4, D(26000), D(11000), D(3800))
    assert sum(g.count for g in groups) == total.count
    assert total.variance_points == -15.0 and total.start_rate == 0.5


def test_it_rolls_up_by_town_and_moves_history_with_the_project():
    projects, reports = ledger()
    groups, _total = rollup(projects, reports, 2026, AS_OF, "town")
    assert [(g.key, g.count, g.completed, g.annual_plan) for g in groups] == [
        ("T1", 2, D(2000), D(8000)), ("T2", 2, D(1800), D(3000))]
    assert groups[1].variance_points == 10.4 and groups[1].rag == GREEN
    moved = [ProjectRow(**{**vars(p), "town": "T2"}) if p.id == 1 else p for p in projects]
    groups, _total = rollup(moved, reports, 2026, AS_OF, "town")
    assert [(g.key, g.count, g.completed) for g in groups] == [
        ("T1", 1, D(0)), ("T2", 3, D(3800))]


def test_it_rolls_up_by_year_and_refuses_unknown_dimensions():
    years = rollup_by_year(*ledger(), AS_OF)
    assert [(y.key, y.count, y.annual_plan, y.completed) for y in years] == [
        ("2025", 1, D(5000), D(3000)), ("2026", 4, D(11000), D(3800))]
    assert years[0].variance_points == -40.0
    with pytest.raises(ValueError):
        rollup(*ledger(), 2026, AS_OF, "colour")


def test_it_ranks_the_league_by_schedule_variance():
    groups, _total = rollup(*ledger(), 2026, AS_OF, "town")
    assert [(rank, g.key, g.rag) for rank, g in league(groups)] == [
        (1, "T2", GREEN), (2, "T1", RED)]


def test_it_lists_san_wei():
    lists = san_wei(*ledger(), AS_OF)
    assert [(i.name, i.days) for i in lists["not_started"]] == [("乙", 121)]
    assert [i.name for i in lists["no_investment"]] == ["甲"]
    assert [(i.name, i.days) for i in lists["not_completed"]] == [("甲", 30)]


def test_it_lists_overdue_stages_and_stalled_projects():
    assert [(i.name, i.reason, i.days) for i in overdue_stages(ledger()[0], AS_OF)] == [
        ("乙", "started", 121), ("甲", "completed", 30)]
    assert [(i.name, i.days) for i in stalled(*ledger(), AS_OF)] == [("乙", 272)]


def test_it_computes_cycle_time_medians():
    (a,) = cycle_times(ledger()[0], "chain")
    assert a["key"] == "A"
    assert (a["contact_signed"], a["contact_signed_n"]) == (55.0, 1)
    assert (a["signed_started"], a["signed_started_n"]) == (71.0, 3)  # 35, 71, 92
    assert a["started_producing"] == 334.0


def test_it_builds_the_monthly_series_and_the_stage_funnel():
    by_month = completed_by_month(*ledger(), 2026, AS_OF)  # P4 (terminated) left out
    _groups, total = rollup(*ledger(), 2026, AS_OF)
    series = monthly_series(total.annual_plan, by_month)
    assert series["completed"][:6] == [D(1000), D(1000), D(1500), D(0), D(300), D(0)]
    assert series["cumulative"][5] == D(3800) == total.completed and series["plan"] == D(11000)
    assert series["plan_cumulative"][11] == D(11000)
    assert stage_funnel(ledger()[0]) == {
        "planning": 5, "signed": 5, "started": 3, "completed": 1, "producing": 1,
        "in_stats": 0, "terminated": 1}
