"""Behaviour of chainkit.mapping's stages and the Mapper facade on a hand-made taxonomy."""

from __future__ import annotations

import pytest

from chainkit.errors import InputError
from chainkit.mapping import (
    Example,
    Mapper,
    MapperConfig,
    MappingCancelled,
    Record,
    Taxonomy,
    parse_records,
)
from chainkit.mapping.codes import CodeRules, normalize_code
from chainkit.mapping.keywords import KeywordIndex

ROWS = [
    {"node_id": "A", "parent_id": "", "name": "智能家电", "keywords": ""},
    {"node_id": "A1", "parent_id": "A", "name": "压缩机", "keywords": "压缩机|compressor",
     "negative_keywords": "压缩机维修", "industry_codes": "344"},
    {"node_id": "A11", "parent_id": "A1", "name": "空调压缩机", "keywords": "空调压缩机"},
    {"node_id": "A2", "parent_id": "A", "name": "电机", "keywords": "电机|马达",
     "negative_keywords": "电机维修|修理", "industry_codes": "3813"},
    {"node_id": "A3", "parent_id": "A", "name": "显示面板", "keywords": "液晶面板|显示屏",
     "industry_codes": "C"},
]


def taxonomy(rows=ROWS) -> Taxonomy:
    """The hand-made taxonomy."""
    return Taxonomy.from_rows(rows)


def rec(rid="r1", name="", text="", products=(), weights=(), code="") -> Record:
    """A record with defaults."""
    return Record(id=rid, name=name, text=text, industry_code=code, products=tuple(products),
                  weights=tuple(weights) or tuple([None] * len(products)))


def kw_nodes(index: KeywordIndex, tax: Taxonomy, record: Record) -> dict[str, tuple]:
    """Node id → (score, hits) from the keyword stage."""
    return {tax.nodes[n].node_id: v for n, v in index.match(record).items()}


# --- taxonomy -------------------------------------------------------------------------
def test_it_builds_a_taxonomy_with_hierarchy_and_fingerprint():
    tax = taxonomy()
    assert tax.ancestors("A11") == ["A1", "A"]
    assert tax.is_leaf("A11") and not tax.is_leaf("A1")
    assert tax.fingerprint() == taxonomy().fingerprint()
    changed = [dict(r) for r in ROWS]
    changed[1]["keywords"] = "压缩机"
    assert Taxonomy.from_rows(changed).fingerprint() != tax.fingerprint()


@pytest.mark.parametrize(("edit", "message"), [
    (lambda rows: rows.append(dict(rows[1])), "节点编号重复：A1"),
    (lambda rows: rows[2].update(parent_id="ZZ"), "节点 A11 的上级节点 ZZ 不存在"),
    (lambda rows: rows[0].update(parent_id="A11"), "循环"),
    (lambda rows: rows[3].update(keywords="电机||马达"), "节点 A2 的 keywords 含有空关键词"),
    (lambda rows: rows[3].update(keywords="电机|"), "节点 A2"),
    (lambda rows: rows[3].update(industry_codes="38x"), "行业代码"),
])
def test_it_refuses_a_bad_taxonomy_naming_the_node(edit, message):
    rows = [dict(r) for r in ROWS]
    edit(rows)
    with pytest.raises(InputError, match=message):
        Taxonomy.from_rows(rows)


def test_it_names_every_node_of_a_cycle():
    rows = [dict(r) for r in ROWS]
    rows[0]["parent_id"] = "A11"
    with pytest.raises(InputError) as err:
        Taxonomy.from_rows(rows)
    assert all(n in str(err.value) for n in ("A", "A1", "A11"))


# --- records --------------------------------------------------------------------------
def test_it_parses_records_and_refuses_bad_weights():
    base = {"id": "1", "name": "甲", "text": "", "products": "压缩机|电机",
            "weights": "0.6|0.4", "industry_code": ""}
    [r] = parse_records([base])
    assert r.products == ("压缩机", "电机") and r.weights == (0.6, 0.4)
    with pytest.raises(InputError, match="第2行 weights: 权重个数（3）与产品个数（2）不一致"):
        parse_records([dict(base, weights="0.5|0.3|0.2")])
    with pytest.raises(InputError, match="第2行 weights: 权重“abc”不是数字"):
        parse_records([dict(base, weights="abc|0.4")])
    with pytest.raises(InputError, match="第3行 id: 记录编号重复"):
        parse_records([base, base])


