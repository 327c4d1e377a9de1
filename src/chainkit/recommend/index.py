"""The pool index: built once over all firms, then queried per gap node.

Layout (chosen so 1,000,000 firms fit in memory and one query touches only the firms
that make something matching):

- unique normalised product strings, joined into one NUL-separated text; a term's
  containing products are found with str.find over that text (C speed, no n-gram index
  to build) and mapped back to product ids by binary search over the start offsets;
- product → occurrences (CSR, numpy): the firm and the occurrence's share factor;
- firm attributes as numpy arrays (revenue percentile, growth, listed, supplies, distance
  band, region code) and tags as CSR over a tag vocabulary.
"""

from __future__ import annotations

import math
import sys
from collections.abc import Callable, Iterable, Mapping
from typing import Any

import numpy as np

from ..errors import InputError
from ..text import normalize
from .columns import SEP as _SEP
from .columns import collect
from .factors import csr_sum, distance_value, growth_value, local_supply_value, percentile
from .matching import ProductHierarchy, classify, share_factors_csr
from .model import (
    Factor,
    Filters,
    Firm,
    GapQuery,
    MatchedProduct,
    MatchSettings,
    Recommendation,
    Weights,
)

__all__ = ["PoolIndex"]



class PoolIndex:
    """Index over a firm pool. Build with PoolIndex.build(firms); query with recommend().

    Valued tags (for the listing-and-tags factor) are fixed at build time: a firm earns
    ½ for being listed and ½ × min(1, valued tags / 2)."""

    DEFAULT_VALUED_TAGS = ("专精特新", "小巨人", "专精特新小巨人", "单项冠军", "高新技术企业",
                           "制造业单项冠军", "独角兽", "瞪羚")

    def __init__(self) -> None:
        """Use PoolIndex.build(); the constructor only declares the fields."""
        self.ids: list[str] = []
        self.names: list[str] = []
        self._id_pos: dict[str, int] = {}
        self._id_rank = np.zeros(0, dtype=np.int64)
        self._vocab: list[str] = []
        self._vocab_pos: dict[str, int] = {}
        self._text = ""
        self._starts = np.zeros(0, dtype=np.int64)
        self._prod_ptr = np.zeros(1, dtype=np.int64)
        self._prod_occ = np.zeros(0, dtype=np.int64)
        self._firm_ptr = np.zeros(1, dtype=np.int64)
        self._occ_firm = np.zeros(0, dtype=np.int32)
        self._occ_prod = np.zeros(0, dtype=np.int32)
        self._occ_share = np.zeros(0, dtype=np.float32)
        self._occ_weight = np.zeros(0, dtype=np.float32)
        self._occ_raw = np.zeros(0, dtype=np.int32)
        self._raw_text: list[str] = []
        self._scale = np.zeros(0)
        self._revenue = np.zeros(0)
        self._growth = np.zeros(0)
        self._listed = np.zeros(0, dtype=bool)
        self._supplies = np.zeros(0, dtype=np.int32)
        self._band = np.zeros(0, dtype=np.int8)
        self._region_code = np.zeros(0, dtype=np.int32)
        self._regions: list[str] = []
        self._tag_ptr = np.zeros(1, dtype=np.int64)
        self._tag_code = np.zeros(0, dtype=np.int32)
        self._tags: list[str] = []
        self._tag_pos: dict[str, int] = {}
        self._tag_value = np.zeros(0)

    def __len__(self) -> int:
        """Number of firms."""
        return len(self.ids)

    @property
    def product_count(self) -> int:
        """Number of distinct normalised products."""
        return len(self._vocab)

    # ----------------------------------------------------------------- build
    @classmethod
    def build(cls, firms: Iterable[Firm | Mapping[str, Any]],
              valued_tags: Iterable[str] | None = None) -> PoolIndex:
        """Index `firms` (Firm objects or dicts with Firm's field names).

        Raises InputError on duplicate or empty ids and on products/weights of different
        lengths."""
        cols = collect(firms)
        self = cls()
        self.ids, self.names, self._id_pos = cols.ids, cols.names, cols.id_pos
        self._vocab, self._vocab_pos = cols.vocab, cols.vocab_pos
        # One text "\0p0\0p1\0…\0": product i starts at _starts[i].
        lengths = np.fromiter((len(p) + 1 for p in self._vocab), dtype=np.int64,
                              count=len(self._vocab))
        self._starts = np.concatenate(([1], 1 + np.cumsum(lengths)[:-1])) if len(lengths) \
            else np.zeros(0, dtype=np.int64)
        self._text = _SEP + _SEP.join(self._vocab) + _SEP
        self._firm_ptr = np.asarray(cols.firm_ptr, dtype=np.int64)
        # Rank of each id in sorted order: the deterministic tie-break, sortable in numpy.
        self._id_rank = np.empty(len(self.ids), dtype=np.int64)
        self._id_rank[sorted(range(len(self.ids)), key=self.ids.__getitem__)] = \
            np.arange(len(self.ids))
        self._occ_prod = np.asarray(cols.occ_prod, dtype=np.int32)
        counts = np.diff(self._firm_ptr)
        self._occ_firm = np.repeat(np.arange(len(counts), dtype=np.int32), counts)
        weights_arr = np.asarray(cols.occ_weight, dtype=np.float64)
        self._occ_share = share_factors_csr(weights_arr, self._firm_ptr).astype(np.float32)
        self._occ_weight = weights_arr.astype(np.float32)
        self._occ_raw = np.asarray(cols.occ_raw, dtype=np.int32)
        self._raw_text = cols.raw_text
        # Product → occurrences, grouped by product (stable: firm order within a product).
        self._prod_occ = np.argsort(self._occ_prod, kind="stable")
        self._prod_ptr = np.concatenate(
            ([0], np.cumsum(np.bincount(self._occ_prod, minlength=len(self._vocab)))))
        self._revenue = np.asarray(cols.revenue, dtype=np.float64)
        self._scale = percentile(self._revenue)
        self._growth = np.asarray(cols.growth, dtype=np.float64)
        self._listed = np.asarray(cols.listed, dtype=bool)
        self._supplies = np.asarray(cols.supplies, dtype=np.int32)
        self._band = np.asarray(cols.band, dtype=np.int8)
        self._regions = list(cols.region_pos)
        self._region_code = np.asarray(cols.region_code, dtype=np.int32)
        self._tags = list(cols.tag_pos)
        self._tag_pos = cols.tag_pos
        self._tag_ptr = np.asarray(cols.tag_ptr, dtype=np.int64)
        self._tag_code = np.asarray(cols.tag_code, dtype=np.int32)
        valued = set(cls.DEFAULT_VALUED_TAGS if valued_tags is None else valued_tags)
        is_valued = np.array([t in valued for t in self._tags], dtype=np.float64)
        n_valued = csr_sum(is_valued[self._tag_code] if len(self._tag_code) else
                            np.zeros(0), self._tag_ptr)
        self._tag_value = 0.5 * self._listed + 0.5 * np.minimum(1.0, n_valued / 2.0)
        return self

    # ----------------------------------------------------------------- query
    def _containing(self, term: str) -> np.ndarray:
        """Ids of products containing `term` (each once, ascending)."""
        text, found = self._text, []
        find = text.find
        i = find(term)
        while i >= 0:
            found.append(i)
            i = find(term, i + 1)
        if not found:
            return np.zeros(0, dtype=np.int64)
        ids = np.searchsorted(self._starts, np.asarray(found, dtype=np.int64), side="right") - 1
        return np.unique(ids)

    def _match_products(self, terms: list[tuple[str, bool, float]],
                        settings: MatchSettings) -> dict[int, tuple[str, str, float]]:
        """Product id → (kind, term, strength) of its best match over all query terms."""
        best: dict[int, tuple[str, str, float]] = {}

        def offer(pid: int, term: str, sub: bool, factor: float) -> None:
            """Keep the strongest classification of product `pid`."""
            got = classify(self._vocab[pid], term, sub, settings)
            if got is None:
                return
            kind, strength = got
            strength *= factor
            if pid not in best or strength > best[pid][2]:
                best[pid] = (kind, term, strength)

        for term, sub, factor in terms:
            for pid in self._containing(term).tolist():
                offer(pid, term, sub, factor)
            if settings.include_broader:
                # Proper suffixes of the term that are products: the general kind.
                for k in range(1, len(term) - 1):
                    pid = self._vocab_pos.get(term[k:])
                    if pid is not None:
                        offer(pid, term, sub, factor)
        return best

    def query_terms(self, query: GapQuery, hierarchy: ProductHierarchy | None = None,
                    settings: MatchSettings | None = None) -> list[tuple[str, bool, float]]:
        """Normalised (term, is_sub_product, factor) list for a query: the node name,
        its sub-products and hierarchy descendants, then keywords (× keyword_factor)."""
        s = settings or MatchSettings()
        name = normalize(query.name).replace(_SEP, "")
        if not name:
            raise InputError("缺口节点名称为空")
        terms: dict[str, tuple[bool, float]] = {name: (False, 1.0)}
        subs = [normalize(p) for p in query.sub_products]
        if hierarchy is not None:
            subs += hierarchy.descendants(name, s.hierarchy_depth)
        for sub in subs:
            sub = sub.replace(_SEP, "")
            if sub and sub not in terms:
                terms[sub] = (True, 1.0)
        for kw in query.keywords:
            kw = normalize(kw).replace(_SEP, "")
            if kw and kw not in terms:
                terms[kw] = (False, s.keyword_factor)
        return [(t, sub, f) for t, (sub, f) in terms.items()]

    def recommend(self, query: GapQuery | str, top_k: int = 50,
                  weights: Weights | Mapping[str, float] | None = None,
                  filters: Filters | Mapping[str, Any] | None = None,
                  hierarchy: ProductHierarchy | None = None,
                  settings: MatchSettings | Mapping[str, Any] | None = None,
                  ) -> list[Recommendation]:
        """Rank pool firms for a gap node; best first, at most `top_k`.

        Only firms with a product match (≥ filters.min_match, > 0) are returned. Ties are
        broken by firm id, so the order is deterministic."""
        if isinstance(query, str):
            query = GapQuery(name=query)
        w = Weights.from_mapping(weights)
        f = Filters.from_mapping(filters)
        s = MatchSettings.from_mapping(settings)
        best = self._match_products(self.query_terms(query, hierarchy, s), s)
        if not best or top_k <= 0:
            return []
        pids = np.fromiter(best, dtype=np.int64, count=len(best))
        strength = np.fromiter((v[2] for v in best.values()), dtype=np.float64, count=len(best))
        # Expand matched products to their occurrences (firm, share).
        starts, ends = self._prod_ptr[pids], self._prod_ptr[pids + 1]
        lens = ends - starts
        occ = self._prod_occ[np.repeat(ends - np.cumsum(lens), lens) + np.arange(lens.sum())]
        occ_strength = np.repeat(strength, lens)
        floor = s.share_floor
        value = occ_strength * (floor + (1.0 - floor) * self._occ_share[occ])
        firm = self._occ_firm[occ].astype(np.int64)
        # Per firm: the best matching product (max, never a sum of noisy shares).
        order = np.lexsort((-value, firm))
        firm, value = firm[order], value[order]
        first = np.ones(len(firm), dtype=bool)
        first[1:] = firm[1:] != firm[:-1]
        cand, match = firm[first], value[first]
        keep = (match > 0) & (match >= f.min_match) & self._filter_mask(cand, f)
        cand, match = cand[keep], match[keep]
        if len(cand) == 0:
            return []
        values = {
            "product_match": match,
            "scale": self._scale[cand],
            "growth": growth_value(self._growth[cand]),
            "local_supply": local_supply_value(self._supplies[cand]),
            "listing_tags": self._tag_value[cand],
            "distance": distance_value(self._band[cand]),
        }
        wd = w.as_dict()
        total = sum(wd[k] * v for k, v in values.items())
        # Rounded before ranking so the ranking agrees with the printed score; ties by id.
        total = np.round(total, 9)
        k = min(top_k, len(cand))
        top = np.argpartition(-total, k - 1)[:k] if k < len(cand) else np.arange(len(cand))
        # Include every firm tied with the k-th score so the id tie-break is exact.
        cut = total[top].min()
        top = np.flatnonzero(total >= cut)
        top = top[np.lexsort((self._id_rank[cand[top]], -total[top]))][:k]
        out = []
        for rank, j in enumerate(top.tolist(), start=1):
            fi = int(cand[j])
            factors = {name: Factor(value=float(v[j]), weight=wd[name],
                                    contribution=float(wd[name] * v[j]))
                       for name, v in values.items()}
            out.append(Recommendation(
                rank=rank, id=self.ids[fi], name=self.names[fi],
                score=float(sum(fc.contribution for fc in factors.values())),
                factors=factors, matched=self._matched(fi, best, s)))
        return out

    def recommend_many(self, queries: Iterable[GapQuery], top_k: int = 50,
                       progress: Callable[[int, int], None] | None = None,
                       **options: Any) -> dict[str, list[Recommendation]]:
        """Recommendations for many gaps (batch job): qid (or name when qid is empty) →
        ranked list. `progress(done, total)` is called after each query; `options` as
        for recommend()."""
        queries = list(queries)
        out: dict[str, list[Recommendation]] = {}
        for done, q in enumerate(queries, start=1):
            out[q.qid or q.name] = self.recommend(q, top_k, **options)
            if progress is not None:
                progress(done, len(queries))
        return out

    def memory_bytes(self) -> int:
        """Approximate memory held by the index (numpy buffers + Python strings, lists
        and dicts), for benchmarks; shared string objects are counted once per owner."""
        total = 0
        seen: set[int] = set()

        def size(obj: object) -> int:
            """Size of `obj` unless already counted (lists and dicts share strings)."""
            if id(obj) in seen:
                return 0
            seen.add(id(obj))
            return sys.getsizeof(obj)

        for value in vars(self).values():
            if isinstance(value, np.ndarray):
                total += value.nbytes
            elif isinstance(value, list):
                total += size(value) + sum(size(x) for x in value)
            elif isinstance(value, dict):
                total += size(value) + sum(size(x) for x in value)
            else:
                total += size(value)
        return total

    def _matched(self, fi: int, best: Mapping[int, tuple[str, str, float]],
                 s: MatchSettings) -> list[MatchedProduct]:
        """The firm's matched products, best value first."""
        out = []
        for o in range(int(self._firm_ptr[fi]), int(self._firm_ptr[fi + 1])):
            hit = best.get(int(self._occ_prod[o]))
            if hit is None:
                continue
            kind, term, strength = hit
            share = float(self._occ_share[o])
            weight = float(self._occ_weight[o])
            value = strength * (s.share_floor + (1 - s.share_floor) * share)
            out.append(MatchedProduct(
                product=self._raw_text[self._occ_raw[o]], kind=kind, term=term,
                strength=strength, share=share, value=value,
                weight=None if math.isnan(weight) else weight))
        out.sort(key=lambda m: -m.value)
        return out

    def _filter_mask(self, cand: np.ndarray, f: Filters) -> np.ndarray:
        """Boolean mask over candidate firm positions passing `f`."""
        mask = np.ones(len(cand), dtype=bool)
        if f.exclude_ids:
            excluded = np.array([self._id_pos[i] for i in f.exclude_ids if i in self._id_pos],
                                dtype=np.int64)
            mask &= ~np.isin(cand, excluded)
        if f.regions:
            ok = np.array([any(r.startswith(p) for p in f.regions) for r in self._regions])
            mask &= ok[self._region_code[cand]]
        if f.min_revenue is not None or f.max_revenue is not None:
            rev = self._revenue[cand]
            lo = -np.inf if f.min_revenue is None else f.min_revenue
            hi = np.inf if f.max_revenue is None else f.max_revenue
            mask &= ~np.isnan(rev) & (rev >= lo) & (rev <= hi)
        if f.listed_only:
            mask &= self._listed[cand]
        if f.tags_any or f.tags_all:
            mask &= np.array([self._firm_tags_ok(int(i), f) for i in cand], dtype=bool)
        return mask

    def _firm_tags_ok(self, fi: int, f: Filters) -> bool:
        """Whether firm `fi` carries any of tags_any and all of tags_all."""
        tags = {self._tags[c] for c in self._tag_code[self._tag_ptr[fi]:self._tag_ptr[fi + 1]]}
        if f.tags_any and not tags.intersection(f.tags_any):
            return False
        return all(t in tags for t in f.tags_all)

    def firm(self, firm_id: str) -> dict[str, Any]:
        """A firm's indexed record (for display), or KeyError."""
        fi = self._id_pos[firm_id]
        lo, hi = int(self._firm_ptr[fi]), int(self._firm_ptr[fi + 1])
        return {"id": firm_id, "name": self.names[fi],
                "products": [self._raw_text[r] for r in self._occ_raw[lo:hi]],
                "region": self._regions[self._region_code[fi]],
                "revenue": None if math.isnan(self._revenue[fi]) else float(self._revenue[fi]),
                "listed": bool(self._listed[fi])}
