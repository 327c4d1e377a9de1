"""Behaviour tests for chain maps: formats, validation, diff and the shipped templates.

No Django: the template directory is found relative to the repository."""

import csv
import os
from pathlib import Path

import pytest

from chainkit.chainmap import (
    MapError,
    check_codes,
    diff,
    dump_yaml,
    from_id_rows,
    from_rows,
    load_template_dir,
    load_yaml,
    parse_codes,
    stats,
    to_dict,
    to_id_rows,
    to_rows,
    validate_map,
)
from chainkit.errors import InputError

REPO = Path(__file__).resolve().parents[3]
TEMPLATES = REPO / "src" / "lianzhang" / "chains" / "map_templates"
SHARED = Path(os.environ.get("LIANZHANG_SHARED_DATA") or REPO.parent / "shared" / "data")
DETAILED = {"smart-appliance", "smart-manufacturing-equipment", "new-energy-vehicle",
            "food-beverage", "beauty-fashion", "home-furnishing"}
QINGDAO = {"智能家电", "新能源汽车", "海洋装备", "食品饮料", "高端化工", "纺织服装", "新型显示",
           "人工智能", "智能制造装备", "现代金融", "科技服务", "会展", "集成电路",
           "生物医药及医疗器械", "氢能与储能", "软件和信息服务", "先进高分子及金属材料",
           "文化旅游", "通用航空", "现代物流", "虚拟现实", "精密仪器仪表", "轨道交通", "现代商贸"}

SAMPLE = """
name: 智能家电
code: smart-appliance
category: 优势
towns: [九龙街道]
nodes:
  - name: 上游
    children:
      - name: 核心零部件
        children:
          - name: 压缩机
            is_core: true
            weight: 3
            keywords: [冰箱压缩机, 空调压缩机]
            negative_keywords: 压缩机维修
            industry_codes: [C3442, 0141]
          - {name: 电机, keywords: 空调电机、洗衣机电机}
  - name: 整机制造
    segment: 中游
    children:
      - {name: 冰箱, keywords: [冰箱, 冷柜], description: 含冷柜}
"""


def _rows(*rows):
    """Rows with Chinese headers from tuples."""
    header = ("路径", "环节", "关键词", "行业代码", "权重", "核心零部件")
    return [dict(zip(header, row, strict=True)) for row in rows]


def test_it_loads_nested_yaml_with_inherited_segments_and_normalised_fields():
    chain = load_yaml(SAMPLE)
    assert chain.category == "优势产业" and chain.towns == ["九龙街道"]
    assert [n.path_text for n in chain.nodes] == [
        "上游", "上游/核心零部件", "上游/核心零部件/压缩机", "上游/核心零部件/电机",
        "整机制造", "整机制造/冰箱"]
    comp = chain.node("上游/核心零部件/压缩机")
    assert comp.segment == "upstream" and comp.is_core and comp.weight == 3.0
    assert comp.industry_codes == ["3442", "0141"]  # letter folded, leading zero kept
    assert comp.negative_keywords == ["压缩机维修"]
    assert chain.node("上游/核心零部件/电机").keywords == ["空调电机", "洗衣机电机"]
    assert chain.node(("整机制造", "冰箱")).segment == "midstream"
    assert [n.name for n in chain.leaves()] == ["压缩机", "电机", "冰箱"]


def test_it_round_trips_yaml_dict_and_both_row_formats():
    chain = load_yaml(SAMPLE)
    assert load_yaml(dump_yaml(chain)) == chain
    assert "weight: 3\n" in dump_yaml(chain)
    meta = {"name": chain.name, "code": chain.code, "category": chain.category,
            "towns": chain.towns}
    assert from_rows(to_rows(chain), **meta) == chain
    assert from_rows(to_rows(chain, english=True), **meta) == chain
    assert from_id_rows(to_id_rows(chain), **meta) == chain
    assert validate_map(chain) == chain
    assert to_dict(chain)["nodes"][0]["segment"] == "上游"


