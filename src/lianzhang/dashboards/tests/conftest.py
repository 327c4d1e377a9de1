"""A small chain world with hand-checkable figures for dashboard tests.

智能家电 map: 上游/核心零部件/{压缩机 (core, weight 2), 电机 (core), 显示面板} and
中游/整机/冰箱. Firms (output 2024, 万元): master 海尔 (九龙, 整机 link), 电机厂 A (九龙,
800), 电机厂 B (胶西, 200), 面板厂 (九龙, 50). Supply ties to 海尔 2024 (万元): 压缩机
from an outside firm 600, 电机 from A 300 and from B 100, 显示面板 from 面板厂 400."""

import pytest

from lianzhang.chains.models import ChainMaster
from lianzhang.enterprises.models import Enterprise, SupplyTie, YearlyFigure
from lianzhang.mapping.models import NodeLink
from lianzhang.mapping.tests.helpers import publish_map


@pytest.fixture
def chain_world(world):
    return build_chain_world(world)


def build_chain_world(world, motor="电机"):
    """The chain world; `motor` names the 电机 node (browser tests plant markup in it)."""
    from chainkit import chainmap as ck
    from lianzhang.chains.services import load_into_draft, publish

    nodes = [
        ck.MapNode(path=("上游",), name="上游", segment="upstream"),
        ck.MapNode(path=("上游", "核心零部件"), name="核心零部件", segment="upstream"),
        ck.MapNode(path=("上游", "核心零部件", "压缩机"), name="压缩机", segment="upstream",
                   is_core=True, weight=2.0, keywords=["压缩机"]),
        ck.MapNode(path=("上游", "核心零部件", motor), name=motor, segment="upstream",
                   is_core=True, keywords=["电机"]),
        ck.MapNode(path=("上游", "核心零部件", "显示面板"), name="显示面板", segment="upstream",
                   keywords=["显示面板"]),
        ck.MapNode(path=("中游",), name="中游", segment="midstream"),
        ck.MapNode(path=("中游", "整机"), name="整机", segment="midstream"),
        ck.MapNode(path=("中游", "整机", "冰箱"), name="冰箱", segment="midstream",
                   keywords=["冰箱"]),
    ]
    version = publish(load_into_draft(world.chain_a, ck.ChainMap(
        name=world.chain_a.name, code=world.chain_a.code, nodes=nodes)), None)
    n = {node.name: node for node in version.nodes.all()}
    n["电机"] = n[motor]
    firms = {
        "haier": Enterprise.objects.create(name="海尔智家股份有限公司", short_name="海尔",
                                           town=world.town_a),
        "motor_a": Enterprise.objects.create(name="青岛甲电机有限公司", town=world.town_a),
        "motor_b": Enterprise.objects.create(name="青岛乙电机有限公司", town=world.town_b),
        "panel": Enterprise.objects.create(name="青岛丙光电有限公司", town=world.town_a),
        "outside": Enterprise.objects.create(name="杭州丁压缩机有限公司", region_name="浙江省"),
    }
    other = Enterprise.objects.create(name="青岛戊机械有限公司", town=world.town_b)
    YearlyFigure.objects.create(enterprise=other, year=2024, output_value=1000, source="测试")
    for key, output in (("haier", 5000), ("motor_a", 800), ("motor_b", 200), ("panel", 50)):
        YearlyFigure.objects.create(enterprise=firms[key], year=2024, output_value=output,
                                    source="测试")
    ChainMaster.objects.create(chain=world.chain_a, enterprise=firms["haier"])
    for key, node in (("haier", "冰箱"), ("motor_a", "电机"), ("motor_b", "电机"),
                      ("panel", "显示面板")):
        NodeLink.objects.create(enterprise=firms[key], node=n[node])
    for key, node, value in (("outside", "压缩机", 600), ("motor_a", "电机", 300),
                             ("motor_b", "电机", 100), ("panel", "显示面板", 400)):
        SupplyTie.objects.create(supplier=firms[key], customer=firms["haier"], node=n[node],
                                 year=2024, annual_value=value)
    publish_map(world.chain_b, {"滚珠丝杠": ["滚珠丝杠"]})  # a second chain, nothing linked
    return {"nodes": n, "firms": firms, "version": version}
