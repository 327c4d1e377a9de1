"""Benchmark (and refit) firm-name resolution — a script, not a test.

    .venv/bin/python bench/resolve_bench.py            # accuracy + scaling
    .venv/bin/python bench/resolve_bench.py --fit      # refit weights/thresholds (5-fold CV)
    .venv/bin/python bench/resolve_bench.py --skip-scale / --sizes 30000,100000

Accuracy task (reference data, development part only): queries are the short names in
ckg/resolve_dev_queries.csv, the registry is code + full_name of every firm in
ckg/companies.csv (short names are NOT given to the registry). Ours (`Resolver.best`)
and the baseline (rapidfuzz `ratio` best match on raw names) run in the same process.

Scaling: synthetic registries of 30k/100k/300k firm names generated from a fixed
seed; queries are short forms and perturbations of registry names. Prints index
build time and queries/s, single-threaded.
"""

from __future__ import annotations

import argparse
import csv
import os
import random
import sys
import time
from pathlib import Path

import numpy as np
from rapidfuzz import fuzz, process

from chainkit.resolve import Record, Resolver
from chainkit.resolve.regions import REGION_NAMES
from chainkit.resolve.scoring import FEATURES

__all__ = ["data_dir", "load_dev", "evaluate_ours", "evaluate_baseline", "synthetic_firms",
           "synthetic_names",
           "synthetic_queries", "scale", "fit", "main"]

EXACT, EXACT_CORE = FEATURES.index("exact"), FEATURES.index("exact_core")


def data_dir() -> Path:
    """The shared reference data folder (../shared/data or $LIANZHANG_SHARED_DATA)."""
    env = os.environ.get("LIANZHANG_SHARED_DATA")
    return Path(env) if env else Path(__file__).resolve().parents[1].parent / "shared" / "data"


def load_dev(root: Path) -> tuple[list[Record], list[tuple[str, str]]]:
    """Registry records (code + full name only) and (short name, code) dev queries."""
    with open(root / "ckg" / "companies.csv", encoding="utf-8-sig") as fh:
        records = [Record(r["code"], r["full_name"]) for r in csv.DictReader(fh)]
    with open(root / "ckg" / "resolve_dev_queries.csv", encoding="utf-8-sig") as fh:
        queries = [(r["name"], r["id"]) for r in csv.DictReader(fh)]
    return records, queries


def _metrics(predicted: list[str | None], truth: list[str]) -> dict[str, float]:
    """Accuracy (over all), abstention rate and precision (over answered)."""
    answered = [(p, t) for p, t in zip(predicted, truth, strict=True) if p is not None]
    correct = sum(p == t for p, t in answered)
    return {"accuracy": correct / len(truth), "abstention": 1 - len(answered) / len(truth),
            "precision": correct / len(answered) if answered else 0.0}


def evaluate_ours(records: list[Record], queries: list[tuple[str, str]]) -> dict[str, float]:
    """Dev metrics of `Resolver.best` with its default thresholds, plus timings."""
    start = time.perf_counter()
    resolver = Resolver(records)
    built = time.perf_counter() - start
    start = time.perf_counter()
    predicted = [resolver.best(name).id for name, _ in queries]
    elapsed = time.perf_counter() - start
    out = _metrics(predicted, [t for _, t in queries])
    out.update(build_s=built, qps=len(queries) / elapsed)
    return out


def evaluate_baseline(records: list[Record], queries: list[tuple[str, str]]) -> dict[str, float]:
    """Dev metrics of the baseline: rapidfuzz `ratio` best match on raw names."""
    names = [r.name for r in records]
    start = time.perf_counter()
    predicted = []
    for name, _ in queries:
        hit = process.extractOne(name, names, scorer=fuzz.ratio)
        predicted.append(records[hit[2]].id if hit else None)
    elapsed = time.perf_counter() - start
    out = _metrics(predicted, [t for _, t in queries])
    out.update(qps=len(queries) / elapsed)
    return out


# --- synthetic registries -------------------------------------------------------------

_BRAND = ("华海天中金新恒泰瑞宏隆鑫盛达兴永安康福源通和正信德昌明光辉博远东南西北"
          "科创佳嘉力凯宇航星晨阳峰润泽云龙凤鹏腾飞祥合益汇丰成鼎晟优睿智尚锦绣万"
          "顺利利邦立诚方圆美联众诺捷迅威雄豪宝利贝爱普罗斯特亿华开元")
