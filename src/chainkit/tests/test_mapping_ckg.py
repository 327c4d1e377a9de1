"""Accuracy on real data: the ckg 申万 level-3 task (skipped when the data is absent).

Full 5-fold figures come from bench/mapping_cv.py; to keep the suite fast this test
uses one stratified fold (a fifth held out) and runs the README's baseline on the same
split. The issue's goal (top-1 ≥ 0.65, top-5 ≥ 0.90) is not reached yet (5-fold CV
0.559 / 0.842): that check is a strict expected failure that will start passing (and
then fail the run) once a better model reaches it. The improvement reached over the
baseline is asserted for real: on this fold 0.546 / 0.841 against 0.503 / 0.792.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from chainkit.mapping import Mapper, Taxonomy, read_examples

DATA = Path(os.environ.get("LIANZHANG_SHARED_DATA")
            or Path(__file__).resolve().parents[3].parent / "shared" / "data")
CKG = DATA / "ckg"

pytestmark = pytest.mark.skipif(not (CKG / "mapping_dev.csv").exists(),
                                reason=f"ckg data not found under {CKG}")


@pytest.fixture(scope="module")
def one_fold() -> dict[str, float]:
    """Ours and the baseline on the first of five stratified folds."""
    import sys
    sys.path.insert(0, str(Path(__file__).resolve().parents[3] / "bench"))
    from mapping_cv import _hits, baseline_rank, folds_for

    taxonomy = Taxonomy.from_csv(CKG / "mapping_taxonomy.csv")
    examples = read_examples(CKG / "mapping_dev.csv", taxonomy.ids)
    train_idx, test_idx = folds_for([e.label for e in examples], 5)[0]
    train = [examples[i] for i in train_idx]
    test = [examples[i] for i in test_idx]
    preds = Mapper().fit(taxonomy, train).predict([e.record for e in test], top_k=5)
    truth = [e.label for e in test]
    ours = _hits([[link.node_id for link in p.links] for p in preds], truth)
    base = _hits(baseline_rank(train, test), truth)
    n = len(test)
    return {"top1": ours[0] / n, "top5": ours[1] / n, "base1": base[0] / n, "base5": base[1] / n}


def test_it_beats_the_baseline_on_held_out_firms(one_fold):
    assert one_fold["top1"] > one_fold["base1"]
    assert one_fold["top5"] >= one_fold["base5"] - 0.01


def test_it_keeps_the_improvement_reached_over_the_baseline(one_fold):
    # Measured margins are +0.04 (top-1) and +0.05 (top-5); 0.03 leaves room for
    # solver noise while still failing if the name+products block were lost.
    assert one_fold["top1"] >= one_fold["base1"] + 0.03
    assert one_fold["top5"] >= one_fold["base5"] + 0.03


@pytest.mark.xfail(strict=True, reason="goal of issue 4 not reached yet: see docs/bench-mapping.md")
def test_it_reaches_the_issue_goal(one_fold):
    assert one_fold["top1"] >= 0.65 and one_fold["top5"] >= 0.90
