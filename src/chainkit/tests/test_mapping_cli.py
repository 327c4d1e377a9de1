"""`lianzhang-map` train/predict on temporary CSV files, good and bad input."""

from __future__ import annotations

import csv

import pytest

from chainkit.cli.map import main

TAXONOMY = """node_id,parent_id,name,keywords,negative_keywords,industry_codes
A,,智能家电,,,
A1,A,压缩机,压缩机|compressor,压缩机维修,344
A2,A,电机,电机|马达,,3813
A3,A,显示面板,液晶面板|显示屏,,397
"""
HEADER = "id,name,text,products,weights,industry_code"


def write(path, text: str, encoding: str = "utf-8"):
    """Write a text file and return its path."""
    path.write_text(text, encoding=encoding)
    return path


def examples_csv() -> str:
    """Labelled examples: three clear groups."""
    lines = [HEADER + ",label"]
    for i in range(20):
        lines.append(f"p{i},华冷{i}机械,生产涡旋组件,冷媒泵体|涡旋组件,0.7|0.3,,A1")
        lines.append(f"m{i},驱动{i}科技,生产转子铁芯,定子绕组|转子铁芯,,,A2")
        lines.append(f"d{i},光显{i}电子,生产背光模组,背光模组|偏光片,,C3974,A3")
    return "\n".join(lines) + "\n"


RECORDS = HEADER + """
r1,新驱动科技,,定子绕组,,
r2,某公司,生产空调压缩机,,,
r3,,,,,C3974
r4,空记录,,,,
"""


@pytest.fixture
def files(tmp_path):
    """Taxonomy, examples and records on disk."""
    return {"tax": write(tmp_path / "t.csv", TAXONOMY),
            "ex": write(tmp_path / "e.csv", examples_csv(), "gb18030"),
            "rec": write(tmp_path / "r.csv", RECORDS),
            "model": tmp_path / "m.npz", "out": tmp_path / "p.csv"}


def train(f, taxonomy=None, examples=None) -> int:
    """Run `train`."""
    return main(["train", "--taxonomy", str(taxonomy or f["tax"]),
                 "--examples", str(examples or f["ex"]), "--model", str(f["model"])])


def predict(f, records=None, top_k="5") -> int:
    """Run `predict`."""
    return main(["predict", "--model", str(f["model"]), "--records", str(records or f["rec"]),
                 "--top-k", top_k, "--out", str(f["out"])])


def test_it_round_trips_train_and_predict(files):
    assert train(files) == 0 and files["model"].exists()
    assert predict(files, top_k="2") == 0
    with open(files["out"], encoding="utf-8") as fh:
        rows = list(csv.DictReader(fh))
    assert list(rows[0]) == ["id", "rank", "node_id", "score"]
    top = {r["id"]: r["node_id"] for r in rows if r["rank"] == "1"}
    assert top == {"r1": "A2", "r2": "A1", "r3": "A3", "r4": top["r4"]}
    assert all(0 <= float(r["score"]) <= 1 for r in rows)
    assert sum(r["id"] == "r1" for r in rows) == 2


@pytest.mark.parametrize(("taxonomy", "message"), [
    (TAXONOMY + "A1,A,重复,,,\n", "节点编号重复：A1"),
    (TAXONOMY + "B1,ZZ,孤儿,,,\n", "节点 B1 的上级节点 ZZ 不存在"),
    (TAXONOMY.replace("A,,智能家电", "A,A3,智能家电"), "循环"),
    (TAXONOMY.replace("电机|马达", "电机||马达"), "节点 A2 的 keywords 含有空关键词"),
    ("node_id,name,keywords\nA,家电,\n", "缺少必需的列：parent_id"),
])
def test_it_refuses_a_bad_taxonomy_and_writes_no_model(files, taxonomy, message, capsys):
    assert train(files, taxonomy=write(files["tax"], taxonomy)) == 2
    assert message in capsys.readouterr().err
    assert not files["model"].exists()


@pytest.mark.parametrize(("row", "message"), [
    ("x,甲,,电机|马达,0.5,,A2", "第62行 weights: 权重个数（1）与产品个数（2）不一致"),
    ("x,甲,,电机|马达,0.5|abc,,A2", "第62行 weights: 权重“abc”不是数字"),
    ("x,甲,,电机,,,NOPE", "第62行 label: 节点 NOPE 不在分类体系中"),
])
def test_it_refuses_bad_examples_and_writes_no_model(files, row, message, capsys):
    assert train(files, examples=write(files["ex"], examples_csv() + row + "\n")) == 2
    assert message in capsys.readouterr().err
    assert not files["model"].exists()


@pytest.mark.parametrize(("records", "message"), [
    ("id,name,products\nr1,甲,电机\n", "缺少必需的列：text, weights, industry_code"),
    (HEADER + "\nr1,甲,,电机|马达,0.1|0.2|0.3,\n", "第2行 weights: 权重个数（3）与产品个数（2）不一致"),
    (HEADER + "\nr1,甲,,电机,x,\n", "第2行 weights: 权重“x”不是数字"),
])
def test_it_refuses_bad_records_and_writes_no_output(files, records, message, capsys):
    assert train(files) == 0
    assert predict(files, records=write(files["rec"], records)) == 2
    assert message in capsys.readouterr().err
    assert not files["out"].exists()
    assert [p.name for p in files["out"].parent.iterdir() if p.name.startswith(".tmp")] == []


def test_it_refuses_a_model_from_another_taxonomy(files, capsys, tmp_path):
    assert train(files) == 0
    other = write(tmp_path / "t2.csv", TAXONOMY.replace("电机|马达", "电机"))
    code = main(["predict", "--model", str(files["model"]), "--records", str(files["rec"]),
                 "--out", str(files["out"]), "--taxonomy", str(other)])
    assert code == 2 and "另一套分类体系" in capsys.readouterr().err
    assert not files["out"].exists()


def test_it_reports_missing_files_and_bad_arguments(files, capsys):
    assert predict(files) == 2 and "模型文件不存在" in capsys.readouterr().err
    assert train(files) == 0
    assert predict(files, top_k="0") == 2 and "--top-k" in capsys.readouterr().err
    assert main(["predict", "--model", str(files["model"])]) == 2
    assert "参数错误" in capsys.readouterr().err
    assert not files["out"].exists()
