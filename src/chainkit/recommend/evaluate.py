"""Ranking metrics, a results-file scorer and the character TF-IDF baseline.

Metrics follow trec_eval conventions over a cut-off run (top-k results per query):
AP = Σ precision@i over relevant hits / number of relevant firms (all of them, even
when more than k), MAP = mean AP over queries; nDCG@10 with binary gains and
1/log2(rank+1) discounts. A query with no results scores 0.
"""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path

import numpy as np

from ..csvio import read_csv
from ..text import normalize, split_list
from .model import Firm

__all__ = ["TfidfBaseline", "average_precision", "evaluate", "ndcg_at_k", "read_qrels",
           "read_run"]


def average_precision(ranked: Sequence[str], relevant: set[str] | frozenset[str]) -> float:
    """Average precision of `ranked` ids against the `relevant` set."""
    if not relevant:
        return 0.0
    hits, total = 0, 0.0
    for i, fid in enumerate(ranked, start=1):
        if fid in relevant:
            hits += 1
            total += hits / i
    return total / len(relevant)


def ndcg_at_k(ranked: Sequence[str], relevant: set[str] | frozenset[str], k: int = 10) -> float:
    """nDCG@k with binary relevance."""
    if not relevant:
        return 0.0
    dcg = sum(1.0 / math.log2(i + 2) for i, fid in enumerate(ranked[:k]) if fid in relevant)
    ideal = sum(1.0 / math.log2(i + 2) for i in range(min(k, len(relevant))))
    return dcg / ideal


def evaluate(run: Mapping[str, Sequence[str]], qrels: Mapping[str, set[str]],
             k: int = 10) -> dict[str, float]:
    """MAP and nDCG@k of a run (qid → ranked ids) over every query in `qrels`."""
    aps = [average_precision(run.get(q, ()), rel) for q, rel in qrels.items()]
    nd = [ndcg_at_k(run.get(q, ()), rel, k) for q, rel in qrels.items()]
    n = max(1, len(qrels))
    return {"map": sum(aps) / n, f"ndcg@{k}": sum(nd) / n, "queries": len(qrels)}


def read_qrels(path: str | Path) -> dict[str, set[str]]:
    """qid → relevant ids from a queries file with a `relevant` column (`|`-separated)."""
    return {r["qid"]: set(split_list(r["relevant"]))
            for r in read_csv(path, required=("qid", "relevant"))}


def read_run(path: str | Path) -> dict[str, list[str]]:
    """qid → ids in rank order from an R.csv (qid,rank,id,score)."""
    rows = read_csv(path, required=("qid", "rank", "id"))
    run: dict[str, list[tuple[int, str]]] = defaultdict(list)
    for r in rows:
        run[r["qid"]].append((int(r["rank"]), r["id"]))
    return {q: [fid for _, fid in sorted(v)] for q, v in run.items()}


class TfidfBaseline:
    """Baseline ranker: character 1–3-gram TF-IDF over distinct products; a firm's score is
    its best product's cosine similarity to the query (no share, no structure)."""

    def __init__(self, firms: Iterable[Firm]) -> None:
        """Fit the vectoriser on the pool's distinct normalised products."""
        from scipy import sparse
        from sklearn.feature_extraction.text import TfidfVectorizer

        firms = list(firms)
        self.ids = [f.id for f in firms]
        vocab: dict[str, int] = {}
        rows, cols = [], []
        for j, firm in enumerate(firms):
            for p in dict.fromkeys(normalize(p) for p in firm.products):
                if p:
                    rows.append(j)
                    cols.append(vocab.setdefault(p, len(vocab)))
        self._vec = TfidfVectorizer(analyzer="char", ngram_range=(1, 3))
        self._x = self._vec.fit_transform(list(vocab))
        # firm × product incidence, CSR by firm: best product per firm = row max.
        self._m = sparse.csr_matrix((np.ones(len(rows)), (rows, cols)),
                                    shape=(len(firms), len(vocab)))

    def rank(self, query: str, top_k: int = 50) -> list[str]:
        """Top-k firm ids for `query` (firms with zero similarity are left out)."""
        sim = (self._x @ self._vec.transform([normalize(query)]).T).toarray().ravel()
        scored = self._m.multiply(sim[None, :]).tocsr()
        best = np.asarray(scored.max(axis=1).todense()).ravel()
        order = np.lexsort((np.arange(len(best)), -best))[:top_k]
        return [self.ids[i] for i in order if best[i] > 0]
