"""Candidate links of a batch as flat arrays, scored and cut to top-k without per-candidate
Python work.

A record's candidates are the model's top few nodes plus every node a keyword or a code
rule found. Each becomes one row (record, node, model probability, model rank, keyword
score, code score). The model's rows are built with array operations; only the rule
stages, which are per record by nature, add rows from Python. The combiner scores all
rows at once and the top-k per record come from one lexsort, so evidence dictionaries
are built only for the links that are returned (≈ 5 per record, not ≈ 15).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from .codes import CodeHit, CodeRules
from .combine import NodeScore
from .keywords import KeywordHit, KeywordIndex
from .records import Record
from .textnorm import NormalizedFields

__all__ = ["Candidates", "RuleHits", "build_candidates", "links_of", "model_top",
           "rounded", "rule_hits", "top_k_rows"]

# Per record: node → (keyword score, hits) and the code rules that fired.
RuleHits = tuple[dict[int, tuple[float, list[KeywordHit]]], list[CodeHit]]


@dataclass
class Candidates:
    """Flat candidate rows of a batch, sorted by (record, node), one row per pair.

    `rank` is the node's rank among the model's top candidates (0 = not among them);
    `known` says whether the model scores the node at all."""

    record: np.ndarray
    node: np.ndarray
    p_model: np.ndarray
    rank: np.ndarray
    kw: np.ndarray
    code: np.ndarray
    known: np.ndarray
    rules: list[RuleHits]

    def features(self) -> np.ndarray:
        """The combiner's inputs, rows × (model probability, keyword score, code score)."""
        return np.column_stack([self.p_model, self.kw, self.code])


def rule_hits(records: Sequence[Record], keywords: KeywordIndex | None,
              codes: CodeRules | None, fields: NormalizedFields | None = None) -> list[RuleHits]:
    """Run the rule stages (keywords, code rules) on every record of a batch (`fields`:
    the batch's normalised fields, when the caller has them)."""
    kws = (keywords.match_many(records, fields) if keywords is not None
           else [{} for _ in records])
    if not codes:
        return [(kw, []) for kw in kws]
    return [(kw, codes.match(rec.industry_code) if rec.industry_code else [])
            for kw, rec in zip(kws, records, strict=True)]


def model_top(margins: np.ndarray, temperature: float, n_model: int,
              chunk: int = 64) -> tuple[np.ndarray, np.ndarray]:
    """Softmax probabilities of the margins (records × classes, float64) and each
    record's `n_model` most probable columns, best first, ties by column.

    The same arithmetic as `model.softmax` on a float64 copy, done a block of rows at
    a time so that each block stays in cache through the six passes and the top-m
    selection (the whole matrix is ≈ 20 MB per 2,000 records)."""
    n, width = margins.shape
    m = min(n_model, width)
    probs = np.empty((n, width), dtype=np.float64)
    top = np.empty((n, m), dtype=np.int64)
    t = max(temperature, 1e-6)
    for a in range(0, n, chunk):
        z = probs[a:a + chunk]
        np.divide(margins[a:a + chunk], t, out=z, dtype=np.float64)
        z -= z.max(axis=1, keepdims=True)
        np.exp(z, out=z)
        z /= z.sum(axis=1, keepdims=True)
        part = np.argpartition(-z, m - 1, axis=1)[:, :m]
        # Rank within the top m by probability, ties by column (as a stable sort would).
        vals = np.take_along_axis(z, part, axis=1)
        order = np.lexsort((part, -vals), axis=1)
        top[a:a + chunk] = np.take_along_axis(part, order, axis=1)
    return probs, top


