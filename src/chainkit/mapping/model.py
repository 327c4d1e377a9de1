"""Learned stage: a linear model over field-aware n-grams, trained on confirmed links.

* Training data: confirmed links (positives), plus every node's own name and keywords
  as weak examples, so a node nobody has confirmed yet can still be predicted.
* Hierarchy: a second model learns the parents of the labels; a leaf's score gets its
  parent's score added, so siblings share evidence and rare leaves borrow from it. Both
  are linear, so the parent is folded into the leaf weights at training time.
* Rejected links: kept as feature rows; a new record very similar to one rejected for a
  node is penalised on that node (the review queue's "no" is remembered, not ignored).
* Speed and size: the weight matrix is pruned to its largest entries and kept sparse,
  so scoring a million records against 1,500 nodes is a sparse product, not a dense one.
"""

from __future__ import annotations

import warnings
from collections.abc import Sequence

import numpy as np
import scipy.sparse as sp
from sklearn.svm import LinearSVC

from .features import Featurizer
from .ngrams import sparse_dot_dense
from .records import Example, Record
from .taxonomy import Taxonomy
from .textnorm import NormalizedFields

__all__ = ["LinearNodeModel", "softmax"]


def softmax(scores: np.ndarray, temperature: float) -> np.ndarray:
    """Row-wise softmax of margins divided by a temperature (fitted for calibration)."""
    z = scores / max(temperature, 1e-6)
    z = z - z.max(axis=1, keepdims=True)
    np.exp(z, out=z)
    z /= z.sum(axis=1, keepdims=True)
    return z


