"""Big imports in short transactions: every row is checked before anything is
written; the writing pass commits chunk by chunk; if it fails half-way, what it
wrote is undone from the audit log — nothing of the file is kept, and the audit log
records both the writes and their undoing."""

import pytest
from django.test import override_settings

from lianzhang.core.context import change_context
from lianzhang.core.importer import run_import
from lianzhang.core.jobs import JobCancelled
from lianzhang.core.models import ObjectChange
from lianzhang.core.tabular import read_table
from lianzhang.core.testing.helpers import Snapshot, csv_bytes, row_label
from lianzhang.core.undo import undo_changes
from lianzhang.enterprises.models import Enterprise, Product
from lianzhang.enterprises.views import EnterpriseType
from lianzhang.regions.models import Region
from lianzhang.regions.views import RegionType

HEADER = ["名称", "区划代码", "级别", "上级区划代码"]


@pytest.fixture(autouse=True)
def one_row_per_chunk():
    with override_settings(IMPORT_CHUNK_SECONDS=0):  # every row its own transaction
        yield


def parks(n, bad_at=None):
    return read_table("parks.csv", csv_bytes(HEADER, [
        [f"分块园区{i}", f"370281006{500 + i:03d}", "park",
         "370281999000" if i == bad_at else "370281006000"] for i in range(n)]))


def test_it_checks_then_writes_a_file_of_many_chunks_all_audited(world):
    steps = []
    user = world.user("secretariat")
    with change_context(user=user) as ctx:
        result = run_import(RegionType, user, parks(6), dry_run=False,
                            progress=lambda done, total: steps.append((done, total)))
    assert result.ok and len(result.created) == 6
    assert steps[0] == (1, 12) and steps[5] == (6, 12) and steps[-1] == (12, 12)
    assert Region.objects.filter(name__startswith="分块园区").count() == 6
    creates = ObjectChange.objects.filter(request_id=ctx.request_id, action="create")
    assert creates.count() == 6


def test_it_writes_nothing_when_the_last_row_of_many_chunks_is_bad(world):
    before = Snapshot(Region)
    user = world.user("secretariat")
    result = run_import(RegionType, user, parks(6, bad_at=5), dry_run=False)
    assert len(result.errors) == 1
    assert result.errors[0].startswith(f"{row_label(7)} 上级区划代码: ")
    assert result.created == []
    before.assert_unchanged()


def test_it_undoes_the_rows_written_when_one_fails_while_writing(world):
    """Row 5 passes the check, then another user takes its code before the writing
    pass reaches it: rows 1–4 were committed, so they are undone."""
    user = world.user("secretariat")
    town = Region.objects.get(code="370281006000")
    regions_before = set(Region.objects.values_list("pk", flat=True))

    def someone_else_takes_a_code():
        with change_context(user=world.user("admin")):
            Region.objects.create(name="他人的园区", code="370281006504", level="park",
                                  parent=town)

    with change_context(user=user) as ctx:
        result = run_import(RegionType, user, parks(6), dry_run=False,
                            on_write=someone_else_takes_a_code)
    assert result.errors[0].startswith(f"{row_label(6)} 区划代码: ")
    assert "已写入的 4 项更改已全部撤销" in result.errors[1]
    assert result.created == [] and result.updated == []
    left = set(Region.objects.values_list("pk", flat=True)) - regions_before
    assert [Region.objects.get(pk=pk).name for pk in left] == ["他人的园区"]
    mine = ObjectChange.objects.filter(request_id=ctx.request_id)
    assert mine.filter(action="create").count() == 4  # the writes stay on record …
    undone = ObjectChange.objects.filter(action="delete", object_repr__startswith="分块园区")
    assert undone.count() == 4 and undone.exclude(request_id=ctx.request_id).count() == 4


def test_it_undoes_the_rows_written_when_the_job_is_stopped_half_way(world):
    regions = Region.objects.count()
    user = world.user("secretariat")

    def progress(done, total):
        if done > total // 2 + 2:  # in the writing pass, after two rows were written
            raise JobCancelled

    with change_context(user=user), pytest.raises(JobCancelled):
        run_import(RegionType, user, parks(6), dry_run=False, progress=progress)
    assert Region.objects.count() == regions
    changes = ObjectChange.objects.filter(object_repr__startswith="分块园区")
    assert changes.filter(action="create").count() == 3  # the third row's chunk was
    assert changes.filter(action="delete").count() == 3  # committed before the report


def test_it_puts_back_a_firm_an_import_updated_with_its_products(world):
    """Undoing an update restores the firm's values and recreates the products the
    update deleted; undoing again changes nothing; a record changed by someone else
    since is left alone and reported."""
    user = world.user("secretariat")
    with change_context(user=user):
        firm = Enterprise.objects.create(name="青岛海纳精密机械有限公司", town=world.town_a,
                                         short_name="海纳")
        Product.objects.create(enterprise=firm, name="轴承", revenue_share=0.6)
        Product.objects.create(enterprise=firm, name="齿轮", revenue_share=0.4)
    table = read_table("firms.csv", csv_bytes(
        ["企业名称", "所属镇街", "主营产品", "简称"],
        [["青岛海纳精密机械有限公司", "九龙街道", "电机:1", "海纳精机"],
         ["青岛新到科技有限公司", "九龙街道", "芯片:1", ""]]))
    with change_context(user=user) as ctx:
        result = run_import(EnterpriseType, user, table, dry_run=False)
    assert result.ok, result.errors
    firm.refresh_from_db()
    assert firm.short_name == "海纳精机" and [p.name for p in firm.products.all()] == ["电机"]

    with change_context(user=world.user("admin")):
        report = undo_changes(ctx.request_id)
    firm.refresh_from_db()
    assert report.skipped == [] and report.undone >= 5
    assert firm.short_name == "海纳"
    assert sorted((p.name, str(p.revenue_share)) for p in firm.products.all()) == [
        ("轴承", "0.6000"), ("齿轮", "0.4000")]
    assert not Enterprise.objects.filter(name="青岛新到科技有限公司").exists()
    assert undo_changes(ctx.request_id).undone == 0  # idempotent

    with change_context(user=user) as again:
        run_import(EnterpriseType, user, table, dry_run=False)
    with change_context(user=world.user("admin")):
        Enterprise.objects.get(name="青岛新到科技有限公司").save()  # no change: no record
        newcomer = Enterprise.objects.get(name="青岛新到科技有限公司")
        newcomer.short_name = "新到"
        newcomer.save()
        report = undo_changes(again.request_id)
    assert len(report.skipped) == 1 and "青岛新到科技有限公司" in report.skipped[0]
    assert "已被他人修改" in report.skipped[0]
    assert Enterprise.objects.filter(name="青岛新到科技有限公司").exists()
    firm.refresh_from_db()
    assert firm.short_name == "海纳"