# --- keyword stage --------------------------------------------------------------------
def test_it_lets_the_longest_match_win_over_its_substrings():
    tax = taxonomy()
    index = KeywordIndex(tax)
    hits = kw_nodes(index, tax, rec(products=["空调压缩机"]))
    assert "A11" in hits and "A1" not in hits
    # The short keyword still counts where it stands alone.
    hits = kw_nodes(index, tax, rec(products=["空调压缩机", "冰箱压缩机"]))
    assert {"A11", "A1"} <= set(hits)
    assert [h.product for h in hits["A1"][1]] == ["冰箱压缩机"]


def test_it_lets_negative_keywords_veto_a_node_in_the_same_field_only():
    tax = taxonomy()
    index = KeywordIndex(tax)
    assert "A2" not in kw_nodes(index, tax, rec(text="电机修理及销售"))
    assert "A1" not in kw_nodes(index, tax, rec(text="压缩机维修服务"))
    hits = kw_nodes(index, tax, rec(text="电机修理", products=["微型电机"]))
    assert [h.field for h in hits["A2"][1]] == ["products"]


def test_it_weights_fields_products_over_scope_over_name():
    tax = taxonomy()
    index = KeywordIndex(tax)
    by_field = {f: kw_nodes(index, tax, r)["A2"][0] for f, r in [
        ("products", rec(products=["电机"])), ("text", rec(text="生产电机")),
        ("name", rec(name="某某电机有限公司"))]}
    assert by_field["products"] > by_field["text"] > by_field["name"] > 0
    # A minor product (small revenue share) counts less than the main one.
    main = kw_nodes(index, tax, rec(products=["电机", "显示屏"], weights=[0.9, 0.1]))
    assert main["A2"][0] > main["A3"][0]


def test_it_matches_normalised_text_and_reports_evidence():
    tax = taxonomy()
    index = KeywordIndex(tax)
    score, hits = kw_nodes(index, tax, rec(text="生产ＣＯＭＰＲＥＳＳＯＲ整机"))["A1"]
    assert hits[0].keyword == "compressor" and hits[0].field == "text" and 0 < score < 1


# --- code rules -----------------------------------------------------------------------
def test_it_matches_code_rules_by_prefix_up_the_hierarchy():
    tax = taxonomy()
    rules = CodeRules(tax)
    assert normalize_code("C3442") == "3442" == normalize_code(" c 3442 ")
    hits = {tax.nodes[h.node].node_id: h for h in rules.match("C3442")}
    assert hits["A1"].rule == "344" and hits["A3"].rule == "C"
    assert hits["A1"].score > hits["A3"].score  # the more specific rule is stronger
    assert {tax.nodes[h.node].node_id for h in rules.match("3813")} == {"A2", "A3"}
    assert rules.match("5131") == [] and rules.match("") == [] and rules.match("xx") == []


# --- the Mapper -----------------------------------------------------------------------
def examples() -> list[Example]:
    """Confirmed links whose text has no keyword: only the model can learn them."""
    out = []
    for i in range(12):
        out.append(Example(rec(f"p{i}", name=f"华冷{i}机械", products=["冷媒泵体", "涡旋组件"]), "A1"))
        out.append(Example(rec(f"m{i}", name=f"驱动{i}科技", products=["定子绕组", "转子铁芯"]), "A2"))
        out.append(Example(rec(f"d{i}", name=f"光显{i}电子", products=["背光模组", "偏光片"]), "A3"))
    return out


def test_it_maps_with_each_stage_and_shows_evidence():
    tax = taxonomy()
    records = [rec("k", products=["空调压缩机"]), rec("c", code="C3813"),
               rec("m", name="新驱动科技", products=["定子绕组"])]
    only_kw = Mapper(MapperConfig(use_codes=False, use_model=False)).fit(tax)
    assert only_kw.predict(records[:1])[0].links[0].node_id == "A11"
    only_code = Mapper(MapperConfig(use_keywords=False, use_model=False)).fit(tax)
    assert only_code.predict(records[1:2])[0].links[0].node_id == "A2"
    full = Mapper(MapperConfig(calibrate=False)).fit(tax, examples())
    kw, code, model = full.predict(records, top_k=3)
    top = kw.links[0]
    assert top.node_id == "A11" and 0 < top.score <= 1
    assert top.evidence["keywords"] == [
        {"keyword": "空调压缩机", "field": "products", "product": "空调压缩机", "strength": 0.9}]
    assert code.links[0].node_id == "A2"
    assert code.links[0].evidence["codes"] == [{"rule": "3813", "code": "3813", "strength": 0.85}]
    assert model.links[0].node_id == "A2"
    assert model.links[0].evidence["model"]["rank"] == 1
    # Fitted without calibration (and, below, with too few confirmed links to calibrate
    # on): the evidence says the probability is not one to read.
    assert model.links[0].evidence["model"]["calibrated"] is False
    assert not Mapper().fit(tax, examples()).calibrated
    assert [link.score for link in model.links] == sorted((link.score for link in model.links),
                                                         reverse=True)