class _Linear:
    """A one-vs-rest linear scorer kept as a pruned sparse matrix (features × classes)."""

    def __init__(self, weights: sp.csr_matrix, intercept: np.ndarray, classes: np.ndarray):
        """Wrap fitted weights; `classes` are taxonomy node indices."""
        self.weights = weights
        self.intercept = intercept.astype(np.float32)
        self.classes = classes.astype(np.int64)

    @staticmethod
    def fit_dense(x: sp.csr_matrix, y: np.ndarray, sample_weight: np.ndarray, c: float,
                  seed: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """Fit LinearSVC (liblinear, single-threaded, seeded): (features × classes
        weights, intercepts, classes), unpruned so a parent can be folded in first."""
        classes = np.unique(y)
        if len(classes) < 2:  # one class: nothing to separate; constant score
            return (np.zeros((x.shape[1], 1), np.float32), np.zeros(1, np.float32), classes)
        svm = LinearSVC(C=c, random_state=seed, max_iter=2000)
        with warnings.catch_warnings():
            # With few confirmed links most classes have one example (a node's name):
            # scikit-learn then guesses "regression problem?", which is wrong here.
            warnings.filterwarnings("ignore", message="The number of unique classes",
                                    category=UserWarning)
            svm.fit(x, y, sample_weight=sample_weight)
        coef = np.asarray(svm.coef_, dtype=np.float32)
        intercept = np.asarray(svm.intercept_, dtype=np.float32)
        if len(classes) == 2:  # liblinear returns one row for two classes
            coef = np.vstack([-coef, coef])
            intercept = np.concatenate([-intercept, intercept])
        return np.ascontiguousarray(coef.T), intercept, classes

    @classmethod
    def pruned(cls, coef: np.ndarray, intercept: np.ndarray, classes: np.ndarray,
               max_weights: int) -> _Linear:
        """Keep the `max_weights` largest weights: small ones move scores little but cost
        memory and time on every record. Ties at the threshold are kept (deterministic)."""
        if coef.size > max_weights:
            flat = np.abs(coef).ravel()
            cut = np.partition(flat, coef.size - max_weights)[coef.size - max_weights]
            coef = np.where(np.abs(coef) >= cut, coef, np.float32(0.0))
        return cls(sp.csr_matrix(coef), intercept, classes)

    def decision(self, x: sp.csr_matrix) -> np.ndarray:
        """Margins, records × classes (the product comes out dense, so it is written
        into a dense array directly: see `ngrams.sparse_dot_dense`)."""
        out = sparse_dot_dense(x, self.weights)
        out += self.intercept
        return out


class LinearNodeModel:
    """Node scores from record text; see the module docstring for the design."""

    def __init__(self, c: float = 0.5, taxonomy_weight: float = 0.5, parent_weight: float = 0.3,
                 negative_penalty: float = 1.0, max_weights: int = 5_000_000,
                 featurizer: Featurizer | None = None) -> None:
        """Hyper-parameters: SVM C, weight of the taxonomy's weak examples, weight of the
        parent's score in a child's, strength of the rejected-link penalty."""
        self.c = c
        self.taxonomy_weight = taxonomy_weight
        self.parent_weight = parent_weight
        self.negative_penalty = negative_penalty
        self.max_weights = max_weights
        self.featurizer = featurizer or Featurizer()
        self.n_nodes = 0
        self.leaf: _Linear | None = None
        self.parent: _Linear | None = None
        self.parent_of = np.zeros(0, dtype=np.int64)
        self.negative_rows = sp.csr_matrix((0, 0), dtype=np.float32)
        self.negative_nodes = np.zeros(0, dtype=np.int64)

    # --- training ---------------------------------------------------------------------
    def fit(self, taxonomy: Taxonomy, examples: Sequence[Example], seed: int = 0) -> LinearNodeModel:
        """Train on the positive examples (+ weak taxonomy examples); remember negatives."""
        self.n_nodes = len(taxonomy)
        self.parent_of = np.array(
            [taxonomy.index(n.parent_id) if n.parent_id is not None else -1
             for n in taxonomy.nodes], dtype=np.int64)
        records: list[Record] = []
        labels: list[int] = []
        weights: list[float] = []
        for ex in examples:
            if ex.positive:
                records.append(ex.record)
                labels.append(taxonomy.index(ex.label))
                weights.append(1.0)
        if self.taxonomy_weight > 0:
            for i, node in enumerate(taxonomy.nodes):
                # Leaves always; inner nodes only when someone gave them keywords.
                if taxonomy.is_leaf(node.node_id) or node.keywords:
                    records.append(Record(id=f"node:{node.node_id}", name="",
                                          products=(node.name, *node.keywords)))
                    labels.append(i)
                    weights.append(self.taxonomy_weight)
        if not records:
            self.leaf = None
            return self
        y = np.asarray(labels, dtype=np.int64)
        # liblinear holds a dense float64 classes × features matrix while training:
        # cap the features so that it stays near half a gigabyte whatever the taxonomy.
        per_field = max(10_000, 60_000_000 // max(1, len(np.unique(y))) // 3)
        self.featurizer.fit(records, per_field)
        x = self.featurizer.transform(records)
        w = np.asarray(weights, dtype=np.float64)
        self.parent = None
        coef, intercept, classes = _Linear.fit_dense(x, y, w, self.c, seed)
        if self.parent_weight > 0:
            py = self.parent_of[y]
            keep = py >= 0
            if keep.sum() and len(np.unique(py[keep])) >= 2:
                # Scores are linear, so the parent's contribution can be folded into
                # each leaf's weights once here (W_leaf + pw·W_parent): prediction then
                # needs one sparse product instead of two plus a column gather.
                pcoef, pint, pclasses = _Linear.fit_dense(x[keep], py[keep], w[keep],
                                                          self.c, seed)
                col = {int(p): i for i, p in enumerate(pclasses)}
                idx = np.array([col.get(int(p), -1) for p in self.parent_of[classes]])
                has = np.flatnonzero(idx >= 0)
                pw = np.float32(self.parent_weight)
                coef[:, has] += pw * pcoef[:, idx[has]]
                intercept[has] += pw * pint[idx[has]]
                del pcoef
        self.leaf = _Linear.pruned(coef, intercept, classes, self.max_weights)
        del coef
        negatives = [ex for ex in examples if not ex.positive]
        if negatives:
            self.negative_rows = self.featurizer.transform([ex.record for ex in negatives])
            self.negative_nodes = np.array([taxonomy.index(ex.label) for ex in negatives])
        return self

    # --- scoring ----------------------------------------------------------------------
    @property
    def classes(self) -> np.ndarray:
        """Node indices the model can score (others get no model score)."""
        return self.leaf.classes if self.leaf is not None else np.zeros(0, dtype=np.int64)

    def decision(self, records: Sequence[Record],
                 fields: NormalizedFields | None = None) -> np.ndarray:
        """Margins, records × `classes`, with the parent's margin mixed in and the
        rejected-link penalty applied. `fields`: the batch normalised by the caller."""
        if self.leaf is None:
            return np.zeros((len(records), 0), dtype=np.float32)
        x = self.featurizer.transform(records, fields)
        scores = self.leaf.decision(x)
        if self.parent is not None:  # model files from before the parent was folded in
            pscores = self.parent.decision(x)
            col = {int(c): i for i, c in enumerate(self.parent.classes)}
            idx = np.array([col.get(int(p), -1) for p in self.parent_of[self.leaf.classes]])
            has = idx >= 0
            scores[:, has] += self.parent_weight * pscores[:, idx[has]]
        if self.negative_nodes.size and self.negative_penalty > 0:
            self._penalise(x, scores)
        return scores

    def _penalise(self, x: sp.csr_matrix, scores: np.ndarray) -> None:
        """Lower a node's margin by penalty × cosine similarity (above 0.5) to the most
        similar record a reviewer rejected for that node."""
        sims = (x @ self.negative_rows.T).toarray()
        col = {int(c): i for i, c in enumerate(self.leaf.classes)}
        for j, node in enumerate(self.negative_nodes):
            i = col.get(int(node))
            if i is None:
                continue
            s = sims[:, j]
            hit = s > 0.5
            scores[hit, i] -= self.negative_penalty * s[hit] * 2

    # --- persistence --------------------------------------------------------------------
    def state(self) -> tuple[dict, dict[str, np.ndarray]]:
        """JSON-able settings plus arrays (no pickle)."""
        fmeta, arrays = self.featurizer.state()
        meta = {"c": self.c, "taxonomy_weight": self.taxonomy_weight,
                "parent_weight": self.parent_weight, "negative_penalty": self.negative_penalty,
                "max_weights": self.max_weights, "n_nodes": self.n_nodes,
                "featurizer": fmeta, "has_leaf": self.leaf is not None,
                "has_parent": self.parent is not None}
        arrays["parent_of"] = self.parent_of
        for name, lin in (("leaf", self.leaf), ("parent", self.parent)):
            if lin is not None:
                arrays[f"{name}_data"] = lin.weights.data
                arrays[f"{name}_indices"] = lin.weights.indices
                arrays[f"{name}_indptr"] = lin.weights.indptr
                arrays[f"{name}_shape"] = np.array(lin.weights.shape)
                arrays[f"{name}_intercept"] = lin.intercept
                arrays[f"{name}_classes"] = lin.classes
        neg = self.negative_rows.tocsr()
        arrays["neg_data"], arrays["neg_indices"] = neg.data, neg.indices
        arrays["neg_indptr"], arrays["neg_shape"] = neg.indptr, np.array(neg.shape)
        arrays["neg_nodes"] = self.negative_nodes
        return meta, arrays

    @classmethod
    def from_state(cls, meta: dict, arrays: dict[str, np.ndarray]) -> LinearNodeModel:
        """Inverse of `state`."""
        model = cls(meta["c"], meta["taxonomy_weight"], meta["parent_weight"],
                    meta["negative_penalty"], meta["max_weights"],
                    Featurizer.from_state(meta["featurizer"], arrays))
        model.n_nodes = meta["n_nodes"]
        model.parent_of = arrays["parent_of"]
        for name in ("leaf", "parent"):
            if meta[f"has_{name}"]:
                weights = sp.csr_matrix((arrays[f"{name}_data"], arrays[f"{name}_indices"],
                                         arrays[f"{name}_indptr"]),
                                        shape=tuple(arrays[f"{name}_shape"]))
                setattr(model, name, _Linear(weights, arrays[f"{name}_intercept"],
                                             arrays[f"{name}_classes"]))
        model.negative_rows = sp.csr_matrix(
            (arrays["neg_data"], arrays["neg_indices"], arrays["neg_indptr"]),
            shape=tuple(arrays["neg_shape"]))
        model.negative_nodes = arrays["neg_nodes"]
        return model
