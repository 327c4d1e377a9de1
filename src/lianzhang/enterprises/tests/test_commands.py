"""Management commands of the registry: `resolve-names` (a file-to-file wrapper of the
engine, no database) and `load_industry_codes` (the GB/T 4754 table that industry
codes are then checked against)."""

import csv
import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.exceptions import ValidationError
from django.core.management import CommandError, call_command

from lianzhang.enterprises.models import IndustryCode
from lianzhang.enterprises.models.enterprise import validate_industry_code
from lianzhang.enterprises.tests.helpers import zh

SRC = Path(__file__).resolve().parents[3]


def shared_data() -> Path:
    """../shared/data next to the repository, or $LIANZHANG_SHARED_DATA."""
    env = os.environ.get("LIANZHANG_SHARED_DATA")
    return Path(env) if env else SRC.parents[1] / "shared" / "data"


def write(path: Path, header: list[str], rows: list[list[str]]) -> Path:
    with open(path, "w", newline="", encoding="utf-8") as fh:
        writer = csv.writer(fh)
        writer.writerow(header)
        writer.writerows(rows)
    return path


def run_cli(*args: str) -> subprocess.CompletedProcess:
    """`lianzhang resolve-names …` as a user runs it (a separate process)."""
    return subprocess.run([sys.executable, "-m", "lianzhang.cli", "resolve-names", *args],
                          capture_output=True, text=True, cwd=SRC, timeout=120,
                          env={**os.environ, "PYTHONPATH": str(SRC)})


def test_it_resolves_names_from_files(tmp_path):
    reg = write(tmp_path / "reg.csv", ["id", "name", "uscc", "aliases"], [
        ["h1", "青岛海尔股份有限公司", "", "海尔智家"], ["h2", "海信视像科技股份有限公司", "", ""],
        ["h3", "澳柯玛股份有限公司", "", ""]])
    queries = write(tmp_path / "q.csv", ["qid", "name"], [
        ["1", "海尔智家"], ["2", "海信视像"], ["3", "澳柯玛"], ["4", "完全无关的名字"]])
    out = tmp_path / "out.csv"
    done = run_cli("--registry", str(reg), "--queries", str(queries), "--out", str(out))
    assert done.returncode == 0, done.stderr
    with open(out, encoding="utf-8") as fh:
        rows = {r["qid"]: r for r in csv.DictReader(fh)}
    assert [rows[q]["id"] for q in "1234"] == ["h1", "h2", "h3", ""]
    assert float(rows["1"]["score"]) > 0.5


def test_it_reports_bad_input_in_chinese_with_status_2_and_no_output(tmp_path):
    reg = write(tmp_path / "reg.csv", ["id", "name"], [["1", "甲公司"], ["1", "乙公司"]])
    queries = write(tmp_path / "q.csv", ["qid", "name"], [["1", "甲"]])
    out = tmp_path / "out.csv"
    done = run_cli("--registry", str(reg), "--queries", str(queries), "--out", str(out))
    assert done.returncode == 2
    assert "reg.csv 第3行 id：“1”重复" in done.stderr
    assert not out.exists()


def test_it_meets_the_accuracy_goal_on_the_reference_data(tmp_path):
    ckg = shared_data() / "ckg"
    if not (ckg / "companies.csv").exists():
        pytest.skip("reference data (../shared/data/ckg) not available")
    with open(ckg / "companies.csv", encoding="utf-8-sig") as fh:
        reg = write(tmp_path / "reg.csv", ["id", "name"],
                    [[r["code"], r["full_name"]] for r in csv.DictReader(fh)])
    with open(ckg / "resolve_dev_queries.csv", encoding="utf-8-sig") as fh:
        truth = {r["qid"]: r["id"] for r in csv.DictReader(fh)}
    out = tmp_path / "out.csv"
    done = run_cli("--registry", str(reg), "--queries", str(ckg / "resolve_dev_queries.csv"),
                   "--out", str(out), "--quiet")
    assert done.returncode == 0, done.stderr
    with open(out, encoding="utf-8") as fh:
        answers = {r["qid"]: r["id"] for r in csv.DictReader(fh)}
    assert set(answers) == set(truth)
    correct = sum(answers[q] == t for q, t in truth.items())
    assert correct / len(truth) >= 0.95


GBT_HEADER = ["code", "name", "level", "parent_code", "description", "tags"]
GBT_ROWS = [["C", "制造业", "1", "", "◇ 本门类包括13～43大类。", ""],
            ["34", "通用设备制造业", "2", "C", "", ""],
            ["344", "泵、阀门、压缩机及类似机械制造", "3", "34", "", ""],
            ["3442", "气体压缩机械制造", "4", "344", "◇ 指…\n多行说明", ""]]


def test_it_loads_industry_codes_idempotently_and_checks_firms_against_them(db, tmp_path):
    path = write(tmp_path / "gbt.csv", GBT_HEADER, GBT_ROWS)
    validate_industry_code("3499")  # no table loaded: only the format is checked
    call_command("load_industry_codes", str(path))
    call_command("load_industry_codes", str(path))
    assert IndustryCode.objects.count() == 4
    assert IndustryCode.objects.get(code="3442").parent_code == "344"
    validate_industry_code("3442")
    with pytest.raises(ValidationError) as raised:
        validate_industry_code("3499")
    assert zh("“%(code)s” is not in the loaded GB/T 4754-2017 table.", code="3499") in \
        raised.value.messages
    with pytest.raises(ValidationError):
        validate_industry_code("34A2")


def test_it_refuses_a_bad_code_table_and_writes_nothing(db, tmp_path):
    path = write(tmp_path / "bad.csv", GBT_HEADER, [*GBT_ROWS, ["34X", "坏代码", "3", "34", "", ""],
                                                   ["3443", "缺上级", "4", "345", "", ""]])
    with pytest.raises(CommandError) as raised:
        call_command("load_industry_codes", str(path))
    assert "34X" in str(raised.value) and "345" in str(raised.value)
    assert IndustryCode.objects.count() == 0


def test_it_loads_the_real_gbt4754_table(db):
    path = shared_data() / "gbt4754" / "gbt4754_2017.csv"
    if not path.exists():
        pytest.skip("GB/T 4754 table (../shared/data/gbt4754) not available")
    call_command("load_industry_codes", str(path))
    assert IndustryCode.objects.count() > 1900
    validate_industry_code("3442")
