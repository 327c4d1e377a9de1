"""Merging duplicate firm records (issue 3): everything moves to the kept firm, the
duplicate's names stay findable, every step is audited, and the action is refused to
users who may not delete firms or cannot see the duplicate."""

import pytest
from django.contrib.contenttypes.models import ContentType

from lianzhang.chains.models import ChainMaster
from lianzhang.core.models import ObjectChange
from lianzhang.core.testing.helpers import Snapshot, client_for
from lianzhang.enterprises.models import (
    Enterprise,
    EnterpriseName,
    Product,
    SupplyTie,
    YearlyFigure,
)

from .helpers import make_firm, uscc


@pytest.fixture
def pair(world):
    keep = make_firm("青岛海岳精密机械有限公司", world.town_a)
    drop = make_firm("青岛海岳精密机械股份公司", world.town_a, uscc=uscc(9),
                     short_name="海岳精机", address="九龙街道海岳路1号")
    other = make_firm("青岛琴岛压缩机有限公司", world.town_a)
    Product(enterprise=drop, name="滚珠丝杠", revenue_share="0.4").save()
    EnterpriseName(enterprise=drop, name="胶州海岳机械厂", kind="former").save()
    YearlyFigure(enterprise=drop, year=2023, output_value=1200, source="统计年报").save()
    YearlyFigure(enterprise=keep, year=2023, output_value=1300, source="企业自报").save()
    YearlyFigure(enterprise=drop, year=2022, output_value=900, source="统计年报").save()
    SupplyTie(supplier=drop, customer=other, year=2024, annual_value=50).save()
    SupplyTie(supplier=other, customer=drop, year=2024).save()
    ChainMaster(chain=world.chain_a, enterprise=drop).save()
    return keep, drop, other


def test_it_merges_a_duplicate_into_the_kept_firm_audited(world, pair):
    keep, drop, other = pair
    drop_pk = drop.pk
    since = ObjectChange.objects.count()
    response = client_for(world, "secretariat").post(
        f"/enterprises/enterprises/{keep.pk}/merge/", {"other": drop.name, "confirm": "on"})
    assert response.status_code == 302
    assert not Enterprise.objects.filter(pk=drop_pk).exists()
    keep.refresh_from_db()
    assert keep.uscc == uscc(9) and keep.address == "九龙街道海岳路1号"
    assert keep.products.get().name == "滚珠丝杠"
    names = dict(keep.names.values_list("name", "kind"))
    assert names == {"胶州海岳机械厂": "former", "青岛海岳精密机械股份公司": "former",
                     "海岳精机": "short"}
    # keep's own 2023 figures win; drop's 2022 figures move over
    assert sorted(keep.figures.values_list("year", "source")) == [
        (2022, "统计年报"), (2023, "企业自报")]
    assert SupplyTie.objects.filter(supplier=keep, customer=other).exists()
    assert SupplyTie.objects.filter(supplier=other, customer=keep).exists()
    assert ChainMaster.objects.get(chain=world.chain_a).enterprise == keep
    changes = ObjectChange.objects.filter(pk__gt=0).order_by("pk")[since:]
    deleted = [c for c in changes if c.action == "delete"
               and c.content_type == ContentType.objects.get_for_model(Enterprise)]
    assert [c.object_id for c in deleted] == [str(drop_pk)]
    assert all(c.user_name == "secretariat" for c in changes)
    moved = {c.content_type.model for c in changes if c.action == "update"}
    assert {"product", "supplytie", "chainmaster", "yearlyfigure", "enterprise"} <= moved
    # the duplicate's name now resolves to the kept firm
    from lianzhang.enterprises.resolution import registry_index

    assert registry_index().resolve("青岛海岳精密机械股份公司").enterprise_id == keep.pk


@pytest.mark.parametrize("user,other_town,status", [
    ("town_a", False, 403),        # 镇街用户 may edit firms but not delete them
    ("readonly", False, 404),      # cannot even change the kept firm
    ("scoped", True, 400),         # the duplicate is outside the user's towns
])
def test_it_refuses_merges_without_the_right_to_delete_or_out_of_scope(world, pair, user,
                                                                      other_town, status):
    keep, drop, _other = pair
    if other_town:
        drop.town = world.town_b
        drop.save()
    snap = Snapshot(Enterprise, EnterpriseName, Product, YearlyFigure, SupplyTie, ChainMaster)
    response = client_for(world, user).post(
        f"/enterprises/enterprises/{keep.pk}/merge/", {"other": drop.name, "confirm": "on"})
    assert response.status_code == status
    snap.assert_unchanged()
    assert Enterprise.objects.filter(pk=drop.pk).exists()
