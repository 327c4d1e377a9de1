"""Behaviour tests for chainkit.gaps on small hand-computed tables (DESIGN.md §4).

The fixture chain "C" (all money in 元; 1e6 = 100万):

    R ─┬─ A 压缩机  leaf, w=3, core
       ├─ B 电机    leaf, w=1, core
       ├─ D 钣金    leaf, w=0, min_count=2
       └─ M 中游 ─┬─ E 发泡  leaf, w=2
                  └─ F 芯片  leaf, w=2, core

Firms: f1 T1 100e6 · f2 T2 300e6 · f3 T1 inactive · f4 outside the city · f5 T2 40e6 ·
masters m1 (T1), m2 (T2), m3 (outside). Auto threshold 0.8.
Qualifying local links: f1→A (confirmed), f1→B (auto 0.9), f2→E (confirmed),
f5→M (confirmed), f5→D (auto 0.8 = threshold). Not counted: f2→A auto 0.7 (below),
f3→F (inactive), f4→F (outside), f5→B (rejected).
"""

import math

import pytest

from chainkit.errors import InputError
from chainkit.gaps import (
    EMERGING,
    MISSING,
    PILLAR,
    STRONG,
    WEAK,
    Demand,
    Firm,
    GapSettings,
    Link,
    Master,
    Node,
    SupplyTie,
    TownOutput,
    TownTotal,
    all_chain_figures,
    chain_figures,
    common_parts,
    common_suppliers,
    completeness,
    format_amount,
    gap_status,
    index_tables,
    location_quotients,
    master_shortlist,
    node_coverage,
    proxy_supporting_rate,
    supporting_rate,
    town_outputs_from_links,
    validate_settings,
    value_supporting_rate,
)

M = 1e6

NODES = [
    Node("R", "C", None, "智能家电"),
    Node("A", "C", "R", "压缩机", weight=3, is_core=True),
    Node("B", "C", "R", "电机", weight=1, is_core=True),
    Node("D", "C", "R", "钣金", weight=0, min_count=2),
    Node("M", "C", "R", "中游"),
    Node("E", "C", "M", "发泡", weight=2),
    Node("F", "C", "M", "芯片", weight=2, is_core=True),
]
FIRMS = [
    Firm("f1", "T1", output=100 * M, name="甲电机", revenue=None),
    Firm("f2", "T2", output=300 * M, name="乙发泡", revenue=3e9),
    Firm("f3", "T1", active=False, output=50 * M),
    Firm("f4", None, output=1000 * M, name="外地芯片"),
    Firm("f5", "T2", output=40 * M),
    Firm("m1", "T1", name="海尔", revenue=6e10, rd_intensity=0.04, tags=("上市", "高新技术")),
    Firm("m2", "T2", name="海信", revenue=2e10, rd_intensity=0.06, tags=("专精特新",)),
    Firm("m3", None, name="外地链主", revenue=1e11),
]
LINKS = [
    Link("f1", "A", "confirmed"),
    Link("f1", "B", "auto", 0.9),
    Link("f2", "A", "auto", 0.7),
    Link("f2", "E", "confirmed"),
    Link("f3", "F", "confirmed"),
    Link("f4", "F", "confirmed"),
    Link("f5", "B", "rejected", 0.95),
    Link("f5", "M", "confirmed"),
    Link("f5", "D", "auto", 0.8),
]
MASTERS = [Master("C", "m1"), Master("C", "m2"), Master("C", "m3")]
DEMANDS = [Demand("m1", "A", 80 * M), Demand("m3", "A", 500 * M), Demand("m2", "E", 100 * M)]
TIES = [
    SupplyTie("f4", "m1", "B", 2024, 30 * M),
    SupplyTie("f1", "m1", "B", 2024, 20 * M),
    SupplyTie("f4", "m2", "F", 2024, 200 * M),
    SupplyTie("f4", "m3", "F", 2024, 100 * M),
    SupplyTie("f2", "m2", "E", 2024, 150 * M),
    SupplyTie("f2", "m1", "E", 2024, None),      # no value: counted as a tie, not in the rate
    SupplyTie("f5", "m3", None, 2024, 10 * M),   # no node: in the rate, not per node
    SupplyTie("f1", "m1", "A", 2023, 999 * M),   # other year: dropped
    SupplyTie("f1", "f2", "A", 2024, 5 * M),     # customer is no master
]