def test_it_marks_model_probabilities_calibrated_only_when_they_were(tmp_path):
    many = examples() + [Example(rec(f"{ex.record.id}b", name=ex.record.name + "二厂",
                                     products=list(ex.record.products)), ex.label)
                         for ex in examples()]
    mapper = Mapper().fit(taxonomy(), many)  # 72 confirmed links: a fifth calibrates
    assert mapper.calibrated
    mapper.save(tmp_path / "m.npz")
    loaded = Mapper.load(tmp_path / "m.npz", taxonomy=taxonomy())
    [pred] = loaded.predict([rec("q", name="驱动九科技", products=["定子绕组"])])
    assert loaded.calibrated and pred.links[0].evidence["model"]["calibrated"] is True


def test_it_is_deterministic_and_survives_save_and_load(tmp_path):
    tax = taxonomy()
    records = [rec("x", name="光显电子", products=["偏光片", "电机"], weights=[0.7, 0.3]),
               rec("y", text="压缩机及配件", code="3442")]
    a = Mapper().fit(tax, examples()).predict(records)
    b_mapper = Mapper().fit(tax, examples())
    assert b_mapper.predict(records) == a
    b_mapper.save(tmp_path / "m.npz")
    loaded = Mapper.load(tmp_path / "m.npz", taxonomy=taxonomy())
    assert loaded.predict(records) == a


def test_it_refuses_a_model_trained_on_another_taxonomy(tmp_path):
    Mapper().fit(taxonomy(), examples()).save(tmp_path / "m.npz")
    other = [dict(r) for r in ROWS]
    other[3]["keywords"] = "电机|马达|电动机"
    with pytest.raises(InputError, match="另一套分类体系"):
        Mapper.load(tmp_path / "m.npz", taxonomy=Taxonomy.from_rows(other))
    (tmp_path / "junk.npz").write_bytes(b"not a model")
    with pytest.raises(InputError, match="无法读取模型文件"):
        Mapper.load(tmp_path / "junk.npz")


def test_it_stops_on_request_without_a_partial_result():
    mapper = Mapper(MapperConfig(batch_size=2, use_model=False)).fit(taxonomy())
    records = [rec(f"r{i}", products=["电机"]) for i in range(7)]
    seen = []
    done = mapper.predict(records, progress=lambda d, t: seen.append((d, t)))
    assert len(done) == 7 and seen == [(2, 7), (4, 7), (6, 7), (7, 7)]
    seen.clear()
    with pytest.raises(MappingCancelled):
        mapper.predict(records, progress=lambda d, t: seen.append(d),
                       should_stop=lambda: len(seen) >= 2)
    assert seen == [2, 4]


def test_it_learns_from_rejected_links():
    tax = taxonomy()
    target = rec("t", name="光显电子", products=["背光模组", "偏光片"])
    base = Mapper(MapperConfig(calibrate=False)).fit(tax, examples())
    before = {n.node_id: n.score for n in base.predict([target])[0].links}
    rejected = examples() + [Example(rec("rej", name="光显电子", products=["背光模组", "偏光片"]),
                                     "A3", positive=False)]
    after = {n.node_id: n.score for n in
             Mapper(MapperConfig(calibrate=False)).fit(tax, rejected).predict([target])[0].links}
    assert after.get("A3", 0) < before["A3"]


def test_it_refuses_labels_outside_the_taxonomy():
    with pytest.raises(InputError, match="不在分类体系中"):
        Mapper().fit(taxonomy(), [Example(rec(), "NOPE")])


def test_its_fast_paths_match_the_reference_implementations():
    import random

    import numpy as np

    from chainkit.mapping.ngrams import CodeTable
    from chainkit.mapping.textnorm import fast_normalize
    from chainkit.text import normalize

    rng = random.Random(0)
    pool = list("【】〔〕［］「」《》[]（）ＡＢab C\t\n空调压缩机ｆｕｌｌ") + [chr(0x4E00 + i) for i in range(30)]
    for _ in range(2000):
        text = "".join(rng.choice(pool) for _ in range(rng.randint(0, 25)))
        assert fast_normalize(text) == normalize(text)
    gen = np.random.default_rng(0)
    vocab = np.unique(gen.integers(0, 2**50, 5000))
    queries = np.concatenate([vocab, gen.integers(0, 2**50, 5000)])
    ref = np.searchsorted(vocab, queries).clip(max=len(vocab) - 1)
    ref = np.where(vocab[ref] == queries, ref, -1)
    assert (CodeTable(vocab).lookup(queries) == ref).all()
