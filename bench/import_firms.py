"""Benchmark the firm import with resolution against a large registry — a script, not a
test (issue 3, "Performance").

    .venv/bin/python bench/import_firms.py                       # 300k registry, 100k rows
    .venv/bin/python bench/import_firms.py --registry 30000 --rows 10000
    .venv/bin/python bench/import_firms.py --profile             # cProfile of the CSV import

Runs on its own SQLite file in a temporary LIANZHANG_VAR_DIR (migrated first). Builds a
registry of N existing firms with `audited_bulk_create` (the registry is the starting
state, not what is measured), then imports M firms from CSV and, separately, M other
firms from XLSX through the real path — `core.importer.run_import` with EnterpriseType
and its resolver: every row through the import form, resolution, audit records, the
all-or-nothing transaction. Each file is a mix of new firms (with USCC), registered
names (updates) and spelling variants of registered firms. Also measures the registry
index (build + per-query) at registry sizes 30k/100k/300k to show linear growth.
"""

from __future__ import annotations

import argparse
import cProfile
import csv
import io
import os
import pstats
import random
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT / "src"), str(ROOT / "bench")]
os.environ.setdefault("LIANZHANG_VAR_DIR", tempfile.mkdtemp(prefix="lianzhang-bench-"))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "lianzhang.settings")

import django  # noqa: E402

django.setup()

from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402

from chainkit.uscc import make_uscc  # noqa: E402
from lianzhang.core.audit import audited_bulk_create  # noqa: E402
from lianzhang.core.context import change_context  # noqa: E402
from lianzhang.core.importer import run_import  # noqa: E402
from lianzhang.core.tabular import read_table  # noqa: E402
from lianzhang.enterprises.models import Enterprise  # noqa: E402
from lianzhang.enterprises.resolution import RegistryIndex  # noqa: E402
from lianzhang.enterprises.views import EnterpriseType  # noqa: E402
from resolve_bench import synthetic_firms  # noqa: E402

__all__ = ["setup_world", "build_registry", "import_rows", "run_file", "scale", "main"]

HEADER = ["统一社会信用代码", "企业名称", "所属镇街", "登记状态", "主营产品", "行业代码"]
TOWN = "九龙街道"


def setup_world():
    """Migrate the fresh database; a town and a secretariat user."""
    from django.contrib.auth import get_user_model

    from lianzhang.regions.models import Region
    from lianzhang.users.models import RoleAssignment
    from lianzhang.users.roles import Role

    call_command("migrate", verbosity=0)
    if connection.vendor == "sqlite":
        with connection.cursor() as cursor:  # the embedded mode's usual pragmas
            cursor.execute("PRAGMA journal_mode=WAL")
            cursor.execute("PRAGMA synchronous=NORMAL")
    with change_context(actor="bench"):
        city = Region.objects.create(name="青岛市", code="370200000000", level="city")
        district = Region.objects.create(name="胶州市", code="370281000000", level="district",
                                         parent=city)
        Region.objects.create(name=TOWN, code="370281006000", level="town", parent=district)
        user = get_user_model().objects.create_user("bench", password="x-Bench-2024!")
        RoleAssignment.objects.create(user=user, role=Role.SECRETARIAT)
    return user


def firm_names(n: int, seed: int) -> list[str]:
    """`n` distinct synthetic firm names."""
    return ["".join(f) for f in synthetic_firms(n, seed)]


def build_registry(names: list[str]) -> float:
    """Insert the registry with audited_bulk_create; returns seconds."""
    t0 = time.perf_counter()
    town = __import__("lianzhang.regions.models", fromlist=["Region"]).Region.objects.get(
        name=TOWN)
    with change_context(actor="bench"):
        for start in range(0, len(names), 20_000):
            audited_bulk_create(Enterprise, [
                Enterprise(name=name, uscc=make_uscc(f"91370200{i:09d}"), town=town)
                for i, name in enumerate(names[start:start + 20_000], start)])
    return time.perf_counter() - t0


def import_rows(registry: list[str], count: int, seed: int, offset: int) -> list[list[str]]:
    """`count` import rows: 80% new firms with a USCC, 10% registered names (updates),
    10% bracketed-region variants of registered names (resolved onto them)."""
    rng = random.Random(seed)
    new = firm_names(count + len(registry), seed)
    known = set(registry)
    new = [n for n in new if n not in known][:int(count * 0.8)]
    rows = [[make_uscc(f"91370300{offset + i:09d}"), n, TOWN, "存续", "零部件:0.5", "3442"]
            for i, n in enumerate(new)]
    picks = rng.sample(registry, count - len(rows))
    half = len(picks) // 2
    rows += [["", n, TOWN, "", "", ""] for n in picks[:half]]
    rows += [["", _bracketed(n), TOWN, "", "", ""] for n in picks[half:]]
    rng.shuffle(rows)
    return rows


