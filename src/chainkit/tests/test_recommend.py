"""chainkit.recommend on hand-made pools: matching rules, factors, filters, CLI, bad input."""

from __future__ import annotations

import csv
import math

import pytest

from chainkit.cli.recommend import main
from chainkit.errors import InputError
from chainkit.recommend import (
    FACTORS,
    Filters,
    Firm,
    GapQuery,
    MatchSettings,
    PoolIndex,
    ProductHierarchy,
    Weights,
    classify,
    share_factors,
)
from chainkit.recommend.evaluate import average_precision, ndcg_at_k

# Only product_match counts: isolates matching from the other factors.
MATCH_ONLY = {"product_match": 1.0, "scale": 0, "growth": 0, "local_supply": 0,
              "listing_tags": 0, "distance": 0}


def firm(fid: str, *products: str, weights: tuple = (), **kw) -> Firm:
    """A pool firm with the given products (weights optional)."""
    return Firm(id=fid, name=f"{fid}公司", products=products, weights=weights, **kw)


def ids(recs) -> list[str]:
    """Firm ids of a result list, in rank order."""
    return [r.id for r in recs]


def test_it_applies_the_head_final_rule():
    index = PoolIndex.build([
        firm("parts", "压缩机零部件"),
        firm("aircon", "空调压缩机"),
        firm("exact", "压缩机"),
        firm("motor", "电机"),
        firm("series", "压缩机系列"),
    ])
    recs = index.recommend("压缩机", weights=MATCH_ONLY)
    assert ids(recs) == ["exact", "aircon", "series", "parts"]
    kinds = {r.id: r.matched[0].kind for r in recs}
    assert kinds == {"exact": "exact", "aircon": "head-final", "series": "generic-suffix",
                     "parts": "modifier"}
    # 压缩机零部件 is NOT a 压缩机: it ranks below every real compressor.
    assert recs[-1].factors["product_match"].value < 0.5 <= recs[1].factors["product_match"].value


def test_it_classifies_products_against_terms():
    assert classify("空调压缩机", "压缩机") == ("head-final", 0.95)
    assert classify("压缩机", "压缩机") == ("exact", 1.0)
    assert classify("压缩机零部件", "压缩机")[0] == "modifier"
    assert classify("汽车空调压缩机零部件", "压缩机")[1] < classify("压缩机零部件", "压缩机")[1]
    assert classify("压缩机", "空调压缩机") == ("broader", MatchSettings().broader)
    assert classify("电机", "压缩机") is None
    assert classify("空调压缩机(变频)", "压缩机")[0] == "generic-suffix"
    assert classify("涡旋压缩机", "涡旋压缩机", sub_product=True)[0] == "sub-product"
    no_mod = MatchSettings(include_modifiers=False, include_broader=False)
    assert classify("压缩机零部件", "压缩机", settings=no_mod) is None
    assert classify("压缩机", "空调压缩机", settings=no_mod) is None


def test_it_matches_sub_products_and_a_hierarchy():
    pool = [firm("scroll", "汽车涡旋压缩机"), firm("oil", "润滑油"), firm("none", "水泵")]
    index = PoolIndex.build(pool)
    # Without help the node name 制冷部件 matches nothing.
    assert index.recommend("制冷部件") == []
    recs = index.recommend(GapQuery("制冷部件", sub_products=("涡旋压缩机",)))
    assert ids(recs) == ["scroll"]
    assert recs[0].matched[0].kind == "sub-product"
    assert recs[0].matched[0].term == "涡旋压缩机"
    hierarchy = ProductHierarchy([("制冷部件", "压缩机"), ("压缩机", "涡旋压缩机"),
                                  ("涡旋压缩机", "汽车涡旋压缩机")])
    assert hierarchy.descendants("制冷部件") == ["压缩机", "涡旋压缩机"]
    assert len(hierarchy.descendants("制冷部件", max_depth=3)) == 3
    recs = index.recommend(GapQuery("制冷部件"), hierarchy=hierarchy)
    assert ids(recs) == ["scroll"] and recs[0].matched[0].kind == "sub-product"


