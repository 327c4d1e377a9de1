"""Vectorised character n-gram TF-IDF, whole batches at a time in NumPy.

scikit-learn's char analyzer builds every n-gram as a Python string, about 0.2 ms for
a 300-character business scope: too slow for millions of records. Here each n-gram is
an integer (up to three 16-bit code points plus its length), computed for a whole
batch with array arithmetic, and looked up in a vectorised hash table (`CodeTable`).
The weighting is scikit-learn's (sublinear tf, smooth idf, l2 rows), so the features
mean the same; the state is two arrays, which a model file stores without pickle.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import scipy.sparse as sp

try:  # SciPy's C++ kernels behind `@`; private, so `sparse_dot_dense` can do without
    from scipy.sparse import _sparsetools
except ImportError:  # pragma: no cover - a SciPy that moved them
    _sparsetools = None

__all__ = ["CharNgramTfidf", "CodeTable", "sparse_dot_dense"]

_EMPTY = np.int64(-1)  # n-gram codes are non-negative
_MULT = np.uint64(0x9E3779B97F4A7C15)  # Fibonacci hashing


class CodeTable:
    """Open-addressing hash table from n-gram code to vocabulary column, in NumPy.

    `searchsorted` over a sorted vocabulary costs ~16 dependent random reads per
    n-gram and was the largest part of featurising a batch; a table a quarter full
    answers most lookups with one read (linear probing, vectorised over the batch)."""

    def __init__(self, vocab: np.ndarray) -> None:
        """Index the (unique) codes of `vocab` by position."""
        bits = max(4, int(np.ceil(np.log2(max(1, len(vocab)) * 4))))
        self.shift = np.uint64(64 - bits)
        self.mask = np.int64((1 << bits) - 1)
        self.keys = np.full(1 << bits, _EMPTY, dtype=np.int64)
        self.values = np.zeros(1 << bits, dtype=np.int64)
        pending = np.arange(len(vocab), dtype=np.int64)
        slot = self._hash(vocab)
        while len(pending):
            free = np.flatnonzero(self.keys[slot] == _EMPTY)
            # Of several codes wanting the same free slot, the first takes it; the
            # others probe on, like every code whose slot was already taken.
            _, first = np.unique(slot[free], return_index=True)
            won = free[first]
            self.keys[slot[won]] = vocab[pending[won]]
            self.values[slot[won]] = pending[won]
            lost = np.ones(len(pending), dtype=bool)
            lost[won] = False
            pending = pending[lost]
            slot = (slot[lost] + 1) & self.mask
        self.vocab = vocab

    def _hash(self, codes: np.ndarray) -> np.ndarray:
        """Slot of each code (views, not copies: the codes are non-negative int64)."""
        codes = np.ascontiguousarray(codes, dtype=np.int64)
        return ((codes.view(np.uint64) * _MULT) >> self.shift).view(np.int64)

    def lookup(self, codes: np.ndarray) -> np.ndarray:
        """Column of each code, -1 when it is not in the vocabulary."""
        slot = self._hash(codes)
        # First probe for every code at once: at a quarter full most codes end here
        # (found, or an empty slot), so only the few collisions go through the loop.
        keys = self.keys[slot]
        hit = keys == codes
        out = np.where(hit, self.values[slot], -1)
        active = np.flatnonzero(~hit & (keys != _EMPTY))
        slot = slot[active]
        while len(active):
            slot = (slot + 1) & self.mask
            keys = self.keys[slot]
            hit = keys == codes[active]
            out[active[hit]] = self.values[slot[hit]]
            go = ~hit & (keys != _EMPTY)  # occupied by another code: probe on
            active, slot = active[go], slot[go]
        return out


def _codes(texts: Sequence[str], ngram: tuple[int, int]) -> tuple[np.ndarray, np.ndarray]:
    """(document index, n-gram code) for every n-gram occurrence in `texts`."""
    lengths = np.fromiter((len(t) for t in texts), dtype=np.int64, count=len(texts))
    joined = "".join(texts)
    if not joined:
        return np.zeros(0, np.int64), np.zeros(0, np.int64)
    # Astral characters fold into U+FFFF: rare, and a shared n-gram id is harmless.
    chars = np.minimum(np.frombuffer(joined.encode("utf-32-le"), dtype=np.uint32),
                       0xFFFF).astype(np.int64)
    doc = np.repeat(np.arange(len(texts), dtype=np.int64), lengths)
    docs, codes = [], []
    code = chars | (1 << 16)  # n = 1: the length above one 16-bit character
    for n in range(1, ngram[1] + 1):
        if len(chars) < n:
            break
        m = len(chars) - n + 1
        if n > 1:
            # The (n-1)-gram code with its length raised by one (no carry: the length
            # sits above the characters), shifted, plus the next character.
            code = ((code[:m] + (1 << (16 * (n - 1)))) << 16) | chars[n - 1:n - 1 + m]
        if n < ngram[0]:
            continue
        same = doc[:m] == doc[n - 1:n - 1 + m]  # the n-gram must not span two texts
        docs.append(doc[:m][same])
        codes.append(code[same])
    if not codes:
        return np.zeros(0, np.int64), np.zeros(0, np.int64)
    return np.concatenate(docs), np.concatenate(codes)


class CharNgramTfidf:
    """Character n-gram TF-IDF with a sorted integer vocabulary."""

    def __init__(self, ngram: tuple[int, int] = (1, 3), vocab: np.ndarray | None = None,
                 idf: np.ndarray | None = None) -> None:
        """`ngram` = (min n, max n), n ≤ 3; `vocab`/`idf` restore a fitted state."""
        if not 1 <= ngram[0] <= ngram[1] <= 3:
            raise ValueError("n-gram lengths must be within 1..3")
        self.ngram = (int(ngram[0]), int(ngram[1]))
        self.vocab = np.zeros(0, np.int64) if vocab is None else np.asarray(vocab, np.int64)
        self.idf = np.zeros(0, np.float32) if idf is None else np.asarray(idf, np.float32)

    def __len__(self) -> int:
        """Vocabulary size."""
        return len(self.vocab)

    def fit(self, texts: Sequence[str], max_features: int | None = None) -> CharNgramTfidf:
        """Learn the vocabulary (the `max_features` most frequent by document frequency,
        ties by code, so the choice is deterministic) and smooth idf weights."""
        doc, code = _codes(texts, self.ngram)
        pairs = np.unique(np.stack([code, doc]), axis=1) if len(code) else np.zeros((2, 0), np.int64)
        vocab, df = np.unique(pairs[0], return_counts=True)
        if max_features is not None and len(vocab) > max_features:
            keep = np.lexsort((vocab, -df))[:max_features]
            keep.sort()
            vocab, df = vocab[keep], df[keep]
        self.vocab = vocab
        self.idf = (np.log((1 + len(texts)) / (1 + df)) + 1).astype(np.float32)
        return self

    def _table(self) -> CodeTable:
        """The vocabulary's hash table, built on first use (not stored in model files)."""
        table = getattr(self, "_code_table", None)
        if table is None or table.vocab is not self.vocab:
            table = self._code_table = CodeTable(self.vocab)
        return table

    def transform(self, texts: Sequence[str]) -> sp.csr_matrix:
        """Rows of 1 + ln(tf) times idf, l2-normalised (empty rows stay zero)."""
        n_docs, width = len(texts), len(self.vocab)
        doc, code = _codes(texts, self.ngram)
        if width == 0 or len(code) == 0:
            return sp.csr_matrix((n_docs, width), dtype=np.float32)
        col = self._table().lookup(code)
        known = col >= 0
        key = doc[known] * width + col[known]
        if len(key) == 0:
            return sp.csr_matrix((n_docs, width), dtype=np.float32)
        if n_docs * width < 2**31:  # int32 keys sort about twice as fast
            key = key.astype(np.int32)
        # np.unique without its extra passes: sort, mark where a run of equal keys
        # starts, count the run lengths.
        key.sort()
        starts = np.flatnonzero(np.concatenate(([True], key[1:] != key[:-1])))
        counts = np.diff(np.append(starts, len(key)))
        key = key[starts]
        rows, cols = key // width, key % width
        vals = (1.0 + np.log(counts)).astype(np.float32) * self.idf[cols]
        norms = np.sqrt(np.bincount(rows, weights=vals.astype(np.float64) ** 2, minlength=n_docs))
        vals /= norms[rows].astype(np.float32)
        indptr = np.zeros(n_docs + 1, dtype=np.int64)
        np.cumsum(np.bincount(rows, minlength=n_docs), out=indptr[1:])
        return sp.csr_matrix((vals, cols, indptr), shape=(n_docs, width))