def test_it_reads_rows_in_any_order_with_english_or_hinted_headers():
    rows = [{"Path": "上游/材料/钢板", "Keywords": "冷轧板|镀锌板", "is_core": "Y", "序号": "1"},
            {"Path": "上游", "Keywords": "", "is_core": "", "序号": "2"},
            {"Path": "上游/材料", "Keywords": "", "is_core": "否", "序号": "3"},
            {"Path": "", "Keywords": "", "is_core": "", "序号": ""}]
    chain = from_rows(rows, name="t")
    assert [n.path_text for n in chain.nodes] == ["上游", "上游/材料", "上游/材料/钢板"]
    assert chain.node("上游/材料/钢板").is_core
    hinted = from_rows([{"上级路径": "", "节点": "下游", "关键词（|分隔）": "家电销售"},
                        {"上级路径": "下游", "节点": "回收", "关键词（|分隔）": "家电回收, 拆解"}])
    assert hinted.node("下游/回收").keywords == ["家电回收", "拆解"]


def test_it_names_the_row_whose_parent_is_missing():
    rows = _rows(("上游", "", "", "", "", ""), ("上游/核心零部件/压缩机", "", "压缩机", "", "", "是"))
    with pytest.raises(MapError, match="第3行 路径: 上级节点“上游/核心零部件”不存在"):
        from_rows(rows)


def test_it_rejects_duplicate_paths_in_rows_and_yaml():
    rows = _rows(("上游", "", "", "", "", ""), ("上游/电机", "", "", "", "", ""),
                 ("上游/电机", "", "", "", "", ""))
    with pytest.raises(MapError, match="第4行 路径: 节点“上游/电机”重复（第3行已有）"):
        from_rows(rows)
    with pytest.raises(MapError, match="节点“上游/电机” name: 节点“上游/电机”重复"):
        load_yaml("name: t\nnodes:\n- name: 上游\n  children: [{name: 电机}, {name: 电机}]\n")


def test_it_detects_cycles_unknown_parents_and_duplicate_ids():
    rows = [{"编号": "1", "上级编号": "", "节点": "上游"},
            {"编号": "2", "上级编号": "3", "节点": "甲"},
            {"编号": "3", "上级编号": "2", "节点": "乙"},
            {"编号": "4", "上级编号": "9", "节点": "丙"},
            {"编号": "5", "上级编号": "5", "节点": "丁"},
            {"编号": "1", "上级编号": "", "节点": "戊"}]
    with pytest.raises(MapError) as info:
        from_id_rows(rows)
    messages = info.value.errors
    assert "第3行 上级编号: 上级关系形成循环（2 → 3 → 2）" in messages
    assert "第5行 上级编号: 上级编号“9”不存在" in messages
    assert "第6行 上级编号: 上级关系形成循环（5 → 5）" in messages
    assert "第7行 编号: 编号“1”重复（第2行已使用）" in messages
    chain = from_id_rows([{"node_id": 1.0, "parent_id": None, "name": "上游"},
                          {"node_id": 2, "parent_id": 1, "name": "材料"}])
    assert chain.node("上游/材料").segment == "upstream"


@pytest.mark.parametrize("code", ["34421", "3", "Z12", "C5111", "00", "98", "3442a"])
def test_it_rejects_malformed_industry_codes(code):
    rows = _rows(("上游", "", "", code, "", ""))
    with pytest.raises(MapError, match=f"第2行 行业代码: 行业代码“{code}”"):
        from_rows(rows)


def test_it_accepts_every_well_formed_code_shape():
    assert parse_codes("C|13|134|1340, C1340、３４４２") == ["C", "13", "134", "1340", "3442"]
    assert parse_codes(3442.0) == ["3442"]


def test_it_rejects_negative_or_non_numeric_weights_and_bad_flags():
    with pytest.raises(MapError, match=r"第2行 权重: 权重不能为负数（-1）"):
        from_rows(_rows(("上游", "", "", "", "-1", "")))
    with pytest.raises(MapError, match="第2行 权重: 权重“很多”不是数字"):
        from_rows(_rows(("上游", "", "", "", "很多", "")))
    with pytest.raises(MapError, match="第2行 核心零部件: “也许”无法识别为是/否"):
        from_rows(_rows(("上游", "", "", "", "", "也许")))
    assert from_rows(_rows(("上游", "", "", "", "12%", ""))).nodes[0].weight == 0.12


