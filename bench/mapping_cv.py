"""Cross-validated accuracy of chainkit.mapping on the ckg 申万 task, vs the baseline.

Task: predict a listed firm's 申万 level-3 industry from its full name and main
products (../shared/data/ckg/mapping_taxonomy.csv + mapping_dev.csv). The baseline is
the one the data README quotes: character 1–3-gram TF-IDF + LinearSVC on name +
products. Both run on the same stratified folds in the same process.

    .venv/bin/python bench/mapping_cv.py [--folds 5] [--data DIR] [--set key=value ...]
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from collections import Counter
from pathlib import Path

import numpy as np
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.model_selection import StratifiedKFold
from sklearn.svm import LinearSVC

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "src"))

from chainkit.mapping import Mapper, MapperConfig, Taxonomy, read_examples

__all__ = ["cross_validate", "folds_for", "main"]


def default_data_dir() -> Path:
    """../shared/data from the repo root, overridable by LIANZHANG_SHARED_DATA."""
    env = os.environ.get("LIANZHANG_SHARED_DATA")
    return Path(env) if env else Path(__file__).resolve().parents[1].parent / "shared" / "data"


def folds_for(labels: list[str], n_folds: int, seed: int = 0) -> list[tuple[np.ndarray, np.ndarray]]:
    """Stratified-ish folds: classes with fewer examples than folds share one stratum."""
    counts = Counter(labels)
    strata = [lab if counts[lab] >= n_folds else "_rare" for lab in labels]
    skf = StratifiedKFold(n_folds, shuffle=True, random_state=seed)
    return list(skf.split(np.zeros(len(labels)), strata))


def _hits(ranked: list[list[str]], truth: list[str]) -> tuple[int, int]:
    """(top-1 hits, top-5 hits)."""
    t1 = sum(1 for r, t in zip(ranked, truth, strict=True) if r and r[0] == t)
    t5 = sum(1 for r, t in zip(ranked, truth, strict=True) if t in r[:5])
    return t1, t5


def baseline_rank(train, test) -> list[list[str]]:
    """The README's baseline: char 1–3-gram TF-IDF + LinearSVC on name + products."""
    def doc(ex):
        return ex.record.name + " " + " ".join(ex.record.products)
    vec = TfidfVectorizer(analyzer="char", ngram_range=(1, 3), sublinear_tf=True)
    x = vec.fit_transform([doc(e) for e in train])
    svm = LinearSVC(random_state=0).fit(x, [e.label for e in train])
    scores = svm.decision_function(vec.transform([doc(e) for e in test]))
    top = np.argsort(-scores, axis=1)[:, :5]
    return [list(svm.classes_[row]) for row in top]


def cross_validate(taxonomy: Taxonomy, examples, n_folds: int = 5, config: MapperConfig | None = None,
                   with_baseline: bool = True, seed: int = 0) -> dict[str, float]:
    """Top-1/top-5 accuracy of the Mapper (and the baseline) over the folds."""
    labels = [e.label for e in examples]
    totals = Counter()
    t0 = time.perf_counter()
    for train_idx, test_idx in folds_for(labels, n_folds, seed):
        train = [examples[i] for i in train_idx]
        test = [examples[i] for i in test_idx]
        mapper = Mapper(config or MapperConfig()).fit(taxonomy, train)
        preds = mapper.predict([e.record for e in test], top_k=5)
        ranked = [[link.node_id for link in p.links] for p in preds]
        t1, t5 = _hits(ranked, [e.label for e in test])
        totals["ours1"] += t1
        totals["ours5"] += t5
        if with_baseline:
            b1, b5 = _hits(baseline_rank(train, test), [e.label for e in test])
            totals["base1"] += b1
            totals["base5"] += b5
    n = len(examples)
    out = {k: v / n for k, v in totals.items()}
    out["seconds"] = time.perf_counter() - t0
    return out


def main(argv: list[str] | None = None) -> int:
    """Print the CV figures and the ratios against the baseline."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--folds", type=int, default=5)
    parser.add_argument("--data", type=Path, default=default_data_dir())
    parser.add_argument("--no-baseline", action="store_true")
    parser.add_argument("--set", action="append", default=[], metavar="KEY=VALUE",
                        help="override a MapperConfig field (numbers/bools parsed)")
    args = parser.parse_args(argv)
    ckg = args.data / "ckg"
    if not (ckg / "mapping_dev.csv").exists():
        print(f"data not found under {ckg}; nothing to do")
        return 0
    config = MapperConfig()
    for item in args.set:
        key, value = item.split("=", 1)
        current = getattr(config, key)
        setattr(config, key, (value.lower() in ("1", "true", "yes")) if isinstance(current, bool)
                else type(current)(value))
    taxonomy = Taxonomy.from_csv(ckg / "mapping_taxonomy.csv")
    examples = read_examples(ckg / "mapping_dev.csv", taxonomy.ids)
    res = cross_validate(taxonomy, examples, args.folds, config, not args.no_baseline)
    print(f"examples={len(examples)} folds={args.folds} overrides={args.set}")
    print(f"ours     top-1 {res['ours1']:.4f}  top-5 {res['ours5']:.4f}")
    if "base1" in res:
        print(f"baseline top-1 {res['base1']:.4f}  top-5 {res['base5']:.4f}")
        print(f"ratio    top-1 {res['ours1'] / res['base1']:.3f}x  top-5 {res['ours5'] / res['base5']:.3f}x")
    print(f"time {res['seconds']:.1f} s")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