def sparse_dot_dense(a: sp.spmatrix, b: sp.spmatrix, block: int = 1 << 24) -> np.ndarray:
    """`(a @ b).toarray()`, the same values, for products that come out (nearly) dense,
    such as features × a model's class weights.

    SciPy first runs a whole pass only to count the product's non-zeros, then builds a
    sparse result that `toarray` copies again. With a few thousand records × 1,500
    classes the result is dense anyway, so here its size bound is rows × columns, the
    same kernel (`csr_matmat`, same summation order) writes into preallocated buffers,
    and `csr_todense` scatters them into the output: ≈ 35% less time. Rows are taken in
    blocks of at most `block` output cells to bound the buffers' memory."""
    a, b = sp.csr_matrix(a), sp.csr_matrix(b)
    n, k = a.shape[0], b.shape[1]
    if _sparsetools is None or not (n and k and a.nnz and b.nnz):
        return (a @ b).toarray()
    dtype = np.result_type(a.dtype, b.dtype)
    out = np.zeros((n, k), dtype=dtype)
    step = max(1, min(n, block // k))
    big = max(step * k, a.nnz, b.nnz) >= 2**31 - 1
    idx = np.int64 if big else np.int32
    bp, bj = b.indptr.astype(idx, copy=False), b.indices.astype(idx, copy=False)
    bx = b.data.astype(dtype, copy=False)
    for start in range(0, n, step):
        part = a if step >= n else a[start:start + step]
        m = part.shape[0]
        cp = np.empty(m + 1, dtype=idx)
        cj = np.empty(m * k, dtype=idx)
        cx = np.empty(m * k, dtype=dtype)
        _sparsetools.csr_matmat(m, k, part.indptr.astype(idx, copy=False),
                                part.indices.astype(idx, copy=False),
                                part.data.astype(dtype, copy=False), bp, bj, bx, cp, cj, cx)
        _sparsetools.csr_todense(m, k, cp, cj, cx, out[start:start + m])
    return out