def build_candidates(n_records: int, n_nodes: int, probs: np.ndarray | None,
                     classes: np.ndarray | None, top: np.ndarray | None,
                     rules: list[RuleHits]) -> Candidates:
    """Merge the model's `top` columns per record (from `model_top`) with the rule
    stages' nodes."""
    col_of = np.full(n_nodes, -1, dtype=np.int64)
    parts_r, parts_n = [], []
    n_top = 0
    if probs is not None and probs.shape[1]:
        assert classes is not None and top is not None
        col_of[classes] = np.arange(len(classes))
        m = top.shape[1]
        n_top = n_records * m
        parts_r.append(np.repeat(np.arange(n_records), m))
        parts_n.append(classes[top].ravel())
    kw_rows = [(r, node, found[0]) for r, (kw, _) in enumerate(rules) for node, found in kw.items()]
    code_rows = [(r, h.node, h.score) for r, (_, hits) in enumerate(rules) for h in hits]
    for rows in (kw_rows, code_rows):
        if rows:
            r_, n_, _ = zip(*rows, strict=True)
            parts_r.append(np.asarray(r_, dtype=np.int64))
            parts_n.append(np.asarray(n_, dtype=np.int64))
    if not parts_r:
        empty = np.zeros(0, dtype=np.int64)
        return Candidates(empty, empty, np.zeros(0), empty, np.zeros(0), np.zeros(0),
                          np.zeros(0, dtype=bool), rules)
    rec = np.concatenate(parts_r)
    node = np.concatenate(parts_n).astype(np.int64)
    # One row per (record, node). A pair occurs at most once per source (the model's
    # top columns are distinct, keyword results are keyed by node, a code rule keeps
    # one hit per node), so each source's column is filled by plain assignment.
    key, inverse = np.unique(rec * n_nodes + node, return_inverse=True)
    rank = np.zeros(len(key), dtype=np.int64)
    kw_score = np.zeros(len(key))
    code_score = np.zeros(len(key))
    if n_top:
        rank[inverse[:n_top]] = np.tile(np.arange(1, m + 1), n_records)
    done = n_top
    for rows, out in ((kw_rows, kw_score), (code_rows, code_score)):
        if rows:
            out[inverse[done:done + len(rows)]] = [row[2] for row in rows]
            done += len(rows)
    rec, node = key // n_nodes, key % n_nodes
    col = col_of[node]
    known = col >= 0
    p_model = np.zeros(len(key))
    if probs is not None and known.any():
        p_model[known] = probs[rec[known], col[known]]
    return Candidates(rec, node, p_model, rank, kw_score, code_score, known, rules)


def top_k_rows(record: np.ndarray, node: np.ndarray, score: np.ndarray,
               k: int) -> np.ndarray:
    """Indices of each record's `k` best rows, best first (ties by node index), in
    record order."""
    order = np.lexsort((node, -score, record))
    rec_sorted = record[order]
    first = np.searchsorted(rec_sorted, rec_sorted, side="left")
    position = np.arange(len(order)) - first
    return order[position < k]


def rounded(values: np.ndarray, digits: int = 4) -> list[float]:
    """`[round(v, digits) for v in values]`, the same floats, without a Python call each.

    Python's `round` is correctly rounded (≈ 0.4 µs a call, two per returned link).
    `np.round` scales, rounds to an integer and divides back; the integer is right
    unless the scaled value lies within rounding error of a half, and then the division
    gives the nearest double to the decimal, as `round` does. The rare values near a
    half go through `round` itself."""
    x = np.asarray(values, dtype=np.float64)
    scaled = x * 10.0 ** digits
    out = np.round(scaled) / 10.0 ** digits
    with np.errstate(invalid="ignore"):  # inf and nan are sent to `round` below
        near_half = np.abs(np.abs(scaled - np.floor(scaled)) - 0.5) < 1e-6
    near_half |= ~np.isfinite(scaled) | (np.abs(scaled) > 2.0**52)
    result = out.tolist()
    for i in np.flatnonzero(near_half).tolist():
        result[i] = round(float(x[i]), digits)
    return result


def links_of(cands: Candidates, chosen: np.ndarray, scores: np.ndarray,
             ids: Sequence[str], calibrated: bool = False) -> list[list[NodeScore]]:
    """Each record's returned links with their JSON-able evidence (`NodeScore.evidence`),
    from the `chosen` rows (record order, best first). `calibrated` says whether the
    model's probabilities were calibrated on confirmed links (see `Mapper.calibrated`).

    One pass over plain Python lists: indexing NumPy arrays element by element costs
    more than building the dictionaries, so every column is converted once."""
    links: list[list[NodeScore]] = [[] for _ in cands.rules]
    rules = cands.rules
    columns = (cands.record[chosen].tolist(), cands.node[chosen].tolist(),
               rounded(scores[chosen]), rounded(cands.p_model[chosen]),
               cands.known[chosen].tolist(), cands.rank[chosen].tolist(),
               (cands.code[chosen] > 0).tolist())
    for r, node, score, p, known, rank, by_code in zip(*columns, strict=True):
        kw, hits = rules[r]
        ev: dict = {}
        if known:  # the model scores this node, whichever stage proposed it
            ev["model"] = {"probability": p, "rank": rank or None, "calibrated": calibrated}
        found = kw.get(node)
        if found is not None:
            ev["keywords"] = [{"keyword": k, "field": f, "product": prod, "strength": st}
                              for k, f, prod, st in found[1]]
        if by_code and hits:
            ev["codes"] = [{"rule": h.rule, "code": h.code, "strength": h.score}
                           for h in hits if h.node == node]
        links[r].append(NodeScore(ids[node], score, ev))
    return links