_INDUSTRY = ("科技", "电子", "机械", "新材料", "生物医药", "智能装备", "食品", "化工", "环保",
             "信息技术", "精密制造", "能源", "物流", "建材", "纺织", "汽车零部件", "电气",
             "光电", "软件", "医疗器械", "家电", "半导体", "包装", "农业", "橡胶", "模具",
             "仪器仪表", "新能源", "船舶", "供应链", "照明", "储能", "数控", "检测")
_FORMS = ("有限公司", "股份有限公司", "集团有限公司", "有限责任公司", "科技有限公司")


def synthetic_firms(n: int, seed: int = 20240201) -> list[tuple[str, str, str, str]]:
    """`n` distinct plausible firms as (region, brand, industry, legal form):
    2–3 brand characters, a region (with or without 市) on 80% of them. Deterministic
    for a seed."""
    rng = random.Random(seed)
    regions = [r for r in REGION_NAMES if len(r) >= 2]
    seen: set[str] = set()
    out: list[tuple[str, str, str, str]] = []
    while len(out) < n:
        brand = "".join(rng.choice(_BRAND) for _ in range(rng.choice((2, 2, 3))))
        region = rng.choice(regions) + rng.choice(("", "市", "")) if rng.random() < 0.8 else ""
        firm = (region, brand, rng.choice(_INDUSTRY), rng.choice(_FORMS))
        if "".join(firm) not in seen:
            seen.add("".join(firm))
            out.append(firm)
    return out


def synthetic_names(n: int, seed: int = 20240201) -> list[str]:
    """The names of `synthetic_firms(n, seed)`."""
    return ["".join(firm) for firm in synthetic_firms(n, seed)]


def synthetic_queries(firms: list[tuple[str, str, str, str]], count: int, seed: int = 7
                      ) -> list[tuple[str, int]]:
    """(query, registry index) pairs: half short names (brand + first two characters of
    the industry, no region or form), a quarter bracketed-region rewrites
    (某某科技(青岛)有限公司), a quarter full names with one character replaced."""
    rng = random.Random(seed)
    out = []
    for idx in rng.sample(range(len(firms)), count):
        region, brand, industry, form = firms[idx]
        kind = rng.random()
        if kind < 0.5:
            query = brand + industry[:2]
        elif kind < 0.75 and region:
            query = f"{brand}{industry}({region.removesuffix('市')}){form}"
        else:
            name = "".join(firms[idx])
            pos = rng.randrange(len(name))
            query = name[:pos] + rng.choice(_BRAND) + name[pos + 1:]
        out.append((query, idx))
    return out


def scale(sizes: list[int], queries: int = 2000) -> list[dict[str, float]]:
    """Index build time and query throughput for synthetic registries of each size."""
    rows = []
    for size in sizes:
        firms = synthetic_firms(size)
        records = [Record(str(i), "".join(firm)) for i, firm in enumerate(firms)]
        start = time.perf_counter()
        resolver = Resolver(records)
        built = time.perf_counter() - start
        pairs = synthetic_queries(firms, min(queries, size))
        start = time.perf_counter()
        decided = [resolver.best(q) for q, _ in pairs]
        elapsed = time.perf_counter() - start
        answered = [(d.id, str(i)) for d, (_, i) in zip(decided, pairs, strict=True) if d.id]
        rows.append({"size": size, "build_s": built, "qps": len(pairs) / elapsed,
                     "answered": len(answered) / len(pairs),
                     "precision": sum(a == b for a, b in answered) / max(len(answered), 1)})
        print(f"  {size:>7,} names: build {built:6.1f} s, {rows[-1]['qps']:7.0f} queries/s, "
              f"answered {rows[-1]['answered']:.3f}, precision {rows[-1]['precision']:.3f}",
              flush=True)
    return rows


# --- refitting the scorer -------------------------------------------------------------
# The scorer is a conditional logit: for one query, P(candidate i) = exp(zᵢ) /
# (exp(z₀) + Σⱼ exp(zⱼ)) with zᵢ = w·featuresᵢ and z₀ the "none of them" logit. It is
# fitted by maximum likelihood (L2-penalised) over the pooled candidates of each dev
# query, which is exactly the probability `Resolver.candidates` reports.