def test_it_matches_keywords_more_weakly_than_the_name():
    index = PoolIndex.build([firm("kw", "冷媒泵"), firm("name", "压缩机")])
    recs = index.recommend(GapQuery("压缩机", keywords=("冷媒泵",)), weights=MATCH_ONLY)
    assert ids(recs) == ["name", "kw"]
    assert recs[1].matched[0].term == "冷媒泵"
    assert math.isclose(recs[1].factors["product_match"].value,
                        MatchSettings().keyword_factor * recs[0].factors["product_match"].value)


def test_it_weights_by_revenue_share_rank_and_max_not_sums():
    # Shares are noisy: the main product of "main" is the compressor; "side" sells it as a
    # 1 % side line next to a product with share 1.4 (> 1), plus one ≤ 0.
    index = PoolIndex.build([
        firm("side", "电机", "压缩机", "水泵", weights=(1.4, 0.014, -0.2)),
        firm("main", "压缩机", "电机", weights=(0.7, 0.6)),
        firm("unknown", "电机", "压缩机"),
    ])
    recs = index.recommend("压缩机", weights=MATCH_ONLY)
    assert ids(recs) == ["main", "unknown", "side"]
    main_m = recs[0].matched[0]
    assert main_m.share == 1.0 and main_m.value == 1.0 and main_m.weight == pytest.approx(0.7)
    # No weights → listing order: second product → 1/2.
    assert recs[1].matched[0].share == pytest.approx(0.5)
    assert recs[1].matched[0].weight is None
    side = share_factors([1.4, 0.014, -0.2])
    assert side[0] == 1.0 and side[1] == pytest.approx(0.5 * 0.014 / 1.4 + 0.25)
    assert side[2] == pytest.approx(0.5 / 3)
    # The floor keeps a side line visible: value ≥ strength × share_floor.
    assert recs[2].factors["product_match"].value >= MatchSettings().share_floor


def test_it_counts_the_best_product_once_per_firm():
    index = PoolIndex.build([
        firm("many", "压缩机零部件", "压缩机配件", "压缩机曲轴", "压缩机电机"),
        firm("one", "空调压缩机"),
    ])
    recs = index.recommend("压缩机", weights=MATCH_ONLY)
    assert ids(recs) == ["one", "many"]
    assert len(recs[1].matched) == 4  # all shown as reasons, but not summed


@pytest.mark.parametrize(("factor", "better", "worse"), [
    ("scale", {"revenue": 5e9}, {"revenue": 1e8}),
    ("growth", {"growth": 0.3}, {"growth": -0.1}),
    ("local_supply", {"supplies_local": 2}, {"supplies_local": 0}),
    ("listing_tags", {"listed": True, "tags": ("专精特新",)}, {}),
    ("distance", {"distance_band": 0}, {"distance_band": 3}),
])
def test_it_scores_each_factor(factor, better, worse):
    index = PoolIndex.build([firm("a", "压缩机", **worse), firm("b", "压缩机", **better),
                             firm("c", "压缩机", revenue=1e9)])
    recs = index.recommend("压缩机")
    by_id = {r.id: r for r in recs}
    assert by_id["b"].factors[factor].value > by_id["a"].factors[factor].value
    assert recs.index(by_id["b"]) < recs.index(by_id["a"])
    # Zero weight on that factor and it stops counting.
    w = Weights().as_dict() | {factor: 0.0}
    recs0 = {r.id: r for r in index.recommend("压缩机", weights=w)}
    assert recs0["b"].factors[factor].contribution == 0.0


def test_it_gives_factor_values_from_the_documented_formulas():
    index = PoolIndex.build([
        firm("x", "压缩机", revenue=3e9, growth=0.1, supplies_local=1, listed=True,
             tags=("专精特新", "高新技术企业"), distance_band=1),
        firm("y", "压缩机", revenue=1e9),
    ])
    f = {r.id: r.factors for r in index.recommend("压缩机")}["x"]
    assert f["scale"].value == 1.0                       # top revenue percentile
    assert f["growth"].value == pytest.approx(0.5)       # (0.1 + 0.2) / 0.6
    assert f["local_supply"].value == pytest.approx(0.5)  # 1 / (1 + 1)
    assert f["listing_tags"].value == 1.0                # listed + 2 valued tags
    assert f["distance"].value == pytest.approx(2 / 3)