def _bracketed(name: str) -> str:
    """青岛某某科技有限公司 → 某某科技（青岛）有限公司 (a variant offices write)."""
    for form in ("股份有限公司", "有限责任公司", "有限公司", "集团"):
        if name.endswith(form) and name.startswith("青岛"):
            return f"{name[2:-len(form)]}（青岛）{form}"
    return f" {name} "


def file_bytes(rows: list[list[str]], fmt: str) -> bytes:
    """The rows as a GBK CSV or an XLSX workbook (with the header row)."""
    if fmt == "csv":
        buf = io.StringIO()
        writer = csv.writer(buf)
        writer.writerow(HEADER)
        writer.writerows(rows)
        return buf.getvalue().encode("gbk")
    from openpyxl import Workbook

    wb = Workbook(write_only=True)
    ws = wb.create_sheet()
    ws.append(HEADER)
    for row in rows:
        ws.append(row)
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def run_file(user, rows: list[list[str]], fmt: str, profile: bool = False) -> dict:
    """Import the rows from a file of format `fmt`; returns timings and counts."""
    data = file_bytes(rows, fmt)
    t0 = time.perf_counter()
    table = read_table(f"firms.{fmt}", data)
    t1 = time.perf_counter()
    profiler = cProfile.Profile() if profile else None
    with change_context(user=user):
        if profiler:
            profiler.enable()
        result = run_import(EnterpriseType, user, table, dry_run=False)
        if profiler:
            profiler.disable()
    t2 = time.perf_counter()
    if profiler:
        pstats.Stats(profiler).sort_stats("cumulative").print_stats(35)
    if result.errors:
        raise SystemExit("import failed:\n" + "\n".join(result.errors[:10]))
    return {"format": fmt, "rows": len(rows), "read_s": t1 - t0, "import_s": t2 - t1,
            "created": len(result.created), "updated": len(result.updated),
            "queued": result.queued, "rows_per_s": len(rows) / (t2 - t0)}


def scale(names: list[str], sizes: list[int], queries: int = 2000) -> list[dict]:
    """Registry index build and per-query cost at each registry size."""
    rng = random.Random(11)
    out = []
    ids = list(Enterprise.objects.order_by("pk").values_list("pk", flat=True))
    for size in sizes:
        if size > len(ids):
            break
        t0 = time.perf_counter()
        index = RegistryIndex(Enterprise.objects.filter(pk__lte=ids[size - 1]))
        t1 = time.perf_counter()
        sample = [_bracketed(n) if i % 2 else n[:-4] + "有限责任公司"
                  for i, n in enumerate(rng.sample(names[:size], queries))]
        for query in sample:
            index.resolve(query)
        t2 = time.perf_counter()
        out.append({"size": size, "build_s": t1 - t0,
                    "query_ms": (t2 - t1) / queries * 1000})
    return out


def main(argv: list[str] | None = None) -> int:
    """Run the benchmark and print a Markdown summary."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--registry", type=int, default=300_000)
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--sizes", default="30000,100000,300000")
    parser.add_argument("--formats", default="csv,xlsx")
    parser.add_argument("--profile", action="store_true")
    args = parser.parse_args(argv)
    print(f"database: {connection.settings_dict['NAME']}")
    user = setup_world()
    names = firm_names(args.registry, 20240201)
    print(f"registry of {len(names):,} firms built in {build_registry(names):.1f} s "
          "(audited_bulk_create)")
    sizes = [int(s) for s in args.sizes.split(",") if s]
    print("\n| registry | index build (s) | resolve (ms/name) |\n|---:|---:|---:|")
    for item in scale(names, sizes):
        print(f"| {item['size']:,} | {item['build_s']:.1f} | {item['query_ms']:.2f} |")
    print("\n| file | rows | read (s) | import (s) | rows/s | created | updated | queued |")
    print("|---|---:|---:|---:|---:|---:|---:|---:|")
    for n, fmt in enumerate(args.formats.split(",")):
        rows = import_rows(names, args.rows, seed=100 + n, offset=n * args.rows)
        r = run_file(user, rows, fmt, profile=args.profile and n == 0)
        print(f"| {fmt} | {r['rows']:,} | {r['read_s']:.1f} | {r['import_s']:.1f} | "
              f"{r['rows_per_s']:.0f} | {r['created']:,} | {r['updated']:,} | {r['queued']} |",
              flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
