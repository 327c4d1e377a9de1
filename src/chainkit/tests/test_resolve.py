"""Behaviour tests for firm-name normalisation and resolution (chainkit.resolve) and
the `resolve-names` command; plus the accuracy goal on the reference data (skipped
when ../shared/data is absent)."""

import csv
import os
from pathlib import Path

import pytest

from chainkit.cli.resolve import main
from chainkit.resolve import (
    AMBIGUOUS,
    CONFIDENT,
    NONE,
    Candidate,
    Record,
    Resolver,
    classify,
    clean_name,
    core_name,
    name_regions,
    normalize_name,
    strip_market_marks,
)
from chainkit.uscc import make_uscc

USCC_A = make_uscc("91370200MA3C00001")
USCC_B = make_uscc("91370200MA3C00002")

REGISTRY = [
    Record("h1", "青岛海尔股份有限公司", aliases=("海尔智家",)),
    Record("h2", "海信视像科技股份有限公司", uscc=USCC_B, former_names=("青岛海信电器股份有限公司",)),
    Record("h3", "澳柯玛股份有限公司"),
    Record("y1", "深圳市远望谷信息技术股份有限公司"),
    Record("y2", "广东电力发展股份有限公司"),
    Record("y3", "吉林化纤股份有限公司"),
    Record("y4", "南京化纤股份有限公司"),
    Record("a1", "江苏奥赛康药业有限公司"),
    Record("a2", "北京奥赛康药业有限公司"),
    Record("b1", "厦门建霖健康家居股份有限公司"),
]


@pytest.fixture(scope="module")
def resolver() -> Resolver:
    """A resolver over the small hand-made registry."""
    return Resolver(REGISTRY)


def test_it_normalises_regions_forms_and_brackets():
    assert normalize_name("青岛海尔股份有限公司") == "海尔"
    assert core_name("海尔（青岛）股份有限公司") == "海尔"
    assert core_name("山东省青岛市海尔集团") == "海尔"
    assert core_name("保利发展控股集团股份有限公司") == "保利发展"
    assert core_name("恒宇信通航空装备（北京）股份有限公司") == "恒宇信通航空装备"
    assert core_name("某某有限公司青岛分公司") == "某某"
    # never strips down to fewer than two characters
    assert core_name("张家界") == "张家界"
    assert core_name("软控股份有限公司") == "软控"
    assert clean_name("金田实业（集团）股份有限公司") == "金田实业集团股份有限公司"
    assert clean_name("ＴＣＬ科技 集团") == "tcl科技集团"
    assert name_regions("深圳市远望谷信息技术股份有限公司") == {"深圳", "广东"}


def test_it_strips_stock_markers_but_not_latin_names():
    assert strip_market_marks("*st华信") == "华信"
    assert strip_market_marks("万科a") == "万科"
    assert strip_market_marks("锦旅b股") == "锦旅"
    assert strip_market_marks("新都退") == "新都"
    assert strip_market_marks("寒武纪-u") == "寒武纪"
    assert strip_market_marks("tcl科技") == "tcl科技"


def test_it_puts_uscc_first_and_decides_on_it(resolver):
    found = resolver.candidates("青岛海尔", uscc=USCC_B)
    assert found[0].id == "h2" and found[0].score == 1.0
    assert found[0].reasons == ["统一社会信用代码一致"]
    assert resolver.best("青岛海尔", uscc=USCC_B).id == "h2"
    # an unknown USCC falls back to the name
    assert resolver.best("青岛海尔", uscc=USCC_A).id == "h1"


def test_it_matches_exact_normalised_names_former_names_and_aliases(resolver):
    top = resolver.candidates("海尔（青岛）股份有限公司")[0]
    assert top.id == "h1" and "规范化名称一致" in top.reasons
    top = resolver.candidates("青岛海信电器股份有限公司")[0]
    assert top.id == "h2" and "曾用名一致" in top.reasons
    top = resolver.candidates("海尔智家")[0]
    assert top.id == "h1" and "简称一致" in top.reasons
    assert resolver.best("青岛海信电器股份有限公司").status == CONFIDENT


def test_it_resolves_short_names(resolver):
    assert resolver.best("远望谷").id == "y1"
    assert resolver.best("建霖家居").id == "b1"
    decision = resolver.best("粤电力A")      # 粤 = 广东, A = A share
    assert decision.id == "y2"
    assert "地区简称一致" in decision.candidates[0].reasons
    # a region in the query must agree with the firm's
    assert resolver.best("吉林化纤").id == "y3"
    assert resolver.best("南京化纤").id == "y4"


def test_it_abstains_when_ambiguous_and_says_none_when_nothing_fits(resolver):
    decision = resolver.best("奥赛康")
    assert decision.status == AMBIGUOUS and decision.id is None
    assert {c.id for c in decision.candidates[:2]} == {"a1", "a2"}
    decision = resolver.best("量子引力研究所")
    assert decision.status == NONE and decision.id is None
    assert resolver.best("").status == NONE


