"""Real-data goal: the evaluation command on the listed-firm task (../shared/data/ckg).

Relevance (the data folder's README): firms listing the query product, a 产品小类
descendant (depth ≤ 2) or a product ending in the query. The command gets only the
pool and the queries; the relevant column is read here, not by the command.
Skips when the data folder is absent.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from chainkit.cli.recommend import main
from chainkit.recommend.evaluate import evaluate, read_qrels, read_run

DATA = Path(os.environ.get("LIANZHANG_SHARED_DATA")
            or Path(__file__).resolve().parents[3].parent / "shared" / "data") / "ckg"
POOL = DATA / "recommend_pool.csv"
QUERIES = DATA / "recommend_dev_queries.csv"

pytestmark = pytest.mark.skipif(not (POOL.exists() and QUERIES.exists()),
                                reason=f"reference data absent: {DATA}")


def test_it_meets_the_goal_on_the_dev_queries(tmp_path):
    out = tmp_path / "r.csv"
    assert main(["--pool", str(POOL), "--queries", str(QUERIES), "--top-k", "50",
                 "--out", str(out), "--quiet"]) == 0
    qrels = read_qrels(QUERIES)
    got = evaluate(read_run(out), qrels)
    assert got["queries"] == len(qrels) > 2000
    assert got["map"] >= 0.93, got
    assert got["ndcg@10"] >= 0.95, got
