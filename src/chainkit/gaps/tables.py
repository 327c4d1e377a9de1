"""Input tables and settings for the gap analytics (DESIGN.md §4).

Every input is a plain dataclass; callers may pass dicts with the same keys instead
(`coerce_rows` converts them). Money is in 元 throughout; the UI converts for display.
"""

from __future__ import annotations

import math
from collections.abc import Hashable, Iterable, Mapping
from dataclasses import dataclass, field, fields
from typing import Any, TypeVar

from ..errors import InputError

__all__ = [
    "Node",
    "Link",
    "Firm",
    "Product",
    "Master",
    "Demand",
    "SupplyTie",
    "TownOutput",
    "TownTotal",
    "GapSettings",
    "validate_settings",
    "coerce_row",
    "coerce_rows",
    "format_amount",
    "LINK_STATUSES",
]

Id = Hashable

LINK_STATUSES = ("confirmed", "auto", "rejected")


# slots=True, not frozen: a city has a million links and frozen dataclasses are
# markedly slower to construct; nothing in the engine mutates inputs.
@dataclass(slots=True)
class Node:
    """A node of a chain's map. A leaf is a node no other node names as its parent.

    `weight` is the BOM value share where known, else 1 (0 allowed: the node is
    listed but does not count towards completeness). `min_count` / `min_output`
    override the settings' minimum local firm count / local output for 短板. `keywords`
    tie a firm's products to the node when its output is split (see `attribution`)."""

    id: Id
    chain_id: Id
    parent_id: Id | None = None
    name: str = ""
    weight: float = 1.0
    is_core: bool = False
    min_count: int | None = None
    min_output: float | None = None
    keywords: tuple[str, ...] = ()


@dataclass(slots=True)
class Link:
    """A firm hung on a node (挂链): status confirmed / auto / rejected; score in [0, 1]."""

    firm_id: Id
    node_id: Id
    status: str = "confirmed"
    score: float | None = None


@dataclass(slots=True)
class Firm:
    """An enterprise. `town_id` None means outside the city; `output` is the year's
    output value (元), None when the firm reported none (no data, not zero). Revenue,
    R&D intensity and tags feed the chain-master shortlist."""

    id: Id
    town_id: Id | None = None
    active: bool = True
    output: float | None = 0.0
    name: str = ""
    revenue: float | None = None
    rd_intensity: float | None = None
    tags: tuple[str, ...] = ()


@dataclass(slots=True)
class Product:
    """A product of a firm with its share (0–1) of the firm's revenue; the shares split
    the firm's output over the nodes it hangs on (see `index_tables`)."""

    firm_id: Id
    name: str
    share: float


@dataclass(slots=True)
class Master:
    """A chain-master firm (链主企业) of a chain."""

    chain_id: Id
    firm_id: Id


@dataclass(slots=True)
class Demand:
    """A chain master's annual demand (元) for a node; `year` None = any year."""

    master_id: Id
    node_id: Id
    value: float
    year: int | None = None


@dataclass(slots=True)
class SupplyTie:
    """Supplier → customer for a node in a year; `value` the annual purchase (元) if known."""

    supplier_id: Id
    customer_id: Id
    node_id: Id | None = None
    year: int | None = None
    value: float | None = None


@dataclass(slots=True)
class TownOutput:
    """A town's output (元) in one chain."""

    town_id: Id
    chain_id: Id
    output: float


@dataclass(slots=True)
class TownTotal:
    """A town's total industrial output (元), all chains and none."""

    town_id: Id
    output: float


T = TypeVar("T")

_ROW_LABELS = {Node: "节点", Link: "挂链", Firm: "企业", Product: "产品", Master: "链主", Demand: "链主需求",
               SupplyTie: "供应关系", TownOutput: "镇街分链产出", TownTotal: "镇街总产出"}


def coerce_row(row: Any, cls: type[T], position: int) -> T:
    """Return one row as `cls` (converting a dict); `position` (0-based) names the row
    in the Chinese InputError raised for unknown / missing keys or another type."""
    if type(row) is cls:
        return row
    label = _ROW_LABELS.get(cls, "记录")
    if isinstance(row, Mapping):
        try:
            return cls(**row)
        except TypeError as exc:
            raise InputError(f"第{position + 1}条{label}字段有误：{exc}")
    raise InputError(f"第{position + 1}条{label}不是 {cls.__name__} 或字典")


def coerce_rows(rows: Iterable[Any] | None, cls: type[T]) -> list[T]:
    """Return `rows` as a list of `cls`, converting dicts with the same keys.

    Raises InputError ("第N条{表}字段有误") for a dict with unknown or missing keys."""
    if rows is None:
        return []
    # Fast path inline: most callers already pass dataclasses, by the hundred thousand.
    return [row if type(row) is cls else coerce_row(row, cls, i) for i, row in enumerate(rows)]


def format_amount(value: float | None) -> str:
    """Format 元 as Chinese text: 1.2亿, 3500万, 800元 (at most two decimals)."""
    if value is None:
        return "—"
    for unit, scale in (("亿", 1e8), ("万", 1e4)):
        if abs(value) >= scale:
            return f"{value / scale:.2f}".rstrip("0").rstrip(".") + unit
    return f"{value:.2f}".rstrip("0").rstrip(".") + "元"


def _default_tag_points() -> dict[str, float]:
    """Default points per firm tag for the shortlist's tag factor."""
    return {"上市": 0.4, "高新技术": 0.3, "专精特新": 0.3}


