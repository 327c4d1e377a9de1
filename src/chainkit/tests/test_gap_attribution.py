"""A firm's output split over its linked nodes by product revenue shares, checked
against hand-computed values (output in 亿元 for readability; the engine is unit-free)."""

import pytest

from chainkit.errors import InputError
from chainkit.gaps import (
    Firm,
    Link,
    Node,
    Product,
    chain_figures,
    index_tables,
    town_outputs_from_links,
)

NODES = [
    Node("fridge", "sa", name="冰箱冷柜", keywords=("冰箱", "冷柜")),
    Node("ac", "sa", name="空调", keywords=("家用空调",)),
    Node("washer", "sa", name="洗衣机", keywords=("洗衣机",)),
    Node("heater", "sa", name="热水器", keywords=("电热水器", "热水器")),
    Node("small", "sa", name="小家电", keywords=("电饭煲",)),
    Node("compressor", "sa", name="空调压缩机", keywords=("空调压缩机",)),
]
# Haier's products and revenue shares (sum 0.90; 智能电视 is on no linked node).
HAIER = [("冰箱", 0.32), ("家用空调", 0.24), ("洗衣机", 0.22), ("电热水器", 0.08),
         ("智能电视", 0.04)]


def _data(links, products=(), firms=None):
    firms = firms or [Firm("haier", town_id="jiulong", output=420.0)]
    return index_tables(NODES, [Link(f, n) for f, n in links], firms,
                        products=[Product(f, name, share) for f, name, share in products])


def _haier(nodes, products=HAIER):
    return _data([("haier", n) for n in nodes], [("haier", p, s) for p, s in products])


def test_it_splits_a_firm_output_by_its_product_shares_not_evenly():
    data = _haier(["fridge", "ac", "washer"])
    assert data.node_output("washer") == pytest.approx(420 * 0.22)  # 92.4, not 140
    data = _haier(["fridge", "ac", "washer", "heater"])
    # Confirming 热水器 adds its 8 % (33.6) and takes nothing from 洗衣机.
    assert data.node_output("heater") == pytest.approx(33.6)
    assert data.node_output("washer") == pytest.approx(92.4)
    assert data.node_output("fridge") == pytest.approx(134.4)
    assert data.node_output("ac") == pytest.approx(100.8)
    # 智能电视 (4 %) and the 10 % no product names are on no linked node.
    assert chain_figures(data, "sa").output == pytest.approx(420 * 0.86)


def test_it_gives_unmatched_linked_nodes_the_share_left_over():
    data = _haier(["washer", "small"])
    assert data.node_output("washer") == pytest.approx(92.4)
    assert data.node_output("small") == pytest.approx(420 * 0.10)  # 1 − 0.90


def test_it_splits_evenly_without_shares_or_when_no_product_matches():
    data = _data([("haier", "washer"), ("haier", "heater"), ("haier", "small")])
    assert data.node_output("washer") == pytest.approx(140.0)
    data = _data([("haier", "washer"), ("haier", "heater")], [("haier", "工业机器人", 0.9)])
    assert data.node_output("washer") == pytest.approx(210.0)
    assert data.firm_node_output == {}


def test_it_gives_a_product_to_the_longest_matching_node_and_splits_ties():
    data = _haier(["ac", "compressor"], [("空调压缩机", 0.5)])
    assert data.node_output("compressor") == pytest.approx(210.0)  # 空调压缩机 beats 空调
    assert data.node_output("ac") == pytest.approx(210.0)  # the 50 % left over
    data = _haier(["fridge", "ac"], [("冷柜空调一体机", 1.0)])  # 冷柜 and 空调: 2 chars each
    assert data.node_output("fridge") == pytest.approx(210.0)
    assert data.node_output("ac") == pytest.approx(210.0)


def test_it_scales_shares_summing_over_one_down_to_one():
    data = _haier(["washer", "heater"], [("洗衣机", 0.63), ("电热水器", 0.42)])
    assert data.node_output("washer") == pytest.approx(420 * 0.6)
    assert data.node_output("heater") == pytest.approx(420 * 0.4)


def test_it_uses_the_same_split_for_town_outputs():
    firms = [Firm("haier", town_id="jiulong", output=420.0),
             Firm("wash", town_id="jiaoxi", output=10.0)]
    data = _data([("haier", "washer"), ("haier", "heater"), ("wash", "washer")],
                 [("haier", "洗衣机", 0.22), ("haier", "电热水器", 0.08)], firms)
    outputs, _totals = town_outputs_from_links(data)
    by_town = {row.town_id: row.output for row in outputs}
    assert by_town == pytest.approx({"jiulong": 420 * 0.30, "jiaoxi": 10.0})


@pytest.mark.parametrize("share", [1.5, -0.1, "0.2"])
def test_it_refuses_a_share_outside_zero_to_one(share):
    with pytest.raises(InputError, match="营收占比须在 0 到 1 之间"):
        _haier(["washer"], [("洗衣机", share)])


def test_it_says_no_data_not_zero_when_the_linked_firms_reported_no_output():
    nodes = [Node("scenic", "tour", name="景区", is_core=True),
             Node("hotel", "tour", name="酒店")]
    firms = [Firm("a", town_id="t", output=None), Firm("b", town_id="t", output=None)]
    data = index_tables(nodes, [Link("a", "hotel"), Link("b", "hotel")], firms)
    figures = chain_figures(data, "tour")
    assert figures.local_firms == 2 and figures.output is None
    assert figures.output_reason == "链上 2 家本地企业均无产值数据"
    # The proxy (0 of the core 景区 covered) would read 0 %: with no purchase and no
    # output data the rate is no data either.
    assert figures.supporting_rate is None and "暂无数据" in figures.supporting_reason
    hotel = next(g for g in figures.gaps.nodes if g.node_id == "hotel")
    assert hotel.output_known is False
    # One firm reporting 0 makes the chain's 0 a figure again.
    firms[1] = Firm("b", town_id="t", output=0.0)
    data = index_tables(nodes, [Link("a", "hotel"), Link("b", "hotel")], firms)
    figures = chain_figures(data, "tour")
    assert figures.output == 0.0 and figures.supporting_rate == 0.0
