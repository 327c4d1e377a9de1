"""The gap list's batch button acts on the gaps the page lists (the chosen chain only,
when one is chosen) and says how many gaps and chains it will cover."""

import re

from django.urls import reverse

from chainkit import chainmap as ck
from lianzhang.attraction.models import Recommendation
from lianzhang.attraction.services.gaps import gap_nodes
from lianzhang.chains.services import load_into_draft, publish
from lianzhang.core.models import Job
from lianzhang.core.testing.helpers import client_for

from .helpers import leaf, outside_firm


def _two_chains(world):
    leaf(world.chain_a)  # 智能家电: 压缩机, 冰箱压缩机, 电机, 液晶屏 without local firms
    publish(load_into_draft(world.chain_b, ck.ChainMap(
        name=world.chain_b.name, code=world.chain_b.code, nodes=[
            ck.MapNode(path=("上游",), name="上游", segment="upstream"),
            ck.MapNode(path=("上游", "滚珠丝杠"), name="滚珠丝杠", segment="upstream",
                       keywords=["滚珠丝杠"])])), None)
    outside_firm(8, products=("精密滚珠丝杠",), name="南京工艺装备制造有限公司",
                 region="江苏省南京市")
    outside_firm(9)  # makes 冰箱压缩机


def _button(page: str) -> str:
    return re.search(r"<button[^>]*data-batch[^>]*>([^<]*)</button>", page).group(1)


def test_it_recommends_only_for_the_chain_the_user_is_looking_at(world):
    _two_chains(world)
    client = client_for(world, "secretariat")
    url = reverse("attraction:gaps") + f"?chain={world.chain_b.pk}"
    listed = len(gap_nodes(world.chain_b))
    assert listed == 1
    button = _button(client.get(url).content.decode())
    assert "为以上 1 个缺口生成推荐（1 条产业链" in button
    response = client.post(url)
    assert response.status_code == 302
    job = Job.objects.get()
    assert job.status == Job.Status.COMPLETED, job.log
    assert job.result["nodes"] == 1
    chains = set(Recommendation.objects.values_list("node__map__chain", flat=True))
    assert chains == {world.chain_b.pk}  # 智能家电's gaps were not on the page: untouched


def test_it_says_how_many_gaps_and_chains_the_whole_list_covers(world):
    _two_chains(world)
    client = client_for(world, "secretariat")
    every = len(gap_nodes(world.chain_a)) + len(gap_nodes(world.chain_b))
    button = _button(client.get(reverse("attraction:gaps")).content.decode())
    assert f"为以上 {every} 个缺口生成推荐（2 条产业链" in button
    client.post(reverse("attraction:gaps"))
    assert Job.objects.get().result["nodes"] == every