Group = tuple[np.ndarray, np.ndarray, np.ndarray]   # features, is-true, is-exact


def _fit_clogit(groups: list[Group], penalty: float = 0.01) -> np.ndarray:
    """Weights (len(FEATURES)) followed by z₀, maximising the softmax likelihood."""
    from scipy.optimize import minimize

    x = np.vstack([g[0] for g in groups])
    y = np.concatenate([g[1] for g in groups]).astype(float)
    seg = np.repeat(np.arange(len(groups)), [len(g[0]) for g in groups])
    found = np.array([g[1].any() for g in groups])
    dim = x.shape[1]

    def loss(w: np.ndarray) -> tuple[float, np.ndarray]:
        """Negative log-likelihood plus penalty, and its gradient."""
        z, z0 = x @ w[:dim], w[dim]
        top = np.full(len(groups), z0)
        np.maximum.at(top, seg, z)
        e = np.exp(z - top[seg])
        total = np.bincount(seg, e, minlength=len(groups)) + np.exp(z0 - top)
        lse = top + np.log(total)
        z_true = np.where(found, np.bincount(seg, z * y, minlength=len(groups)), z0)
        value = -(z_true - lse).sum() + penalty * w[:dim] @ w[:dim]
        grad = x.T @ (e / total[seg] - y) + 2 * penalty * w[:dim]
        grad0 = (np.exp(z0 - top) / total - ~found).sum()
        return value, np.r_[grad, grad0]

    return minimize(loss, np.zeros(dim + 1), jac=True, method="L-BFGS-B").x


def _summaries(groups: list[Group], w: np.ndarray) -> tuple[np.ndarray, ...]:
    """Per query: top logit (exact matches first, as `Resolver` orders), best other
    logit, log-sum-exp of all logits, and whether the top one is right."""
    n = len(groups)
    top, other, lse = np.full(n, -50.0), np.full(n, -50.0), np.full(n, -50.0)
    right = np.zeros(n, dtype=bool)
    for i, (x, labels, exact) in enumerate(groups):
        if not len(x):
            continue
        z = x @ w[: x.shape[1]]
        first = np.lexsort((-z, ~exact))[0]
        top[i], right[i], lse[i] = z[first], labels[first], np.logaddexp.reduce(z)
        other[i] = np.delete(z, first).max() if len(z) > 1 else -50.0
    return top, other, lse, right


def _decide(summary: tuple[np.ndarray, ...], z0: float, accept: float, margin: float
            ) -> tuple[np.ndarray, np.ndarray]:
    """(answered, correct) per query under the `classify` rule."""
    top, other, lse, right = summary
    denominator = np.logaddexp(lse, z0)
    p_top, p_other = np.exp(top - denominator), np.exp(other - denominator)
    answered = (p_top >= accept) & (p_top - p_other >= margin)
    return answered, answered & right


def _choose(summary: tuple[np.ndarray, ...], z0: float, max_abstain: float = 0.027,
            min_precision: float = 0.982) -> tuple[float, float]:
    """(accept, margin) maximising accuracy with abstention ≤ max_abstain and
    precision ≥ min_precision — a little inside the goal (3%, 0.98) to leave room
    for held-out variation. When nothing is feasible: the most precise rule that
    abstains on ≤ 3%."""
    feasible: list[tuple[float, float, float]] = []
    fallback: list[tuple[float, float, float]] = []
    for accept in np.arange(0.2, 0.951, 0.05):
        for margin in np.arange(0.0, 0.31, 0.05):
            answered, correct = _decide(summary, z0, accept, margin)
            abstain = 1 - answered.mean()
            precision = correct.sum() / max(answered.sum(), 1)
            rule = (round(float(accept), 2), round(float(margin), 2))
            if abstain <= max_abstain and precision >= min_precision:
                feasible.append((correct.mean(), *rule))
            elif abstain <= 0.03:
                fallback.append((precision, *rule))
    best = max(feasible or fallback or [(0.0, 0.5, 0.1)])
    return best[1], best[2]


