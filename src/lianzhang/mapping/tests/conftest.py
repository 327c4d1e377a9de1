"""Fixtures shared by the mapping tests."""

import pytest

from .helpers import make_firm, publish_map


@pytest.fixture
def mapped(world):
    """A published 智能家电 map and four local firms."""
    version = publish_map(world.chain_a, {"压缩机": ["压缩机", "冰箱压缩机"],
                                          "电机": ["电机", "马达"],
                                          "显示面板": ["显示面板", "液晶屏"]})
    nodes = {n.name: n for n in version.nodes.all()}
    firms = {
        "comp": make_firm(world.town_a, "青岛海岳压缩机有限公司", ["冰箱压缩机"], "生产销售压缩机"),
        "motor": make_firm(world.town_a, "青岛琴岛电机有限公司", ["空调电机", "马达"]),
        "panel": make_firm(world.town_b, "青岛浮山光电有限公司", ["液晶屏"]),
        "food": make_firm(world.town_b, "青岛里岔食品有限公司", ["预制菜"]),
    }
    return nodes, firms