def test_it_breaks_the_score_down_into_factors_that_sum_to_it():
    index = PoolIndex.build([
        firm("a", "空调压缩机", "电机", weights=(0.3, 0.6), revenue=2e9, growth=0.15,
             supplies_local=3, listed=True, tags=("小巨人",), distance_band=2),
        firm("b", "压缩机零部件", revenue=5e8),
    ])
    for rec in index.recommend("压缩机"):
        assert list(rec.factors) == list(FACTORS)
        for fc in rec.factors.values():
            assert fc.contribution == pytest.approx(fc.weight * fc.value)
            assert 0.0 <= fc.value <= 1.0
        assert rec.score == pytest.approx(sum(fc.contribution for fc in rec.factors.values()))
        assert rec.factors["product_match"].value == pytest.approx(rec.matched[0].value)
        d = rec.to_dict()
        assert set(d["factors"]["scale"]) == {"value", "weight", "contribution"}
        assert d["matched"][0]["kind"] in {"head-final", "modifier"}


def test_it_filters_and_excludes():
    index = PoolIndex.build([
        firm("gd", "压缩机", region="440300", revenue=2e9, tags=("专精特新",)),
        firm("sd", "压缩机", region="370281", revenue=5e8, listed=True),
        firm("js", "压缩机", region="320500"),
    ])
    assert ids(index.recommend("压缩机", filters={"regions": ["44", "37"]})) == ["gd", "sd"]
    assert ids(index.recommend("压缩机", filters={"min_revenue": 1e9})) == ["gd"]
    assert ids(index.recommend("压缩机", filters={"max_revenue": 1e9})) == ["sd"]
    assert ids(index.recommend("压缩机", filters={"tags_any": ["专精特新"]})) == ["gd"]
    assert ids(index.recommend("压缩机", filters={"tags_all": ["专精特新", "小巨人"]})) == []
    assert ids(index.recommend("压缩机", filters={"listed_only": True})) == ["sd"]
    local_and_leads = Filters(exclude_ids=frozenset({"gd"})).excluding(["js", "nobody"])
    assert ids(index.recommend("压缩机", filters=local_and_leads)) == ["sd"]
    assert index.recommend("压缩机", filters={"min_match": 1.01}) == []


def test_it_is_deterministic_and_breaks_ties_by_id():
    pool = [firm(f"{i:03d}", "压缩机") for i in (5, 3, 9, 1, 7)]
    a = PoolIndex.build(pool).recommend("压缩机", top_k=3)
    b = PoolIndex.build(list(reversed(pool))).recommend("压缩机", top_k=3)
    assert ids(a) == ids(b) == ["001", "003", "005"]
    assert [r.rank for r in a] == [1, 2, 3]


def test_it_normalises_width_case_and_spaces():
    index = PoolIndex.build([firm("a", "ＬＥＤ 显示屏")])
    recs = index.recommend("led显示屏")
    assert recs[0].matched[0].kind == "exact" and recs[0].matched[0].product == "ＬＥＤ 显示屏"


def test_it_refuses_bad_firms_and_settings():
    with pytest.raises(InputError, match="重复"):
        PoolIndex.build([firm("a", "压缩机"), firm("a", "电机")])
    with pytest.raises(InputError, match="不一致"):
        PoolIndex.build([firm("a", "压缩机", weights=(0.1, 0.2))])
    index = PoolIndex.build([firm("a", "压缩机")])
    with pytest.raises(InputError, match="未知"):
        index.recommend("压缩机", weights={"revenue": 1.0})
    with pytest.raises(InputError, match="非负"):
        index.recommend("压缩机", weights={"scale": -1})
    with pytest.raises(InputError, match="为空"):
        index.recommend(" ")


def test_it_batches_with_progress():
    index = PoolIndex.build([firm("a", "压缩机"), firm("b", "电机")])
    seen = []
    out = index.recommend_many([GapQuery("压缩机", qid="q1"), GapQuery("电机", qid="q2")],
                               progress=lambda d, t: seen.append((d, t)))
    assert ids(out["q1"]) == ["a"] and ids(out["q2"]) == ["b"]
    assert seen == [(1, 2), (2, 2)]
    assert index.memory_bytes() > 0


def test_it_computes_ranking_metrics():
    assert average_precision(["a", "x", "b"], {"a", "b"}) == pytest.approx((1 + 2 / 3) / 2)
    assert average_precision(["a"], {"a", "b"}) == 0.5  # unretrieved relevant counts
    assert ndcg_at_k(["x", "a"], {"a"}) == pytest.approx(1 / math.log2(3))


