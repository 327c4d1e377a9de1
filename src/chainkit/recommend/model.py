"""Plain data types of the recommendation engine: firms, gap queries, settings, results.

Everything here is a frozen dataclass or a small mutable result record, so callers
(the web app, the CLI, tests) can build them from dicts and turn results into JSON.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import asdict, dataclass, field, fields, replace
from typing import Any

from ..errors import InputError

__all__ = [
    "FACTORS",
    "MATCH_KINDS",
    "Factor",
    "Filters",
    "Firm",
    "GapQuery",
    "MatchSettings",
    "MatchedProduct",
    "Recommendation",
    "Weights",
]

# Factor names, in the order they are shown (DESIGN.md §4 "Recommendation score").
FACTORS = ("product_match", "scale", "growth", "local_supply", "listing_tags", "distance")

# Why a product matched, strongest first (see matching.py for the rules).
MATCH_KINDS = ("exact", "head-final", "sub-product", "generic-suffix", "modifier", "broader")


@dataclass(frozen=True)
class Firm:
    """One pool firm. `weights` are revenue shares aligned with `products` (None = unknown;
    noisy values ≤ 0 or > 1 are accepted: only ranks and the firm's maximum are used).

    revenue: yuan (any consistent unit); growth: year-on-year fraction (0.12 = +12 %);
    supplies_local: number of the city's chain masters the firm already supplies;
    distance_band: 0 = nearest … 3 = farthest (None = unknown)."""

    id: str
    name: str
    products: tuple[str, ...] = ()
    weights: tuple[float | None, ...] = ()
    region: str = ""
    revenue: float | None = None
    growth: float | None = None
    tags: tuple[str, ...] = ()
    listed: bool = False
    supplies_local: int = 0
    distance_band: int | None = None


@dataclass(frozen=True)
class GapQuery:
    """A gap node to fill: its name, optional keywords and sub-products (e.g. the node's
    children or a product hierarchy's descendants). `qid` is echoed in batch output."""

    name: str
    keywords: tuple[str, ...] = ()
    sub_products: tuple[str, ...] = ()
    qid: str = ""


def _from_mapping(cls: type, values: Mapping[str, Any] | None, what: str) -> Any:
    """Build a settings dataclass from a partial dict, refusing unknown keys (a typo in a
    settings file must not silently fall back to a default)."""
    if values is None:
        return cls()
    if isinstance(values, cls):
        return values
    known = {f.name for f in fields(cls)}
    unknown = sorted(set(values) - known)
    if unknown:
        raise InputError(f"{what}中有未知的项：{', '.join(unknown)}（可用：{', '.join(sorted(known))}）")
    return cls(**dict(values))


@dataclass(frozen=True)
class Weights:
    """Factor weights of the recommendation score (score = Σ weight × value, values in
    [0, 1]). Defaults keep product match dominant: a firm that makes the part outranks
    a bigger firm that only makes something related."""

    product_match: float = 0.60
    scale: float = 0.10
    growth: float = 0.08
    local_supply: float = 0.10
    listing_tags: float = 0.07
    distance: float = 0.05

    @classmethod
    def from_mapping(cls, values: Mapping[str, float] | None) -> Weights:
        """Defaults overridden by `values` (unknown names → InputError, negatives refused)."""
        w = _from_mapping(cls, values, "推荐权重")
        for f in fields(w):
            value = getattr(w, f.name)
            if not isinstance(value, int | float) or value < 0:
                raise InputError(f"推荐权重 {f.name} 必须是非负数，收到：{value!r}")
        return w

    def as_dict(self) -> dict[str, float]:
        """The weights as a plain dict (factor name → weight)."""
        return asdict(self)


@dataclass(frozen=True)
class MatchSettings:
    """Product-matching strengths and rules (values in [0, 1]).

    A matched product's value = strength × (share_floor + (1 − share_floor) × share),
    where share ∈ [0, 1] combines the product's rank and its weight relative to the
    firm's largest weight. share_floor keeps a side-line product visible while still
    preferring firms whose main business it is."""

    exact: float = 1.00            # 压缩机 for 压缩机
    head_final: float = 0.95       # 空调压缩机 for 压缩机 (a kind of compressor)
    sub_product: float = 0.90      # a given sub-product / hierarchy descendant, or its compounds
    generic_suffix: float = 0.46   # 压缩机系列 / 压缩机业务: probably the kind, but not its name;
    #                                 ranked with the modifiers, not above real compounds
    modifier: float = 0.50         # 压缩机零部件: the term modifies another head (max value)
    modifier_infix_penalty: float = 0.15   # term in the middle rather than at the start
    modifier_char_penalty: float = 0.02    # per extra character around the term
    modifier_min: float = 0.20
    broader: float = 0.10          # 压缩机 for 空调压缩机: the firm makes the general kind
    keyword_factor: float = 0.80   # keywords are weaker evidence than the node's own name
    share_floor: float = 0.80
    hierarchy_depth: int = 2
    include_modifiers: bool = True
    include_broader: bool = True

    @classmethod
    def from_mapping(cls, values: Mapping[str, Any] | None) -> MatchSettings:
        """Defaults overridden by `values` (unknown names → InputError)."""
        return _from_mapping(cls, values, "匹配设置")


@dataclass(frozen=True)
class Filters:
    """Which firms may be recommended.

    regions: a firm passes when its region equals or starts with one of them ("44" or
    "广东" keep 440300 / 广东省深圳市); min/max_revenue: size band (firms without revenue
    fail a size filter); tags_any / tags_all: required tags; exclude_ids: firms already
    local or already a lead; min_match: minimum product-match value (0 = any match)."""

    regions: tuple[str, ...] = ()
    min_revenue: float | None = None
    max_revenue: float | None = None
    tags_any: tuple[str, ...] = ()
    tags_all: tuple[str, ...] = ()
    exclude_ids: frozenset[str] = frozenset()
    listed_only: bool = False
    min_match: float = 0.0

    @classmethod
    def from_mapping(cls, values: Mapping[str, Any] | None) -> Filters:
        """Build from a dict; list values are turned into tuples / a frozenset."""
        if values is None or isinstance(values, Filters):
            return values or cls()
        data = dict(values)
        for key in ("regions", "tags_any", "tags_all"):
            if key in data and not isinstance(data[key], tuple):
                data[key] = _as_tuple(data[key])
        if "exclude_ids" in data:
            data["exclude_ids"] = frozenset(str(x) for x in _as_tuple(data["exclude_ids"]))
        return _from_mapping(cls, data, "筛选条件")

    def excluding(self, ids: Iterable[str]) -> Filters:
        """A copy that also excludes `ids`."""
        return replace(self, exclude_ids=self.exclude_ids | frozenset(map(str, ids)))


def _as_tuple(value: Any) -> tuple:
    """A single string is one item, not a sequence of characters."""
    if value is None:
        return ()
    if isinstance(value, str):
        return (value,)
    return tuple(value)


@dataclass(frozen=True)
class Factor:
    """One term of the score: contribution = weight × value."""

    value: float
    weight: float
    contribution: float


@dataclass(frozen=True)
class MatchedProduct:
    """A firm product that matched the gap, and why.

    kind: one of MATCH_KINDS; term: the query term it matched (node name, keyword or
    sub-product); strength: the kind's strength; share: the product's share factor in
    [0, 1]; value: the product-match value it yields; weight: the raw revenue share."""

    product: str
    kind: str
    term: str
    strength: float
    share: float
    value: float
    weight: float | None


@dataclass
class Recommendation:
    """One ranked firm: total score, factor breakdown (sums to the score) and matches."""

    rank: int
    id: str
    name: str
    score: float
    factors: dict[str, Factor] = field(default_factory=dict)
    matched: list[MatchedProduct] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready dict (factor name → {value, weight, contribution})."""
        return {
            "rank": self.rank,
            "id": self.id,
            "name": self.name,
            "score": self.score,
            "factors": {k: asdict(v) for k, v in self.factors.items()},
            "matched": [asdict(m) for m in self.matched],
        }