def test_it_classifies_candidate_lists():
    def cand(i, score):
        """A plain candidate."""
        return Candidate(id=i, score=score, reasons=[])

    assert classify([]) == NONE
    assert classify([cand("a", 0.9), cand("b", 0.05)]) == CONFIDENT
    assert classify([cand("a", 0.48), cand("b", 0.47)]) == AMBIGUOUS
    assert classify([cand("a", 0.05)]) == NONE
    assert classify([cand("a", 0.9), cand("b", 0.05)], accept=0.95) == AMBIGUOUS
    uscc = Candidate(id="a", score=1.0, reasons=["统一社会信用代码一致"])
    assert classify([uscc, cand("b", 0.99)]) == CONFIDENT


def test_it_keeps_scores_in_range_and_limits_candidates(resolver):
    found = resolver.candidates("化纤", limit=3)
    assert 1 <= len(found) <= 3
    assert all(0.0 <= c.score <= 1.0 and c.reasons for c in found)
    assert sum(c.score for c in found) <= 1.0 + 1e-6   # shared with "none of them"


def _write(path: Path, header: list[str], rows: list[list[str]]) -> Path:
    """Write a small UTF-8 CSV for the command-line tests."""
    with open(path, "w", encoding="utf-8", newline="") as fh:
        writer = csv.writer(fh)
        writer.writerow(header)
        writer.writerows(rows)
    return path


def test_it_runs_the_command_line_round_trip(tmp_path, capsys):
    reg = _write(tmp_path / "reg.csv", ["id", "name", "uscc", "aliases"], [
        [r.id, r.name, r.uscc, "|".join(r.aliases)] for r in REGISTRY])
    queries = _write(tmp_path / "q.csv", ["qid", "name"], [
        ["1", "远望谷"], ["2", "奥赛康"], ["3", "海尔智家"], ["4", "澳柯玛"]])
    out = tmp_path / "out.csv"
    assert main(["--registry", str(reg), "--queries", str(queries), "--out", str(out)]) == 0
    with open(out, encoding="utf-8") as fh:
        rows = list(csv.DictReader(fh))
    assert [(r["qid"], r["id"]) for r in rows] == [("1", "y1"), ("2", ""), ("3", "h1"),
                                                    ("4", "h3")]
    assert all(0.0 <= float(r["score"]) <= 1.0 for r in rows)
    assert "确认匹配 3 个" in capsys.readouterr().err


def test_it_reports_bad_input_in_chinese_with_exit_code_2(tmp_path, capsys):
    reg = _write(tmp_path / "reg.csv", ["id", "name"], [["1", "青岛海尔股份有限公司"]])
    queries = _write(tmp_path / "q.csv", ["qid", "name"], [["1", "海尔"]])
    out = tmp_path / "out.csv"

    def run(*args: str) -> str:
        """Run the command expecting exit 2 and no output; return stderr."""
        assert main(list(args) + ["--out", str(out)]) == 2
        assert not out.exists()
        return capsys.readouterr().err

    assert "文件不存在" in run("--registry", str(tmp_path / "none.csv"), "--queries", str(queries))
    no_name = _write(tmp_path / "bad.csv", ["id", "title"], [["1", "x"]])
    assert "缺少必需的列：name" in run("--registry", str(no_name), "--queries", str(queries))
    no_qid = _write(tmp_path / "badq.csv", ["name"], [["海尔"]])
    assert "缺少必需的列：qid" in run("--registry", str(reg), "--queries", str(no_qid))
    dup = _write(tmp_path / "dup.csv", ["id", "name"], [["1", "甲公司"], ["1", "乙公司"]])
    assert "第3行 id" in run("--registry", str(dup), "--queries", str(queries))
    bad_uscc = _write(tmp_path / "uscc.csv", ["id", "name", "uscc"], [["1", "甲公司", "123"]])
    assert "第2行 uscc" in run("--registry", str(bad_uscc), "--queries", str(queries))
    assert "--accept" in run("--registry", str(reg), "--queries", str(queries), "--accept", "2")


def _shared_data() -> Path:
    """../shared/data from the repository root, or $LIANZHANG_SHARED_DATA."""
    env = os.environ.get("LIANZHANG_SHARED_DATA")
    return Path(env) if env else Path(__file__).resolve().parents[3].parent / "shared" / "data"


def test_it_meets_the_accuracy_goal_on_the_reference_short_names():
    root = _shared_data() / "ckg"
    if not (root / "companies.csv").exists() or not (root / "resolve_dev_queries.csv").exists():
        pytest.skip("reference data (../shared/data/ckg) not available")
    with open(root / "companies.csv", encoding="utf-8-sig") as fh:
        records = [Record(r["code"], r["full_name"]) for r in csv.DictReader(fh)]
    with open(root / "resolve_dev_queries.csv", encoding="utf-8-sig") as fh:
        queries = [(r["name"], r["id"]) for r in csv.DictReader(fh)]
    resolver = Resolver(records)   # code + full name only: no short names given
    answers = [(resolver.best(name).id, truth) for name, truth in queries]
    answered = [(a, t) for a, t in answers if a is not None]
    correct = sum(a == t for a, t in answered)
    accuracy, abstention = correct / len(queries), 1 - len(answered) / len(queries)
    precision = correct / len(answered)
    assert accuracy >= 0.95, accuracy
    assert abstention <= 0.03, abstention
    assert precision >= 0.98, precision