# ---------------------------------------------------------------------------- CLI
def write(path, header, rows):
    """Write a small UTF-8 CSV file."""
    with open(path, "w", encoding="utf-8", newline="") as fh:
        w = csv.writer(fh)
        w.writerow(header)
        w.writerows(rows)
    return path


POOL_ROWS = [
    ("F1", "甲公司", "空调压缩机|电机", "0.6|0.4", "370200", "2000000000", "专精特新"),
    ("F2", "乙公司", "压缩机零部件", "1.0", "440300", "", ""),
    ("F3", "丙公司", "压缩机", "", "", "500000000", ""),
    ("F4", "丁公司", "水泵", "0.9", "", "", ""),
]
POOL_HEADER = ("id", "name", "products", "weights", "region", "revenue", "tags")


def test_it_runs_the_command_round_trip(tmp_path, capsys):
    pool = write(tmp_path / "pool.csv", POOL_HEADER, POOL_ROWS)
    queries = write(tmp_path / "q.csv", ("qid", "query", "keywords", "relevant"),
                    [("q1", "压缩机", "", "F1|F3"), ("q2", "水泵", "", "F4"),
                     ("q3", "传感器", "", "")])
    out = tmp_path / "r.csv"
    assert main(["--pool", str(pool), "--queries", str(queries), "--top-k", "2",
                 "--out", str(out)]) == 0
    with open(out, encoding="utf-8") as fh:
        rows = list(csv.DictReader(fh))
    assert list(rows[0]) == ["qid", "rank", "id", "score"]
    got = [(r["qid"], r["rank"], r["id"]) for r in rows]
    # F1 (空调压缩机, revenue 20亿) outranks F3 (压缩机, 5亿): scale counts too.
    assert got == [("q1", "1", "F1"), ("q1", "2", "F3"), ("q2", "1", "F4")]
    assert float(rows[0]["score"]) >= float(rows[1]["score"])
    assert "4 家企业" in capsys.readouterr().err


@pytest.mark.parametrize(("pool_rows", "header", "message"), [
    (POOL_ROWS + [("F1", "重复", "电机", "", "", "", "")], POOL_HEADER, "重复"),
    ([r[:3] for r in POOL_ROWS], POOL_HEADER[:3], "缺少必需的列"),
    ([r + ("x",) for r in POOL_ROWS], POOL_HEADER + ("colour",), "未知的列"),
    ([("F1", "甲", "压缩机|电机", "0.5", "", "", "")], POOL_HEADER, "不一致"),
    ([("F1", "甲", "压缩机", "0.5", "", "很多", "")], POOL_HEADER, "不是数字"),
])
def test_it_refuses_bad_pools_without_writing(tmp_path, capsys, pool_rows, header, message):
    pool = write(tmp_path / "pool.csv", header, pool_rows)
    queries = write(tmp_path / "q.csv", ("qid", "query"), [("q1", "压缩机")])
    out = tmp_path / "r.csv"
    assert main(["--pool", str(pool), "--queries", str(queries), "--out", str(out)]) == 2
    err = capsys.readouterr().err
    assert message in err and err.startswith("错误：")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["pool.csv", "q.csv"]  # no temp file


@pytest.mark.parametrize(("rows", "header", "message"), [
    ([("q1", "压缩机"), ("q1", "电机")], ("qid", "query"), "qid 重复"),
    ([("q1", "压缩机")], ("qid", "text"), "缺少必需的列"),
    ([("q1", "")], ("qid", "query"), "为空"),
])
def test_it_refuses_bad_queries_without_writing(tmp_path, capsys, rows, header, message):
    pool = write(tmp_path / "pool.csv", POOL_HEADER, POOL_ROWS)
    queries = write(tmp_path / "q.csv", header, rows)
    out = tmp_path / "r.csv"
    assert main(["--pool", str(pool), "--queries", str(queries), "--out", str(out)]) == 2
    assert message in capsys.readouterr().err
    assert not out.exists()


def test_it_refuses_a_missing_file(tmp_path, capsys):
    out = tmp_path / "r.csv"
    assert main(["--pool", str(tmp_path / "none.csv"), "--queries", str(tmp_path / "q.csv"),
                 "--out", str(out)]) == 2
    assert "文件不存在" in capsys.readouterr().err
    assert not out.exists()