def data(**overrides):
    """The fixture index for 2024, city scope; keyword arguments replace tables."""
    tables = {"nodes": NODES, "links": LINKS, "firms": FIRMS, "masters": MASTERS,
              "demands": DEMANDS, "ties": TIES}
    options = {k: overrides.pop(k) for k in ("towns", "settings", "chains") if k in overrides}
    tables.update(overrides)
    return index_tables(**tables, year=2024, **options)


def test_it_covers_leaves_by_confirmed_or_auto_above_threshold_local_firms():
    result = node_coverage(data(), "C")
    by_id = {n.node_id: n for n in result.nodes}
    # Leaves only (R and M have children), in map order.
    assert list(by_id) == ["A", "B", "D", "E", "F"]
    assert by_id["A"].firm_ids == ("f1",)          # f2's auto 0.7 < 0.8
    assert by_id["B"].firm_ids == ("f1",)          # f5 rejected, f1 auto 0.9
    assert by_id["D"].firm_ids == ("f5",)          # auto 0.8 ≥ 0.8 counts
    assert by_id["E"].confirmed_firms == 1
    assert not by_id["F"].covered                  # f3 inactive, f4 outside
    assert (result.covered, result.leaves) == (4, 5)
    assert "0.8" in result.definition and "全市" in result.basis
    # A stricter threshold drops the auto links: B and D no longer covered.
    strict = node_coverage(data(settings={"auto_score_threshold": 0.95}), "C")
    assert [n.node_id for n in strict.nodes if n.covered] == ["A", "E"]


def test_it_computes_weighted_completeness_with_zero_weight_node():
    comp = completeness(data(), "C")
    # Σw = 3+1+0+2+2 = 8; covered A,B,D,E → 3+1+0+2 = 6; 6/8 = 0.75
    assert comp.value == pytest.approx(0.75)
    assert (comp.covered_weight, comp.total_weight) == (6.0, 8.0)
    assert (comp.covered_leaves, comp.leaves, comp.zero_weight_leaves) == (4, 5, 1)
    assert comp.reason == ""


def test_it_gives_no_completeness_for_all_zero_weights_or_no_map():
    nodes = [Node("Z", "Z"), Node("Z1", "Z", "Z", weight=0), Node("Z2", "Z", "Z", weight=0)]
    zero = completeness(index_tables(nodes, [Link("f1", "Z1")], FIRMS), "Z")
    assert zero.value is None and "权重全为 0" in zero.reason
    assert zero.covered_leaves == 1                 # coverage still reported
    empty = completeness(data(), "no-such-chain")
    assert empty.value is None and "节点图" in empty.reason


def test_it_computes_value_based_supporting_rate_for_the_year():
    rate = value_supporting_rate(data(), "C")
    # masters m1,m2,m3, 2024, valued ties: 30(f4)+20(f1)+200(f4)+100(f4)+150(f2)+10(f5) = 510
    # local suppliers f1,f2,f5: 20+150+10 = 180 → 180/510
    assert rate.kind == "value"
    assert rate.value == pytest.approx(180 / 510)
    assert (rate.numerator, rate.denominator) == (180 * M, 510 * M)
    assert "无金额 1 条" in rate.basis and "按采购额" in rate.label
    assert supporting_rate(data(), "C").kind == "value"


