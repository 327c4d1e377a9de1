"""Combiner: one calibrated score per (record, node) from the stages' evidence.

Each candidate node (the model's top few, plus every node a keyword or a code rule
found) gets three numbers: the model's probability, the keyword score and the code
score. A logistic function of them is the final score. Its coefficients are fitted on
held-out training examples when there are enough (so 0.8 means "right about 80% of
the time" on data like the training data); otherwise fixed defaults apply, which
behave like a noisy-or of the evidence.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np
from sklearn.linear_model import LogisticRegression

__all__ = ["Combiner", "NodeScore", "RecordPrediction", "candidate_features"]

# Defaults when nothing can be fitted: strong keyword or model evidence alone lands
# near 0.8, agreement of two stages above 0.9, nothing at all near 0.05.
DEFAULT_COEF = (-3.0, 5.0, 4.5, 3.5)


@dataclass
class NodeScore:
    """One proposed link: node, calibrated score in 0–1 and the evidence behind it.

    `evidence` is JSON-able: {"keywords": [{"keyword", "field", "product", "strength"}],
    "codes": [{"rule", "code", "strength"}], "model": {"probability", "rank", "calibrated"}} with keys
    present only for the stages that contributed."""

    node_id: str
    score: float
    evidence: dict = field(default_factory=dict)


@dataclass
class RecordPrediction:
    """The top-k links proposed for one record, best first."""

    record_id: str
    links: list[NodeScore]


def candidate_features(p_model: float, kw: float, code: float) -> tuple[float, float, float]:
    """The combiner's inputs for one candidate (kept in one place for fit and predict)."""
    return (p_model, kw, code)


class Combiner:
    """Logistic combination of (model probability, keyword score, code score)."""

    def __init__(self, coef: Sequence[float] = DEFAULT_COEF, fitted: bool = False) -> None:
        """`coef` = (bias, model, keyword, code)."""
        self.coef = tuple(float(c) for c in coef)
        self.fitted = fitted

    def fit(self, rows: Sequence[tuple[float, float, float]] | np.ndarray, targets: Sequence[int],
            seed: int = 0) -> Combiner:
        """Fit on candidate rows from held-out examples; keep defaults when a class is
        missing or there are too few rows to trust a fit."""
        y = np.asarray(targets)
        if len(rows) < 30 or y.min() == y.max():
            return self
        x = np.asarray(rows, dtype=np.float64)
        lr = LogisticRegression(C=10.0, random_state=seed, max_iter=1000)
        lr.fit(x, y)
        coef = [float(lr.intercept_[0])] + [float(c) for c in lr.coef_[0]]
        # A stage that saw no signal in the held-out data (all zeros) gets no fitted
        # weight; keep its default so it still counts when it does fire later.
        for j in range(x.shape[1]):
            if not x[:, j].any():
                coef[j + 1] = DEFAULT_COEF[j + 1]
        self.coef = tuple(coef)
        self.fitted = True
        return self

    def score(self, p_model: float, kw: float, code: float) -> float:
        """Calibrated probability that the candidate link is right."""
        b, a_m, a_k, a_c = self.coef
        z = b + a_m * p_model + a_k * kw + a_c * code
        if z >= 0:
            return 1.0 / (1.0 + math.exp(-z))
        e = math.exp(z)
        return e / (1.0 + e)

    def scores(self, x: np.ndarray) -> np.ndarray:
        """`score` for many candidates at once, rows × (model, keyword, code)."""
        b, a_m, a_k, a_c = self.coef
        z = b + x @ np.array([a_m, a_k, a_c], dtype=np.float64)
        # The numerically stable logistic, as in `score`.
        e = np.exp(-np.abs(z))
        return np.where(z >= 0, 1.0 / (1.0 + e), e / (1.0 + e))

    def state(self) -> dict:
        """JSON-able state."""
        return {"coef": list(self.coef), "fitted": self.fitted}

    @classmethod
    def from_state(cls, state: dict) -> Combiner:
        """Inverse of `state`."""
        return cls(state["coef"], state["fitted"])
