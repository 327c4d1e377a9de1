"""Benchmark the key-project ledger at city scale (issue 6, Performance).

Builds a throw-away SQLite database with a city ledger of 5,000 projects (12 towns,
24 chains, stage rows, three annual plans each) and 36 months of approved monthly
reports (180,000 reports, every write audited), then times, in-process with Django's
test client (server time: URL routing, permission scoping, queries, engine, template):

- the roll-up page `/projects/rollup/` as the secretariat, 50 requests → p50/p95
  (target p95 ≤ 300 ms);
- one town's monthly submission of 300 projects (one POST of the sheet, all rows
  validated and written with their audit records in one transaction) → target ≤ 2 s.

    .venv/bin/python bench/projects_rollup.py                  # 5,000 projects
    .venv/bin/python bench/projects_rollup.py --projects 1000  # smaller
"""

from __future__ import annotations

import argparse
import json
import os
import random
import statistics
import sys
import tempfile
import time
from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path

TOWNS = 12
CHAINS = 24
SUBMIT_TOWN_PROJECTS = 300
AS_OF = "2026-11-20"
FIRST_MONTH = date(2023, 11, 1)  # 36 months up to 2026-10


def setup_django(db_path: Path) -> None:
    os.environ["DJANGO_SETTINGS_MODULE"] = "lianzhang.settings_test"
    os.environ["DATABASE_URL"] = f"sqlite:///{db_path}"
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)


def months(first: date, count: int) -> list[date]:
    from chainkit.projects import add_months

    return [add_months(first, k) for k in range(count)]


def build(n_projects: int, seed: int = 20261120) -> dict:
    """The city ledger, written through the audited bulk path."""
    from lianzhang.chains.models import Chain
    from lianzhang.core.audit import audited_bulk_create
    from lianzhang.core.context import change_context
    from lianzhang.core.testing.fixtures import make_user
    from lianzhang.projects.models import ProgressReport, Project, ProjectStage, ProjectYearPlan
    from lianzhang.regions.models import Region
    from lianzhang.users.roles import Role

    rng = random.Random(seed)
    with change_context(actor="bench"):
        city = Region.objects.create(name="青岛市", code="370200000000", level="city")
        district = Region.objects.create(name="胶州市", code="370281000000", level="district",
                                         parent=city)
        towns = [Region.objects.create(name=f"镇街{i:02d}", code=f"3702811{i:02d}000",
                                       level="town", parent=district) for i in range(TOWNS)]
        chains = [Chain.objects.create(name=f"产业链{i:02d}", code=f"chain-{i:02d}")
                  for i in range(CHAINS)]
        # Town 0 carries the 300 projects of the submission test; the rest spread out.
        town_of = [towns[0]] * SUBMIT_TOWN_PROJECTS + [
            towns[1 + i % (TOWNS - 1)] for i in range(n_projects - SUBMIT_TOWN_PROJECTS)]
        projects = audited_bulk_create(Project, [Project(
            code=f"XM2023-{i:05d}", name=f"基准项目{i:05d}", town=town_of[i],
            chain=chains[rng.randrange(CHAINS)], total_investment=Decimal(rng.randint(20000, 90000)),
            stage="started") for i in range(n_projects)])
        stages, plans, reports = [], [], []
        all_months = months(FIRST_MONTH, 36)
        for p in projects:
            signed = date(2023, 1, 1) + timedelta(days=rng.randint(0, 300))
            stages += [ProjectStage(project=p, stage="signed", actual_date=signed),
                       ProjectStage(project=p, stage="started", actual_date=signed +
                                    timedelta(days=60), planned_date=signed + timedelta(days=50)),
                       ProjectStage(project=p, stage="completed",
                                    planned_date=signed + timedelta(days=rng.randint(500, 1400)))]
            plans += [ProjectYearPlan(project=p, year=y, planned_investment=Decimal(
                rng.randint(3000, 9000))) for y in (2024, 2025, 2026)]
            for month in all_months:
                amount = Decimal(rng.randint(0, 800))
                reports.append(ProgressReport(project=p, month=month, completed=amount,
                                              status="approved", approved_completed=amount))
        audited_bulk_create(ProjectStage, stages)
        audited_bulk_create(ProjectYearPlan, plans)
        audited_bulk_create(ProgressReport, reports, batch_size=5000)
        users = {"secretariat": make_user("bench_secretariat", Role.SECRETARIAT),
                 "town": make_user("bench_town", Role.TOWN, [towns[0]])}
    return {"users": users, "town": towns[0], "reports": len(reports),
            "projects": [p for p in projects if p.town_id == towns[0].pk]}


