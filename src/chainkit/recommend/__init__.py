"""chainkit.recommend: rank pool firms for a gap node (靶向招引), with reasons.

Score (DESIGN.md §4 "Recommendation score") = Σ weight × value over six factors, each
value in [0, 1]:

- product_match: best over the firm's products of match strength × share factor
  (matching.py: exact > head-final > sub-product > generic-suffix ≈ modifier > broader;
  share from the product's rank and relative revenue share, never a sum of shares);
- scale: revenue percentile in the pool; growth: −20 % → 0 … +40 % → 1;
- local_supply: n local chain masters already supplied → n / (n + 1);
- listing_tags: ½ listed + ½ × min(1, valued tags / 2); distance: band 0 → 1 … 3 → 0.

Unknown attributes score 0. Only firms with a product match are recommended.

    index = PoolIndex.build(firms)               # once
    recs = index.recommend(GapQuery("压缩机"), top_k=20, filters={"exclude_ids": local})
    recs[0].factors["product_match"].contribution, recs[0].matched[0].kind
"""

from .index import PoolIndex
from .io import read_pool_csv, read_queries_csv
from .matching import ProductHierarchy, classify, share_factors
from .model import (
    FACTORS,
    MATCH_KINDS,
    Factor,
    Filters,
    Firm,
    GapQuery,
    MatchedProduct,
    MatchSettings,
    Recommendation,
    Weights,
)

__all__ = [
    "FACTORS",
    "MATCH_KINDS",
    "Factor",
    "Filters",
    "Firm",
    "GapQuery",
    "MatchSettings",
    "MatchedProduct",
    "PoolIndex",
    "ProductHierarchy",
    "Recommendation",
    "Weights",
    "classify",
    "read_pool_csv",
    "read_queries_csv",
    "recommend",
    "share_factors",
]


def recommend(index: PoolIndex, query: GapQuery | str, top_k: int = 50,
              **options: object) -> list[Recommendation]:
    """Convenience wrapper for index.recommend(query, top_k, **options)."""
    return index.recommend(query, top_k, **options)  # type: ignore[arg-type]
