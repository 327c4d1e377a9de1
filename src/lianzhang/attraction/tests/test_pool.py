"""`lianzhang import-pool` (issue 7 item 1): outside firms through the registry's
validation, all or nothing; the real listed-firm data when it is present."""

import csv
import importlib.util
import os
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from lianzhang.attraction.services.recommend import recommend_for_node
from lianzhang.core.models import Tag
from lianzhang.core.testing.helpers import Snapshot, xlsx_bytes
from lianzhang.enterprises.models import Enterprise, Product, YearlyFigure

from .helpers import leaf, uscc

SHARED = Path(os.environ.get("LIANZHANG_SHARED_DATA", Path(__file__).resolve().parents[5]
                             / "shared" / "data"))
CKG_POOL = SHARED / "ckg" / "recommend_pool.csv"
HEADER = ["企业名称", "统一社会信用代码", "地区", "行业代码", "主营产品", "营业收入", "标签"]


def snapshot():
    return Snapshot(Enterprise, Product, YearlyFigure, Tag)


def write_csv(path: Path, header: list[str], rows: list[list[str]]) -> Path:
    with path.open("w", encoding="utf-8-sig", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(header)
        writer.writerows(rows)
    return path


def rows(n: int = 3) -> list[list[str]]:
    return [[f"宁波第{i}号压缩机制造有限公司", uscc(i), "浙江省宁波市", "3442",
             "冰箱压缩机:0.7|压缩机零部件:0.2", str(10000 * i), "专精特新|出口龙头"]
            for i in range(1, n + 1)]


def refused(path: Path, *fragments: str) -> str:
    snap = snapshot()
    with pytest.raises(CommandError) as error:
        call_command("import_pool", str(path))
    text = str(error.value)
    assert "未写入任何数据" in text, text
    for fragment in fragments:
        assert fragment in text, (fragment, text)
    snap.assert_unchanged()
    return text


def test_it_loads_outside_firms_with_products_revenue_and_tags(world, tmp_path):
    local = Enterprise.objects.create(name="青岛海岳压缩机有限公司", town=world.town_a,
                                      uscc=uscc(99))
    data = rows() + [["青岛海岳压缩机有限公司", uscc(99), "山东省青岛市", "", "压缩机", "", ""]]
    path = tmp_path / "pool.xlsx"
    path.write_bytes(xlsx_bytes(HEADER, data))
    call_command("import_pool", str(path))
    firms = Enterprise.objects.filter(town__isnull=True).order_by("name")
    assert firms.count() == 3
    first = firms.get(uscc=uscc(1))
    assert first.region_name == "浙江省宁波市" and first.is_specialised
    shares = {name: float(share) for name, share in first.products.values_list(
        "name", "revenue_share")}
    assert shares == {"冰箱压缩机": 0.7, "压缩机零部件": 0.2}
    assert first.figures.get().revenue == 10000
    assert first.tags.filter(name="出口龙头").exists()
    local.refresh_from_db()
    assert local.town == world.town_a and not local.products.exists()  # left alone
    # A second load updates the same firms (by USCC): nothing doubled.
    updated = [r[:4] + ["冰箱压缩机:0.9", "20000", ""] for r in rows(1)]
    call_command("import_pool", str(write_csv(tmp_path / "again.csv", HEADER, updated)))
    assert Enterprise.objects.filter(town__isnull=True).count() == 3
    first.refresh_from_db()
    assert list(first.products.values_list("name", flat=True)) == ["冰箱压缩机"]
    assert first.figures.get().revenue == 20000


def test_it_refuses_duplicate_usccs_and_writes_nothing(world, tmp_path):
    data = rows(3)
    data[2][1] = data[0][1]
    path = write_csv(tmp_path / "dup.csv", HEADER, data)
    refused(path, "第4行", "第2行", data[0][1])


def test_it_refuses_unknown_columns_and_writes_nothing(world, tmp_path):
    path = write_csv(tmp_path / "cols.csv", HEADER + ["法人代表"], [r + ["张三"] for r in rows()])
    refused(path, "未知的列", "法人代表")


def test_it_refuses_rows_the_registry_refuses(world, tmp_path):
    data = rows(3)
    data[1][1] = data[1][1][:17] + ("0" if data[1][1][17] != "0" else "1")  # bad check char
    data[2][4] = "冰箱压缩机:0.9|电机:0.5"  # shares over 1.05
    refused(write_csv(tmp_path / "bad.csv", HEADER, data), "第3行", "第4行")


def test_it_refuses_parquet_without_pyarrow(world, tmp_path):
    if importlib.util.find_spec("pyarrow") is not None:
        pytest.skip("pyarrow is installed: Parquet is read")
    path = tmp_path / "pool.parquet"
    path.write_bytes(b"PAR1")
    refused(path, "pyarrow")


@pytest.mark.skipif(not CKG_POOL.is_file(), reason="shared listed-firm data absent")
def test_it_loads_real_listed_firms_and_ranks_compressor_makers(world, tmp_path):
    """A pool file built from the real listed-firm data (shares normalised to sum to 1,
    USCCs generated: the data has none), loaded, then ranked for 压缩机."""
    with CKG_POOL.open(encoding="utf-8") as handle:
        source = list(csv.DictReader(handle))
    chosen = [r for r in source if "压缩机" in r["products"]] + source[:150]
    out, seen = [], set()
    for i, row in enumerate(chosen):
        if row["id"] in seen:
            continue
        seen.add(row["id"])
        pairs = {}
        for name, weight in zip(row["products"].split("|"), row["weights"].split("|"),
                                strict=False):
            if name and ":" not in name and "：" not in name and len(name) <= 200:
                pairs.setdefault(name, max(float(weight or 0), 0.0))
        total = sum(pairs.values()) or 1.0
        products = "|".join(f"{n}:{w / total:.4f}" for n, w in pairs.items())
        out.append([row["name"], uscc(1000 + i), "", "", products, "", ""])
    path = write_csv(tmp_path / "ckg_pool.csv", HEADER, out)
    call_command("import_pool", str(path))
    assert Enterprise.objects.filter(town__isnull=True).count() == len(out)
    compressor_firms = {r["name"] for r in source if any(
        p.endswith("压缩机") for p in r["products"].split("|"))}
    top = recommend_for_node(leaf(world.chain_a), top_k=10)
    assert top and top[0].name in compressor_firms
    assert top[0].matched[0].kind in ("exact", "head-final")
    assert sum(r.name in compressor_firms for r in top[:5]) >= min(5, len(compressor_firms))