@dataclass(frozen=True)
class GapSettings:
    """Thresholds for the gap analytics; validated on construction (InputError).

    - auto_score_threshold: an auto link covers a node when score ≥ this (share, 0–1).
    - common_k: a part / supplier is common when ≥ k masters need / buy from it (k ≥ 1).
    - min_count / min_output: default minimum local firms / local output (元) per leaf
      node for it not to be 短板 (None = no minimum; nodes may override).
    - pillar_revenue / emerging_revenue: chain-master revenue thresholds (元),
      officially 50亿 for pillar and 10亿 for emerging chains.
    - weight_*: shortlist score weights (≥ 0, sum > 0); rd_intensity_cap: the R&D
      intensity (share) that earns the full R&D factor; tag_points: points per tag.
    - lq_min_town_output / lq_min_city_output: a location quotient is given only when
      the town's output in the chain and the city's are at least these (元); below,
      a few firms make the ratio explode and it says 样本不足 instead.
    """

    auto_score_threshold: float = 0.8
    common_k: int = 2
    min_count: int | None = None
    min_output: float | None = None
    pillar_revenue: float = 5e9
    emerging_revenue: float = 1e9
    weight_revenue: float = 0.4
    weight_suppliers: float = 0.3
    weight_rd: float = 0.2
    weight_tags: float = 0.1
    rd_intensity_cap: float = 0.05
    tag_points: Mapping[str, float] = field(default_factory=_default_tag_points)
    lq_min_town_output: float = 1e8
    lq_min_city_output: float = 1e9

    def __post_init__(self) -> None:
        """Refuse nonsense values with a Chinese message (InputError)."""
        _share("auto_score_threshold", "自动挂链分数阈值", self.auto_score_threshold)
        k = self.common_k
        if isinstance(k, bool) or not isinstance(k, int) or k < 1:
            raise InputError(f"共性配套链主数 k（common_k）须为不小于 1 的整数，当前为 {k!r}")
        mc = self.min_count
        if mc is not None and (isinstance(mc, bool) or not isinstance(mc, int) or mc < 0):
            raise InputError(f"最低本地企业数（min_count）须为不小于 0 的整数，当前为 {mc!r}")
        if self.min_output is not None:
            _non_negative("min_output", "最低本地产出", self.min_output)
        _non_negative("pillar_revenue", "支柱产业链链主营收门槛", self.pillar_revenue)
        _non_negative("emerging_revenue", "新兴产业链链主营收门槛", self.emerging_revenue)
        if self.emerging_revenue > self.pillar_revenue:
            raise InputError(
                f"新兴产业链链主营收门槛（{format_amount(self.emerging_revenue)}）"
                f"不应高于支柱产业链门槛（{format_amount(self.pillar_revenue)}）")
        total = 0.0
        for name in ("weight_revenue", "weight_suppliers", "weight_rd", "weight_tags"):
            total += _non_negative(name, "链主评分权重", getattr(self, name))
        if total <= 0:
            raise InputError("链主评分权重不能全为 0")
        _non_negative("lq_min_town_output", "区位商镇街该链最低产出", self.lq_min_town_output)
        _non_negative("lq_min_city_output", "区位商全市该链最低产出", self.lq_min_city_output)
        cap = _share("rd_intensity_cap", "研发强度满分线", self.rd_intensity_cap)
        if cap <= 0:
            raise InputError("研发强度满分线（rd_intensity_cap）须大于 0")
        if not isinstance(self.tag_points, Mapping):
            raise InputError("标签分值（tag_points）须为“标签: 分值”的映射")
        for tag, points in self.tag_points.items():
            if not isinstance(tag, str) or not tag.strip():
                raise InputError(f"标签分值中的标签名无效：{tag!r}")
            _non_negative("tag_points", f"标签“{tag}”的分值", points)


def _number(key: str, label: str, value: Any) -> float:
    """A finite int/float (not bool) as float, else InputError."""
    # bool is an int in Python; a checkbox value slipping into a threshold is nonsense.
    if isinstance(value, bool) or not isinstance(value, int | float) or not math.isfinite(value):
        raise InputError(f"{label}（{key}）须为有限数字，当前为 {value!r}")
    return float(value)


def _non_negative(key: str, label: str, value: Any) -> float:
    """A finite number ≥ 0, else InputError."""
    number = _number(key, label, value)
    if number < 0:
        raise InputError(f"{label}（{key}）不能为负数，当前为 {value!r}")
    return number


def _share(key: str, label: str, value: Any) -> float:
    """A share in [0, 1], else InputError."""
    number = _number(key, label, value)
    if not 0 <= number <= 1:
        raise InputError(f"{label}（{key}）是比例，须在 0 到 1 之间，当前为 {value!r}")
    return number


def validate_settings(values: Mapping[str, Any] | GapSettings | None = None) -> GapSettings:
    """Build GapSettings from a mapping (e.g. Django settings), refusing unknown keys and
    nonsense values (negative, a share > 1, k < 1, …) with a Chinese InputError."""
    if values is None:
        return GapSettings()
    if isinstance(values, GapSettings):
        return values
    if not isinstance(values, Mapping):
        raise InputError("链分析设置须为“设置项: 值”的映射")
    known = {f.name for f in fields(GapSettings)}
    unknown = sorted(str(key) for key in values if key not in known)
    if unknown:
        raise InputError(f"未知的链分析设置项：{'、'.join(unknown)}")
    return GapSettings(**values)
