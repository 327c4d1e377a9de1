"""Recommendations for gap nodes (issue 7, app side): ranked outside firms with their
reasons, the refusals, exclusions, weights from settings and the batch job."""

from decimal import Decimal

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.urls import reverse

from chainkit import chainmap as ck
from lianzhang.attraction.jobs import start_batch
from lianzhang.attraction.models import Recommendation
from lianzhang.attraction.services.gaps import gap_nodes
from lianzhang.attraction.services.recommend import (
    RecommendationRefused,
    pool_index,
    recommend_for_node,
    refresh_node,
)
from lianzhang.chains.services import draft_from, load_into_draft, publish
from lianzhang.core.models import Job
from lianzhang.core.testing.helpers import Snapshot, client_for
from lianzhang.enterprises.models import Enterprise, Product, YearlyFigure
from lianzhang.mapping.models import NodeLink

from .helpers import leaf, make_lead, outside_firm


@pytest.fixture
def pool(world):
    """智能家电 with a published map; 电机 covered by a local firm, 压缩机 missing; outside
    compressor makers (one big and listed), a motor maker and a local compressor firm."""
    node = leaf(world.chain_a)
    motor = leaf(world.chain_a, "电机")
    local_motor = Enterprise.objects.create(name="青岛琴岛电机有限公司", town=world.town_a)
    NodeLink.objects.create(enterprise=local_motor, node=motor)
    Enterprise.objects.create(name="青岛海岳压缩机有限公司", town=world.town_a).products.create(
        name="冰箱压缩机")
    big = outside_firm(1, region="浙江省杭州市", name="杭州钱江压缩机股份有限公司")
    big.is_listed, big.is_specialised = True, True
    big.save()
    YearlyFigure.objects.create(enterprise=big, year=2023, revenue=Decimal("500000"), source="年报")
    YearlyFigure.objects.create(enterprise=big, year=2022, revenue=Decimal("400000"), source="年报")
    small = outside_firm(2, products=(), name="黄石东贝压缩机配件有限公司", region="湖北省黄石市")
    Product.objects.create(enterprise=small, name="压缩机零部件", revenue_share=Decimal("0.9"))
    Product.objects.create(enterprise=small, name="冰箱压缩机", revenue_share=Decimal("0.1"))
    outside_firm(3, products=("空调电机",), name="佛山威灵电机有限公司", region="广东省佛山市")
    return node, {"big": big, "small": small}


def test_it_lists_outside_compressor_makers_for_the_missing_compressor_node_with_reasons(
        world, pool):
    node, firms = pool
    kinds = {g.node.name: g.kind for g in gap_nodes(world.chain_a)}
    assert kinds.get("压缩机") == "missing" and "电机" not in kinds
    saved = refresh_node(node)
    names = [r.enterprise.name for r in saved]
    assert names[0] == "杭州钱江压缩机股份有限公司"
    assert "黄石东贝压缩机配件有限公司" in names
    assert "青岛海岳压缩机有限公司" not in names and "佛山威灵电机有限公司" not in names
    top = saved[0]
    assert set(top.factors) == {"product_match", "scale", "growth", "local_supply",
                                "listing_tags", "distance"}
    assert top.score == pytest.approx(sum(f["contribution"] for f in top.factors.values()))
    assert top.matched[0]["product"] == "冰箱压缩机" and top.matched[0]["kind"] == "head-final"
    assert top.factors["listing_tags"]["value"] > 0 and top.factors["growth"]["value"] > 0
    page = client_for(world, "town_a").get(
        reverse("attraction:node_recommendations", args=[node.pk])).content.decode()
    assert "data-recommendations" in page and "杭州钱江压缩机股份有限公司" in page
    assert "冰箱压缩机" in page and "data-create-lead" in page
    assert "产品匹配" in page  # the factor breakdown, in Chinese