def test_it_rejects_empty_names_and_slashes():
    with pytest.raises(MapError, match="第3行 路径: 节点名不能为空"):
        from_rows(_rows(("上游", "", "", "", "", ""), ("上游//电机", "", "", "", "", "")))
    with pytest.raises(MapError, match="节点“上游”下第1个子节点 name: 节点名不能为空"):
        load_yaml("name: t\nnodes:\n- name: 上游\n  children: [{name: ''}]\n")
    with pytest.raises(MapError, match="第2行 节点: 节点名“电机”与路径末级“上游”不一致"):
        from_rows([{"路径": "上游", "节点": "电机"}])


def test_it_requires_a_known_segment_at_the_top_and_consistency_below():
    with pytest.raises(MapError, match="第2行 环节: 顶层节点“原材料”缺少环节"):
        from_rows(_rows(("原材料", "", "", "", "", "")))
    with pytest.raises(MapError, match="第2行 环节: 环节“旁游”无法识别"):
        from_rows(_rows(("原材料", "旁游", "", "", "", "")))
    with pytest.raises(MapError, match="第3行 环节: 环节“下游”与顶层节点“上游”的环节“上游”不一致"):
        from_rows(_rows(("上游", "", "", "", "", ""), ("上游/电机", "下游", "", "", "", "")))
    with pytest.raises(MapError, match="节点“原材料” segment: 环节“sideways”无法识别"):
        load_yaml("name: t\nnodes:\n- {name: 原材料, segment: sideways}\n")
    with pytest.raises(MapError, match="节点“原材料” segment: 顶层节点“原材料”缺少环节"):
        load_yaml("name: t\nnodes:\n- {name: 原材料, children: [{name: 钢板}]}\n")


def test_it_reports_every_problem_at_once_and_refuses_unknown_columns_and_keys():
    rows = _rows(("上游", "", "", "9x", "-2", ""), ("中游/整机", "", "", "", "", ""))
    with pytest.raises(MapError) as info:
        from_rows(rows)
    assert len(info.value.errors) == 3 and isinstance(info.value, InputError)
    with pytest.raises(MapError, match="未知的列“关建词”"):
        from_rows([{"路径": "上游", "关建词": "x"}])
    with pytest.raises(MapError, match="节点“上游”: 未知字段“keyword”"):
        load_yaml("name: t\nnodes:\n- {name: 上游, keyword: [x]}\n")
    with pytest.raises(MapError, match="产业链名称（name）不能为空"):
        load_yaml("nodes: []\n")


def test_it_refuses_duplicate_yaml_keys_and_reports_syntax_errors_by_line():
    with pytest.raises(InputError, match="YAML 第3行: 字段“keywords”重复"):
        load_yaml("name: t\nnodes:\n- {name: 上游, keywords: [a], keywords: [b]}\n")
    with pytest.raises(InputError, match="YAML 格式错误第3行"):
        load_yaml("name: t\nnodes: [\n")


def _pair():
    """Two versions of a small map differing by rename, move, add and remove."""
    old = load_yaml("""
name: t
nodes:
  - name: 上游
    children:
      - name: 原材料
        children:
          - {name: 钢板, keywords: [冷轧板]}
          - {name: 塑料, keywords: [改性塑料]}
          - {name: 铜管}
      - name: 零部件
        children:
          - {name: 压缩机, keywords: [压缩机], is_core: true}
          - {name: 电机}
          - {name: 阀件}
  - name: 中游
    children: [{name: 冰箱}]
""")
    new = load_yaml("""
name: t2
nodes:
  - name: 上游
    children:
      - name: 基础材料
        children:
          - {name: 冷轧钢板, keywords: [冷轧板]}
          - {name: 塑料, keywords: [改性塑料, 工程塑料]}
          - {name: 铜管}
      - name: 零部件
        children:
          - {name: 压缩机, keywords: [压缩机], is_core: true}
          - {name: 阀门}
      - name: 核心零部件
        children: [{name: 电机, is_core: true}]
  - name: 中游
    children: [{name: 冰箱}, {name: 空调}]
""")
    return old, new