def reload() -> dict:
    """The world of a kept database (its November submission undone first)."""
    from django.contrib.auth import get_user_model

    from lianzhang.projects.models import ProgressReport, Project

    ProgressReport._base_manager.filter(month=date(2026, 11, 1)).delete()
    users = get_user_model().objects
    town = users.get(username="bench_town").assignments.get().towns.get()
    return {"users": {"secretariat": users.get(username="bench_secretariat"),
                      "town": users.get(username="bench_town")}, "town": town,
            "reports": ProgressReport.objects.count(),
            "projects": list(Project.objects.filter(town=town))}


def time_rollup(user, runs: int) -> list[float]:
    from django.test import Client

    client = Client()
    client.force_login(user)
    url = f"/projects/rollup/?year=2026&as_of={AS_OF}"
    assert client.get(url).status_code == 200  # warm-up (template and query caches)
    timings = []
    for _ in range(runs):
        start = time.perf_counter()
        response = client.get(url)
        timings.append((time.perf_counter() - start) * 1000)
        assert response.status_code == 200
    return timings


def time_submission(user, projects) -> float:
    from django.test import Client

    from lianzhang.projects.models import ProgressReport

    client = Client()
    client.force_login(user)
    sheet = {str(p.pk): {"c": str(100 + i % 50), "p": "主体施工", "q": "", "r": "", "a": ""}
             for i, p in enumerate(projects)}
    start = time.perf_counter()
    response = client.post("/projects/monthly/?month=2026-11",
                           {"sheet": json.dumps(sheet), "action": "submit"})
    elapsed = time.perf_counter() - start
    assert response.status_code == 302, response.content.decode()[-1500:]
    saved = ProgressReport.objects.filter(month=date(2026, 11, 1), status="submitted").count()
    assert saved == len(projects), saved
    return elapsed


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--projects", type=int, default=5000)
    parser.add_argument("--runs", type=int, default=50)
    parser.add_argument("--db", default="", help="keep the database at this path (and reuse "
                        "it on the next run instead of building it again)")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(args.db) if args.db else Path(tmp) / "bench.sqlite3"
        reuse = path.exists()
        setup_django(path)
        start = time.perf_counter()
        world = reload() if reuse else build(args.projects)
        print(f"{'reused' if reuse else 'built'} {len(world['projects']) and args.projects:,} "
              f"projects, {world['reports']:,} reports in {time.perf_counter() - start:.1f} s")
        timings = time_rollup(world["users"]["secretariat"], args.runs)
        p95 = statistics.quantiles(timings, n=20)[18]
        print(f"roll-up page: {args.runs} requests, p50 {statistics.median(timings):.0f} ms, "
              f"p95 {p95:.0f} ms, max {max(timings):.0f} ms (target p95 ≤ 300 ms)")
        seconds = time_submission(world["users"]["town"], world["projects"])
        print(f"monthly submission of {len(world['projects'])} projects: {seconds:.2f} s "
              f"(target ≤ 2 s)")
    ok = p95 <= 300 and seconds <= 2
    print("OK" if ok else "TARGET MISSED")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "src"))
    sys.exit(main())