def test_it_refuses_a_node_that_is_not_a_leaf_or_not_in_a_published_map(world, pool):
    node, _firms = pool
    parent = node.parent
    draft = draft_from(node.map)
    draft_node = draft.nodes.get(name="压缩机")
    snap = Snapshot(Recommendation)
    with pytest.raises(RecommendationRefused) as refused:
        recommend_for_node(parent)
    assert "不是末级节点" in refused.value.messages[0] and "压缩机" in refused.value.messages[0]
    client = client_for(world, "secretariat")
    response = client.post(reverse("attraction:node_recommendations", args=[parent.pk]))
    assert response.status_code == 400 and "不是末级节点" in response.content.decode()
    with pytest.raises(RecommendationRefused) as refused:
        refresh_node(draft_node)
    assert "草稿" in refused.value.messages[0]
    snap.assert_unchanged()
    newer = publish(draft, None)
    snap = Snapshot(Recommendation)
    with pytest.raises(RecommendationRefused) as refused:
        refresh_node(node)  # the node of version 1.0, replaced by 2.0
    assert "已被" in refused.value.messages[0] and newer.version in refused.value.messages[0]
    snap.assert_unchanged()
    assert refresh_node(newer.nodes.get(name="压缩机"))


def test_it_leaves_out_firms_already_a_lead_on_the_node(world, pool):
    node, firms = pool
    make_lead(world.town_a, world.chain_a, 9, enterprise=firms["big"])
    names = [r.name for r in recommend_for_node(node)]
    assert "杭州钱江压缩机股份有限公司" not in names and "黄石东贝压缩机配件有限公司" in names


def test_it_takes_the_weights_from_settings_and_refuses_bad_ones(world, pool, settings):
    node, _firms = pool
    settings.LIANZHANG_RECOMMEND_WEIGHTS = {"product_match": 1.0, "scale": 0, "growth": 0,
                                            "local_supply": 0, "listing_tags": 0, "distance": 0}
    recs = recommend_for_node(node)
    assert all(r.score == pytest.approx(r.factors["product_match"].value) for r in recs)
    settings.LIANZHANG_RECOMMEND_WEIGHTS = {"product_macth": 1.0}
    with pytest.raises(ImproperlyConfigured, match="未知的项"):
        recommend_for_node(node)
    settings.LIANZHANG_RECOMMEND_WEIGHTS = {"scale": -1}
    with pytest.raises(ImproperlyConfigured, match="非负数"):
        recommend_for_node(node)


def test_it_rebuilds_the_pool_index_when_the_pool_changes(world, pool):
    first = pool_index()
    assert pool_index() is first
    outside_firm(7, name="芜湖美芝压缩机有限公司", region="安徽省芜湖市")
    second = pool_index()
    assert second is not first and len(second) == len(first) + 1


def test_it_recommends_for_every_gap_node_in_a_batch_job(world, pool):
    ck_map = ck.ChainMap(name=world.chain_b.name, code=world.chain_b.code, nodes=[
        ck.MapNode(path=("上游",), name="上游", segment="upstream"),
        ck.MapNode(path=("上游", "滚珠丝杠"), name="滚珠丝杠", segment="upstream",
                   keywords=["滚珠丝杠"])])
    publish(load_into_draft(world.chain_b, ck_map), None)
    outside_firm(8, products=("精密滚珠丝杠",), name="南京工艺装备制造有限公司",
                 region="江苏省南京市")
    job = start_batch(world.user("secretariat"))
    job.refresh_from_db()
    assert job.status == Job.Status.COMPLETED, job.log
    assert job.result["nodes"] >= 2 and job.result["recommendations"] >= 3
    screw = Recommendation.objects.get(node__name="滚珠丝杠")
    assert screw.enterprise.name == "南京工艺装备制造有限公司"
    assert Recommendation.objects.filter(node__name="压缩机").count() == 2
    page = client_for(world, "secretariat").get(reverse("attraction:gaps")).content.decode()
    assert "data-gaps" in page and "滚珠丝杠" in page
