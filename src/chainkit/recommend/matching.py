"""Product-matching rules: how a firm's product relates to a gap term.

Chinese product names are head-final compounds: the last constituent names the kind of
thing, what comes before narrows it. So 空调压缩机 IS a 压缩机 (head-final), while
压缩机零部件 is NOT (压缩机 only modifies the head 零部件: a part *for* compressors).
The rules (default strengths in MatchSettings; a product gets its first applicable kind):

- exact:          the product is the term;
- head-final:     the product ends with the term (空调压缩机 for 压缩机);
- sub-product:    exact / head-final match of a given sub-product or hierarchy descendant;
- generic-suffix: head-final once a generic trailing word (系列, 产品, 业务, 类, 等) or a
                  bracketed note is removed (压缩机系列, 空调压缩机(变频)); likely the kind,
                  but less certain than a name ending in it, so scored among the modifiers;
- modifier:       the term occurs but modifies another head (压缩机零部件, 中药材 for 中药);
                  weaker the further from the start and the more is added around it;

Defaults keep two tiers apart whatever the revenue share: exact / head-final /
sub-product (≥ 0.90 × share floor 0.8 = 0.72) always beat generic-suffix / modifier
(≤ 0.50), which beat broader (0.10).
- broader:        the product is the head of the term (压缩机 for 空调压缩机): the firm makes
                  the general kind and may make the specific one.

All strings are compared after chainkit.text.normalize.
"""

from __future__ import annotations

import re
from collections import defaultdict, deque
from collections.abc import Iterable, Sequence

import numpy as np

from ..text import normalize
from .model import MatchSettings

__all__ = [
    "GENERIC_SUFFIXES",
    "ProductHierarchy",
    "classify",
    "share_factors",
    "share_factors_csr",
    "strip_generic",
]

# Trailing words that name a packaging of the business, not a different kind of thing.
# Longest first so 系列产品 is removed whole. (Not 制品/材料/设备: those change the head.)
GENERIC_SUFFIXES = ("系列产品", "类产品", "系列", "产品", "业务", "类", "等")
_BRACKET_TAIL = re.compile(r"\([^()]*\)?$")

def strip_generic(product: str) -> str:
    """Remove trailing bracketed notes and generic words (repeatedly): 压缩机系列(出口) →
    压缩机. Returns the product unchanged when nothing generic trails it."""
    prev = None
    while prev != product:
        prev = product
        stripped = _BRACKET_TAIL.sub("", product)
        if stripped:
            product = stripped
        for suffix in GENERIC_SUFFIXES:
            if product.endswith(suffix) and len(product) > len(suffix):
                product = product[: -len(suffix)]
                break
    return product


def classify(product: str, term: str, sub_product: bool = False,
             settings: MatchSettings | None = None) -> tuple[str, float] | None:
    """How normalised `product` matches normalised `term`: (kind, strength) or None.

    sub_product=True when the term is a sub-product / descendant rather than the node's
    own name: its exact and head-final matches are reported as kind "sub-product"."""
    s = settings or MatchSettings()
    if not term or not product:
        return None
    if term in product:
        if product == term:
            return ("sub-product", s.sub_product) if sub_product else ("exact", s.exact)
        if product.endswith(term):
            return ("sub-product", s.sub_product) if sub_product else ("head-final", s.head_final)
        core = strip_generic(product)
        if core != product and core.endswith(term):
            return "generic-suffix", s.generic_suffix
        if not s.include_modifiers:
            return None
        pos = product.find(term)
        extra = len(product) - len(term)
        value = s.modifier - s.modifier_char_penalty * extra
        if pos > 0:
            value -= s.modifier_infix_penalty
        return "modifier", max(s.modifier_min, value)
    if s.include_broader and len(product) >= 2 and term.endswith(product):
        return "broader", s.broader
    return None


class ProductHierarchy:
    """Optional product hierarchy (产品小类: parent → child, the child's name usually
    contains the parent's). Descendants of a gap node become sub-product terms."""

    def __init__(self, pairs: Iterable[tuple[str, str]] = ()) -> None:
        """`pairs`: (parent, child) product names; normalised, self-loops ignored."""
        self._children: dict[str, set[str]] = defaultdict(set)
        for parent, child in pairs:
            p, c = normalize(parent), normalize(child)
            if p and c and p != c:
                self._children[p].add(c)

    def __len__(self) -> int:
        """Number of parent → child edges."""
        return sum(len(c) for c in self._children.values())

    def descendants(self, name: str, max_depth: int = 2) -> list[str]:
        """Normalised descendants of `name` up to `max_depth` levels (sorted, excluding it)."""
        root = normalize(name)
        seen = {root}
        queue = deque([(root, 0)])
        while queue:
            node, depth = queue.popleft()
            if depth >= max_depth:
                continue
            for child in self._children.get(node, ()):
                if child not in seen:
                    seen.add(child)
                    queue.append((child, depth + 1))
        seen.discard(root)
        return sorted(seen)


def share_factors_csr(weights: np.ndarray, ptr: np.ndarray) -> np.ndarray:
    """Share factor in [0, 1] of every product occurrence, firms given as CSR rows.

    Reported shares are noisy (≤ 0, > 1, per-firm sums ≈ 2), so raw values are never
    summed: share = ½ · weight / firm's max weight (clipped to [0, 1]) + ½ · 1 / rank,
    rank by weight (then listing order). A firm with no positive weight falls back to
    listing order alone: 1 / position. `weights` is float with NaN for unknown."""
    n = len(weights)
    out = np.zeros(n, dtype=np.float64)
    if n == 0:
        return out
    counts = np.diff(ptr)
    firm = np.repeat(np.arange(len(counts)), counts)
    pos = np.arange(n) - np.repeat(ptr[:-1], counts)
    w = np.where(np.isnan(weights) | (weights <= 0), 0.0, weights)
    # Rank by weight within each firm; unknown / non-positive ones keep listing order last.
    order = np.lexsort((pos, -w, firm))
    rank = np.empty(n, dtype=np.float64)
    rank[order] = np.arange(n) - np.repeat(ptr[:-1], counts) + 1
    nonempty = counts > 0
    max_w = np.zeros(len(counts))
    max_w[nonempty] = np.maximum.reduceat(w, ptr[:-1][nonempty])
    firm_max = max_w[firm]
    has = firm_max > 0
    out[has] = 0.5 * np.clip(w[has] / firm_max[has], 0.0, 1.0) + 0.5 / rank[has]
    out[~has] = 1.0 / (pos[~has] + 1)
    return out


def share_factors(weights: Sequence[float | None]) -> list[float]:
    """Share factors of one firm's products (see share_factors_csr)."""
    arr = np.array([np.nan if w is None else float(w) for w in weights], dtype=np.float64)
    return share_factors_csr(arr, np.array([0, len(arr)])).tolist()