def test_it_falls_back_to_labelled_core_part_proxy_without_supply_ties():
    proxy = proxy_supporting_rate(data(), "C")
    # core leaves A(3) B(1) F(2): covered A,B → 4/6
    assert proxy.value == pytest.approx(4 / 6)
    chosen = supporting_rate(data(ties=[]), "C")
    assert chosen.kind == "node_proxy" and chosen.value == pytest.approx(4 / 6)
    assert chosen.label == "本地配套率（核心零部件覆盖代理）"
    assert chosen.basis.startswith("缺少采购额数据（链主无带金额的采购数据）")
    # Ties that exist but carry no value are "purchase data missing" too.
    valueless = [SupplyTie("f1", "m1", "A", 2024, None)]
    assert supporting_rate(data(ties=valueless), "C").kind == "node_proxy"


def test_it_classifies_gaps_with_reasons_and_single_point_risk():
    result = gap_status(data(), "C")
    g = {n.node_id: n for n in result.nodes}
    # A: output f1 100/2 links = 50e6 < local masters' demand m1 80e6 (m3 is not local)
    assert g["A"].status == WEAK and g["A"].demand == 80 * M
    assert g["A"].reason == "本地产出 5000万 低于链主需求 8000万"
    assert g["A"].demand_basis == "链主需求表"
    # B: no demand row → m1's valued purchases on B: 30+20 = 50e6; output 50e6 not < 50e6
    assert g["B"].status == STRONG and g["B"].demand == 50 * M
    assert g["B"].demand_basis == "链主采购额（供应关系）"
    assert g["B"].master_suppliers == 2 and not g["B"].single_point
    # D: f5 40e6 / 2 links = 20e6; 1 local firm < node min_count 2
    assert g["D"].status == WEAK and g["D"].local_output == 20 * M
    assert g["D"].reason == "本地企业 1 家，少于最低要求 2 家"
    # E: 300e6 ≥ m2's demand 100e6 → strong; but only f2 supplies the masters on E
    assert g["E"].status == STRONG and "满足链主需求 1亿" in g["E"].reason
    assert g["E"].single_point and g["E"].single_supplier_id == "f2"
    # F: no local firm → missing; m2 and m3 buy F from f4 alone → 断点风险
    assert g["F"].status == MISSING and g["F"].reason == "本地无挂链企业"
    assert g["F"].single_point and "外地芯片" in g["F"].risk
    assert (result.missing, result.weak, result.strong, result.single_points) == (1, 2, 2, 2)


def test_it_applies_settings_minimum_output_and_handles_chain_without_masters():
    # min_output 60e6: A 50e6, B 50e6, D 20e6 fall short; E 300e6 does not.
    g = {n.node_id: n for n in gap_status(data(settings={"min_output": 6e7}), "C").nodes}
    assert [k for k, n in g.items() if n.status == WEAK] == ["A", "B", "D"]
    assert "低于最低规模 6000万" in g["B"].reason
    no_masters = gap_status(data(masters=[]), "C")
    n = {x.node_id: x for x in no_masters.nodes}
    assert n["A"].status == STRONG and n["A"].demand is None
    assert n["A"].reason == "本地企业 1 家，本地产出 5000万（无链主需求数据）"
    assert no_masters.single_points == 0
    rate = value_supporting_rate(data(masters=[]), "C")
    assert rate.value is None and rate.reason == "该链未认定链主企业"
    assert common_parts(data(masters=[]), "C").items == ()


def test_it_finds_common_parts_and_suppliers():
    parts = common_parts(data(), "C", k=2)
    # A: demand m1,m3 · E: demand m2 + ties m2,m1 · F: ties m2,m3 · B: ties m1 only
    assert [(p.node_id, p.masters) for p in parts.items] == [
        ("A", ("m1", "m3")), ("E", ("m1", "m2")), ("F", ("m2", "m3"))]
    assert [p.node_id for p in common_parts(data(), "C", k=1).items] == ["A", "E", "F", "B"]
    assert common_parts(data(), "C", k=3).items == ()
    sup = common_suppliers(data(), "C")            # settings.common_k = 2
    # f4 → m1,m2,m3 (30+200+100 = 330e6); f2 → m2,m1 (150e6 valued)
    assert [(s.firm_id, s.count, s.value, s.is_local) for s in sup.items] == [
        ("f4", 3, 330 * M, False), ("f2", 2, 150 * M, True)]
    assert sup.items[0].node_ids == ("B", "F")
    with pytest.raises(InputError, match="不小于 1"):
        common_parts(data(), "C", k=0)