def test_it_diffs_renames_moves_additions_removals_and_attribute_changes():
    result = diff(*_pair())
    renamed = {(r["old_path"], r["path"], r["reason"]) for r in result["renamed"]}
    assert ("上游/原材料", "上游/基础材料", "position") in renamed
    assert ("上游/原材料/钢板", "上游/基础材料/冷轧钢板", "keywords") in renamed
    assert ("上游/零部件/阀件", "上游/零部件/阀门", "position") not in renamed  # shifted
    assert result["moved"] == [{"old_path": "上游/零部件/电机", "path": "上游/核心零部件/电机",
                                "name": "电机", "old_parent": "上游/零部件",
                                "parent": "上游/核心零部件"}]
    assert {a["path"] for a in result["added"]} == {"上游/零部件/阀门", "上游/核心零部件",
                                                     "中游/空调"}
    assert [r["path"] for r in result["removed"]] == ["上游/零部件/阀件"]
    changed = {c["path"]: c["changes"] for c in result["changed"]}
    assert changed["上游/基础材料/塑料"] == [{"field": "keywords", "old": ["改性塑料"],
                                          "new": ["改性塑料", "工程塑料"],
                                          "added": ["工程塑料"], "removed": []}]
    assert changed["上游/核心零部件/电机"][0]["field"] == "is_core"
    assert "上游/基础材料/铜管" not in changed  # followed its renamed parent, nothing else
    assert result["metadata"] == [{"field": "name", "old": "t", "new": "t2"}]
    # 上游, 铜管 (follows its renamed parent), 零部件, 压缩机, 中游, 中游/冰箱
    assert result["summary"]["unchanged"] == 6


def test_it_reports_no_differences_between_identical_maps():
    chain = load_yaml(SAMPLE)
    result = diff(chain, load_yaml(dump_yaml(chain)))
    assert result["summary"] == {"added": 0, "removed": 0, "renamed": 0, "moved": 0,
                                 "changed": 0, "unchanged": len(chain.nodes)}


def test_it_counts_nodes_depth_leaves_and_core():
    figures = stats(load_yaml(SAMPLE))
    assert (figures["nodes"], figures["depth"], figures["leaves"], figures["core"]) == (6, 3, 3, 1)
    assert figures["segments"] == {"upstream": 4, "midstream": 2, "downstream": 0}


def test_it_loads_every_template_with_code_matching_file_name():
    maps = load_template_dir(TEMPLATES)
    assert len(maps) >= 25
    assert QINGDAO <= {m.name for m in maps}
    assert {m.code for m in maps} == {p.stem for p in TEMPLATES.glob("*.yaml")}
    assert all(m.category for m in maps)


def test_it_ships_detailed_maps_for_the_six_key_chains():
    maps = {m.code: m for m in load_template_dir(TEMPLATES)}
    for code in DETAILED:
        figures = stats(maps[code])
        assert figures["nodes"] >= 40 and figures["depth"] >= 3, code
        assert figures["core"] >= 5, code
        assert figures["leaves_with_keywords"] == figures["leaves"], code
        assert figures["nodes_with_codes"] >= figures["leaves"] * 0.9, code
        assert all(figures["segments"].values()), code


def test_it_ships_at_least_ten_nodes_and_three_segments_for_every_other_chain():
    for chain in load_template_dir(TEMPLATES):
        figures = stats(chain)
        assert figures["nodes"] >= 10, chain.code
        assert all(figures["segments"].values()), chain.code
        assert figures["leaves_with_keywords"] >= 0.8 * figures["leaves"], chain.code


def test_it_uses_only_well_formed_and_existing_industry_codes():
    maps = load_template_dir(TEMPLATES)
    for chain in maps:
        for node in chain.nodes:
            assert parse_codes(node.industry_codes) == node.industry_codes, node.path_text
    table = SHARED / "gbt4754" / "gbt4754_2017.csv"
    if not table.exists():
        pytest.skip(f"GB/T 4754 table not present at {table}")
    with open(table, encoding="utf-8") as fh:
        known = {row["code"] for row in csv.DictReader(fh)}
    problems = [msg for chain in maps for msg in check_codes(chain, known)]
    assert problems == []