def _out_of_fold(groups: list[Group], folds: int) -> tuple[list[np.ndarray], list[float]]:
    """Out-of-fold weight vectors (one per query's fold) from `folds`-fold CV."""
    fold_of = np.arange(len(groups)) % folds
    weights = [_fit_clogit([g for g, f in zip(groups, fold_of, strict=True) if f != k])
               for k in range(folds)]
    return [weights[f] for f in fold_of], [float(w[-1]) for w in weights]


def _summaries_oof(groups: list[Group], per_query: list[np.ndarray]) -> tuple[np.ndarray, ...]:
    """`_summaries` with each query scored by its own (out-of-fold) weights."""
    parts = [_summaries([g], w) for g, w in zip(groups, per_query, strict=True)]
    return tuple(np.concatenate([p[k] for p in parts]) for k in range(4))


def fit(records: list[Record], queries: list[tuple[str, str]], folds: int = 5) -> None:
    """Refit weights and thresholds; print nested-CV dev metrics (thresholds chosen by
    an inner CV on the training folds only) and the constants to ship."""
    resolver = Resolver(records)
    groups: list[Group] = []
    for name, truth in queries:
        pooled = resolver.pool_features(name)
        x = np.asarray([v for _, v in pooled], dtype=float).reshape(len(pooled), len(FEATURES))
        labels = np.asarray([i == truth for i, _ in pooled], dtype=bool)
        groups.append((x, labels, (x[:, EXACT] > 0) | (x[:, EXACT_CORE] > 0)))
    fold_of = np.arange(len(groups)) % folds
    answered, correct = np.zeros(len(groups), bool), np.zeros(len(groups), bool)
    for k in range(folds):
        train = [g for g, f in zip(groups, fold_of, strict=True) if f != k]
        test_idx = np.flatnonzero(fold_of == k)
        inner, z0s = _out_of_fold(train, folds - 1)
        w = _fit_clogit(train)
        accept, margin = _choose(_summaries_oof(train, inner), float(w[-1]))
        a, c = _decide(_summaries([groups[i] for i in test_idx], w), float(w[-1]), accept,
                       margin)
        answered[test_idx], correct[test_idx] = a, c
        print(f"  fold {k}: accept {accept}, margin {margin}: accuracy {c.mean():.4f}, "
              f"abstention {1 - a.mean():.4f}", flush=True)
    print(f"nested {folds}-fold CV: accuracy {correct.mean():.4f}, abstention "
          f"{1 - answered.mean():.4f}, precision {correct.sum() / max(answered.sum(), 1):.4f}")
    per_query, _ = _out_of_fold(groups, folds)
    w = _fit_clogit(groups)
    accept, margin = _choose(_summaries_oof(groups, per_query), float(w[-1]))
    print("WEIGHTS =", tuple(round(float(v), 3) for v in w[:-1]))
    print(f"NONE_LOGIT = {w[-1]:.3f}\nDEFAULT_ACCEPT = {accept}\nDEFAULT_MARGIN = {margin}")


def main(argv: list[str] | None = None) -> int:
    """Run the benchmark (or the refit with --fit) and print the figures."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--fit", action="store_true", help="refit weights and thresholds")
    parser.add_argument("--skip-scale", action="store_true")
    parser.add_argument("--sizes", default="30000,100000,300000")
    args = parser.parse_args(argv)
    root = data_dir()
    if (root / "ckg" / "companies.csv").exists():
        records, queries = load_dev(root)
        if args.fit:
            fit(records, queries)
            return 0
        print(f"dev: {len(queries)} short-name queries against {len(records)} full names")
        for label, res in (("ours", evaluate_ours(records, queries)),
                           ("baseline (rapidfuzz ratio, raw names)",
                            evaluate_baseline(records, queries))):
            print(f"  {label}: accuracy {res['accuracy']:.4f}, abstention "
                  f"{res['abstention']:.4f}, precision {res['precision']:.4f}, "
                  f"{res['qps']:.0f} queries/s", flush=True)
    else:
        print(f"reference data not found under {root}; skipping the accuracy part")
    if not args.skip_scale:
        print("synthetic registries (single thread):")
        scale([int(s) for s in args.sizes.split(",")])
    return 0


if __name__ == "__main__":
    sys.exit(main())