def test_it_computes_location_quotients_and_none_for_town_without_output():
    result = location_quotients(
        [TownOutput("T1", "C", 400), TownOutput("T1", "Y", 100), TownOutput("T2", "C", 200),
         TownOutput("T2", "Y", 1500)],
        [TownTotal("T1", 1000), TownTotal("T2", 3000), TownTotal("T3", 0)],
        chains=["W"],
    )
    lq = {(i.town_id, i.chain_id): i for i in result.items}
    # city 4000; C 600 → 0.15; Y 1600 → 0.4
    assert lq[("T1", "C")].lq == pytest.approx((400 / 1000) / 0.15)   # 2.667
    assert lq[("T2", "C")].lq == pytest.approx((200 / 3000) / 0.15)   # 0.444
    assert lq[("T1", "Y")].lq == pytest.approx(0.1 / 0.4)             # 0.25
    assert lq[("T2", "Y")].lq == pytest.approx(0.5 / 0.4)             # 1.25
    assert lq[("T3", "C")].lq is None and lq[("T3", "C")].reason == "该镇街无产出数据"
    assert lq[("T1", "W")].lq is None and lq[("T1", "W")].reason == "全市该链无产出"
    assert [i.town_id for i in result.for_chain("C")] == ["T1", "T2", "T3"]
    with pytest.raises(InputError, match="大于其总产出"):
        location_quotients([TownOutput("T1", "C", 5)], [TownTotal("T1", 1)])
    with pytest.raises(InputError, match="不小于 0"):
        location_quotients([], [TownTotal("T1", -1)])
    assert location_quotients([], []).items == ()


def test_it_derives_town_outputs_from_links():
    outputs, totals = town_outputs_from_links(data())
    # T1: f1 100e6, both links in C · T2: f2 300e6 + f5 40e6 = 340e6 (m1, m2 output 0)
    assert {(o.town_id, o.chain_id): o.output for o in outputs} == {("T1", "C"): 100 * M,
                                                                   ("T2", "C"): 340 * M}
    assert {t.town_id: t.output for t in totals} == {"T1": 100 * M, "T2": 340 * M}


def test_it_shortlists_masters_by_threshold_and_weighted_score():
    ids = ["m1", "m2", "f2", "f1", "nope"]
    pillar = master_shortlist(data(), "C", kind="支柱", candidate_ids=ids)
    assert pillar.kind == PILLAR and pillar.threshold == 5e9
    # m1: revenue 1 ×0.4 + local suppliers {f1,f2} 2/2 ×0.3 + rd 0.04/0.05 ×0.2 + tags 0.7 ×0.1
    #     = 0.4 + 0.3 + 0.16 + 0.07 = 0.93
    # m2: 2/6 ×0.4 + 1/2 ×0.3 + min(1.2,1) ×0.2 + 0.3 ×0.1 = 0.1333 + 0.15 + 0.2 + 0.03
    assert [e.firm_id for e in pillar.items] == ["m1", "m2"]
    assert pillar.items[0].score == pytest.approx(0.93)
    assert pillar.items[1].score == pytest.approx(0.4 * 2 / 6 + 0.15 + 0.2 + 0.03)
    rd = {f.name: f for f in pillar.items[0].factors}["rd"]
    assert (rd.raw, rd.factor, rd.contribution) == (0.04, pytest.approx(0.8), pytest.approx(0.16))
    reasons = {x.firm_id: x.reason for x in pillar.excluded}
    assert reasons == {"f2": "营收 30亿 低于支柱产业链门槛 50亿", "f1": "无营收数据",
                       "nope": "企业不在名录中"}
    emerging = master_shortlist(data(), "C", kind=EMERGING, candidate_ids=ids)
    # f2 now passes 10亿: 3/60 ×0.4 + 1/2 ×0.3 (f1 supplies it) = 0.02 + 0.15 = 0.17
    assert [e.firm_id for e in emerging.items] == ["m1", "m2", "f2"]
    assert emerging.items[2].score == pytest.approx(0.17)
    with pytest.raises(InputError, match="产业链类型"):
        master_shortlist(data(), "C", kind="big")
    # Default candidates: local firms linked to the chain (f1, f2, f5), none above 50亿.
    assert master_shortlist(data(), "C").items == ()


