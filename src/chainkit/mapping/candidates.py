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
from .keywords import KeywordHit, KeywordIndex
from .records import Record

__all__ = ["Candidates", "RuleHits", "build_candidates", "evidence_of", "rule_hits",
           "top_k_rows"]

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
              codes: CodeRules | None) -> list[RuleHits]:
    """Run the rule stages (keywords, code rules) on every record of a batch."""
    out: list[RuleHits] = []
    for rec in records:
        kw = keywords.match(rec) if keywords is not None else {}
        hits = codes.match(rec.industry_code) if codes and rec.industry_code else []
        out.append((kw, hits))
    return out


def build_candidates(n_records: int, n_nodes: int, probs: np.ndarray | None,
                     classes: np.ndarray | None, n_model: int,
                     rules: list[RuleHits]) -> Candidates:
    """Merge the model's top `n_model` nodes per record with the rule stages' nodes."""
    col_of = np.full(n_nodes, -1, dtype=np.int64)
    parts_r, parts_n, parts_rank, parts_kw, parts_code = [], [], [], [], []
    if probs is not None and probs.shape[1]:
        assert classes is not None
        col_of[classes] = np.arange(len(classes))
        m = min(n_model, probs.shape[1])
        top = np.argpartition(-probs, m - 1, axis=1)[:, :m]
        # Rank within the top m by probability, ties by column (as a stable sort would).
        vals = np.take_along_axis(probs, top, axis=1)
        order = np.lexsort((top, -vals), axis=1)
        top = np.take_along_axis(top, order, axis=1)
        parts_r.append(np.repeat(np.arange(n_records), m))
        parts_n.append(classes[top].ravel())
        parts_rank.append(np.tile(np.arange(1, m + 1), n_records))
        parts_kw.append(np.zeros(n_records * m))
        parts_code.append(np.zeros(n_records * m))
    rr, rn, rk, rc = [], [], [], []
    for r, (kw, hits) in enumerate(rules):
        for node, (score, _) in kw.items():
            rr.append(r)
            rn.append(node)
            rk.append(score)
            rc.append(0.0)
        for hit in hits:
            rr.append(r)
            rn.append(hit.node)
            rk.append(0.0)
            rc.append(hit.score)
    if rr:
        parts_r.append(np.asarray(rr, dtype=np.int64))
        parts_n.append(np.asarray(rn, dtype=np.int64))
        parts_rank.append(np.zeros(len(rr), dtype=np.int64))
        parts_kw.append(np.asarray(rk, dtype=np.float64))
        parts_code.append(np.asarray(rc, dtype=np.float64))
    if not parts_r:
        empty = np.zeros(0, dtype=np.int64)
        return Candidates(empty, empty, np.zeros(0), empty, np.zeros(0), np.zeros(0),
                          np.zeros(0, dtype=bool), rules)
    rec = np.concatenate(parts_r)
    node = np.concatenate(parts_n).astype(np.int64)
    # One row per (record, node): several sources of the same pair keep the maximum of
    # each column (a node is at most once among the model's rows and once per rule).
    key, inverse = np.unique(rec * n_nodes + node, return_inverse=True)
    merged = []
    for part in (parts_rank, parts_kw, parts_code):
        values = np.concatenate(part)
        out = np.zeros(len(key), dtype=values.dtype)
        np.maximum.at(out, inverse, values)
        merged.append(out)
    rec, node = key // n_nodes, key % n_nodes
    col = col_of[node]
    known = col >= 0
    p_model = np.zeros(len(key))
    if probs is not None and known.any():
        p_model[known] = probs[rec[known], col[known]]
    return Candidates(rec, node, p_model, merged[0], merged[1], merged[2], known, rules)


def top_k_rows(record: np.ndarray, node: np.ndarray, score: np.ndarray,
               k: int) -> np.ndarray:
    """Indices of each record's `k` best rows, best first (ties by node index), in
    record order."""
    order = np.lexsort((node, -score, record))
    rec_sorted = record[order]
    first = np.searchsorted(rec_sorted, rec_sorted, side="left")
    position = np.arange(len(order)) - first
    return order[position < k]


def evidence_of(cands: Candidates, row: int, probability: float) -> dict:
    """The JSON-able evidence of one returned link (see `NodeScore.evidence`)."""
    node = int(cands.node[row])
    kw, hits = cands.rules[int(cands.record[row])]
    ev: dict = {}
    if cands.known[row]:  # the model scores this node, whichever stage proposed it
        rank = int(cands.rank[row])
        ev["model"] = {"probability": round(probability, 4), "rank": rank or None}
    found = kw.get(node)
    if found is not None:
        ev["keywords"] = [{"keyword": h.keyword, "field": h.field, "product": h.product,
                           "strength": h.strength} for h in found[1]]
    if hits and cands.code[row] > 0:
        ev["codes"] = [{"rule": h.rule, "code": h.code, "strength": h.score}
                       for h in hits if h.node == node]
    return ev