def test_it_computes_chain_figures_in_one_call():
    fig = chain_figures(data(), "C")
    assert fig.completeness == pytest.approx(0.75)
    assert fig.supporting_rate == pytest.approx(180 / 510) and fig.supporting_kind == "value"
    assert (fig.leaves, fig.covered, fig.missing, fig.weak, fig.strong) == (5, 4, 1, 2, 2)
    assert fig.masters == ("m1", "m2", "m3") and fig.local_masters == 2
    # local firms f1, f2, f5; output 50+50 (f1) + 300 (f2) + 20+20 (f5 on M and D) = 440e6
    assert fig.local_firms == 3 and fig.output == pytest.approx(440 * M)
    assert fig.has_map and fig.year == 2024


def test_it_gives_empty_figures_for_chain_without_map_masters_or_links():
    figures = all_chain_figures(data(chains=["X"]))
    assert list(figures) == ["C", "X"]
    x = figures["X"]
    assert not x.has_map and x.completeness is None and "节点图" in x.completeness_reason
    assert x.supporting_rate is None and x.supporting_kind == "node_proxy"
    assert (x.leaves, x.local_firms, x.output, x.masters) == (0, 0, 0.0, ())
    bare = chain_figures(data(links=[], ties=[]), "C")
    # No links: nothing covered → completeness 0/8, proxy 0/6, every leaf 缺链
    assert bare.completeness == 0.0 and bare.supporting_rate == 0.0
    assert bare.missing == 5 and bare.supporting_kind == "node_proxy"


def test_it_restricts_local_firms_to_the_town_scope():
    town = data(towns=["T1"])
    # Local: f1, m1 (f3 inactive). Covered A, B → (3+1)/8 = 0.5
    assert completeness(town, "C").value == pytest.approx(0.5)
    # Local suppliers: f1 only → 20/510
    assert value_supporting_rate(town, "C").value == pytest.approx(20 / 510)
    assert "镇街 T1" in town.scope_label()


def test_it_accepts_dicts_and_refuses_bad_tables():
    nodes = [{"id": "R", "chain_id": "C"}, {"id": "A", "chain_id": "C", "parent_id": "R"}]
    result = index_tables(nodes, [{"firm_id": "f1", "node_id": "A"}], [{"id": "f1", "town_id": "T"}])
    assert completeness(result, "C").value == 1.0
    with pytest.raises(InputError, match="第1条挂链字段有误"):
        index_tables(nodes, [{"firm": "f1"}])
    with pytest.raises(InputError, match="状态“maybe”无效"):
        index_tables(nodes, [Link("f1", "A", "maybe")])
    with pytest.raises(InputError, match="节点编号重复"):
        index_tables([Node("A", "C"), Node("A", "C")])
    with pytest.raises(InputError, match="上级节点 Q 不存在"):
        index_tables([Node("A", "C", "Q")])
    with pytest.raises(InputError, match="权重"):
        index_tables([Node("A", "C", weight=-1)])
    with pytest.raises(InputError, match="年采购额"):
        index_tables(NODES, ties=[SupplyTie("a", "b", "A", 2024, -5)], year=2024)


@pytest.mark.parametrize(("values", "message"), [
    ({"auto_score_threshold": 1.5}, "须在 0 到 1 之间"),
    ({"auto_score_threshold": -0.1}, "须在 0 到 1 之间"),
    ({"auto_score_threshold": math.nan}, "有限数字"),
    ({"auto_score_threshold": True}, "有限数字"),
    ({"common_k": 0}, "不小于 1 的整数"),
    ({"common_k": 2.5}, "不小于 1 的整数"),
    ({"min_count": -1}, "不小于 0"),
    ({"min_output": -3}, "不能为负数"),
    ({"pillar_revenue": -5e9}, "不能为负数"),
    ({"emerging_revenue": 6e9}, "不应高于支柱产业链门槛"),
    ({"weight_revenue": 0, "weight_suppliers": 0, "weight_rd": 0, "weight_tags": 0}, "不能全为 0"),
    ({"weight_rd": -0.2}, "不能为负数"),
    ({"rd_intensity_cap": 0}, "须大于 0"),
    ({"rd_intensity_cap": 5}, "须在 0 到 1 之间"),
    ({"tag_points": {"上市": -1}}, "不能为负数"),
    ({"colour": "red"}, "未知的链分析设置项：colour"),
])
def test_it_refuses_nonsense_thresholds_with_a_message(values, message):
    with pytest.raises(InputError, match=message):
        validate_settings(values)


def test_it_accepts_sensible_settings_and_formats_amounts():
    cfg = validate_settings({"auto_score_threshold": 0.6, "common_k": 3, "min_count": 0})
    assert cfg == GapSettings(auto_score_threshold=0.6, common_k=3, min_count=0)
    assert validate_settings(None) == GapSettings()
    assert (format_amount(1.2e8), format_amount(3.5e8), format_amount(5e9)) == ("1.2亿", "3.5亿", "50亿")
    assert (format_amount(8e7), format_amount(800), format_amount(None)) == ("8000万", "800元", "—")


def test_it_takes_links_as_plain_cursor_rows_with_the_same_result():
    rows = [(link.firm_id, link.node_id, link.status, link.score) for link in LINKS]
    as_rows, as_links = data(links=rows), data()
    assert all_chain_figures(as_rows) == all_chain_figures(as_links)
    assert as_rows.node_firms == as_links.node_firms and as_rows.counts == as_links.counts
    with pytest.raises(InputError, match="第1条挂链应为"):
        index_tables(NODES, [("f1", "A", "confirmed")])


def test_it_withholds_location_quotients_below_the_minimum_bases():
    rows = [TownOutput("T1", "C", 400), TownOutput("T2", "C", 20), TownOutput("T1", "F", 3)]
    totals = [TownTotal("T1", 1000), TownTotal("T2", 3000)]
    result = location_quotients(rows, totals, min_town_output=50, min_city_output=100)
    lq = {(i.town_id, i.chain_id): i for i in result.items}
    # C: city 420 of 4000 → T1 (400/1000)/(420/4000) = 3.81; T2's 20 is under 50.
    assert lq[("T1", "C")].lq == pytest.approx(0.4 / 0.105)
    assert lq[("T1", "C")].city_chain_output == 420 and not lq[("T1", "C")].small_sample
    assert lq[("T2", "C")].lq is None and lq[("T2", "C")].small_sample
    assert lq[("T2", "C")].reason == "样本不足：镇街该链产出 20元，低于 50元"
    # F: the city's 3 is under 100 — without the minimum T1 would read (3/1000)/(3/4000) = 4.
    assert lq[("T1", "F")].lq is None
    assert lq[("T1", "F")].reason == "样本不足：全市该链产出 3元，低于 100元"
    assert "镇街该链产出不低于 50元、全市该链产出不低于 100元" in result.basis
    with pytest.raises(InputError, match="区位商镇街该链最低产出"):
        location_quotients(rows, totals, min_town_output=-1)
