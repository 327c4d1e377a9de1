"""Chain-master shortlist: official revenue thresholds as filters, then a weighted score.

Score (documented in DEF_SHORTLIST, weights from GapSettings, default 0.4/0.3/0.2/0.1):
- 营收 revenue: revenue / the highest revenue among the eligible firms;
- 本地配套 local suppliers served: distinct local suppliers the firm buys from in the
  year (supply ties) / the highest such count among the eligible firms (0 if all 0);
- 研发强度 R&D intensity: min(intensity / rd_intensity_cap, 1), missing = 0;
- 标签 tags: min(Σ tag_points of the firm's tags, 1).
score = Σ weight × factor / Σ weight, so it lies in [0, 1].
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from ..errors import InputError
from .index import GapData
from .tables import Id, format_amount

__all__ = ["Factor", "ShortlistEntry", "Excluded", "ShortlistResult", "master_shortlist",
           "DEF_SHORTLIST", "PILLAR", "EMERGING"]

PILLAR, EMERGING = "pillar", "emerging"
_KINDS = {PILLAR: PILLAR, "支柱": PILLAR, EMERGING: EMERGING, "新兴": EMERGING}
_KIND_LABEL = {PILLAR: "支柱产业链", EMERGING: "新兴产业链"}
DEF_SHORTLIST = ("链主候选：营收达到门槛（{kind} ≥ {threshold}）的企业，按加权得分排序；得分 = Σ 权重 × 因子 / Σ 权重，"
                 "因子：营收/候选最高营收，本地供应商数/候选最高数，min(研发强度/{cap:g}, 1)，min(标签分值和, 1)")


@dataclass(frozen=True)
class Factor:
    """One factor of a firm's score: raw value, normalised factor (0–1), weight and
    contribution (= weight × factor / Σ weights)."""

    name: str
    label: str
    raw: float
    factor: float
    weight: float
    contribution: float


@dataclass(frozen=True)
class ShortlistEntry:
    """A ranked candidate with its score and factor breakdown."""

    rank: int
    firm_id: Id
    name: str
    revenue: float
    local_suppliers: int
    score: float
    factors: tuple[Factor, ...]


@dataclass(frozen=True)
class Excluded:
    """A candidate filtered out, with the reason in Chinese."""

    firm_id: Id
    name: str
    reason: str


@dataclass(frozen=True)
class ShortlistResult:
    """The shortlist: ranked `items`, `excluded` with reasons, and the definition used."""

    chain_id: Id | None
    kind: str
    threshold: float
    items: tuple[ShortlistEntry, ...]
    excluded: tuple[Excluded, ...]
    definition: str
    basis: str


def _candidates(data: GapData, chain_id: Id | None) -> list[Id]:
    """Local firms with a qualifying link on any node of the chain (all local firms if None)."""
    if chain_id is None:
        return list(data.local_output)
    seen: dict[Id, None] = {}
    for node_id in data.chain_nodes.get(chain_id, ()):
        for firm_id in data.node_firms.get(node_id, ()):
            seen[firm_id] = None
    return list(seen)


def _local_suppliers(data: GapData, firm_id: Id) -> int:
    """Distinct local suppliers the firm buys from in the index year."""
    return len({t.supplier_id for t in data.ties_by_customer.get(firm_id, ())
                if t.supplier_id in data.local_output})


def master_shortlist(
    data: GapData,
    chain_id: Id | None = None,
    *,
    kind: str = PILLAR,
    candidate_ids: Iterable[Id] | None = None,
) -> ShortlistResult:
    """Shortlist chain-master candidates for a chain of `kind` "pillar"/"支柱" (revenue ≥
    settings.pillar_revenue, officially 50亿) or "emerging"/"新兴" (≥ emerging_revenue,
    officially 10亿), ranked by the weighted score in this module's docstring.
    Candidates default to the local firms linked to the chain (all local firms when
    chain_id is None)."""
    kind_key = _KINDS.get(kind)
    if kind_key is None:
        raise InputError(f"产业链类型“{kind}”无效（应为 pillar/支柱 或 emerging/新兴）")
    cfg = data.settings
    threshold = cfg.pillar_revenue if kind_key == PILLAR else cfg.emerging_revenue
    ids = list(dict.fromkeys(candidate_ids)) if candidate_ids is not None else _candidates(data, chain_id)
    eligible = []
    excluded = []
    for firm_id in ids:
        firm = data.firms.get(firm_id)
        if firm is None:
            excluded.append(Excluded(firm_id, str(firm_id), "企业不在名录中"))
            continue
        name = firm.name or str(firm_id)
        if not firm.active:
            excluded.append(Excluded(firm_id, name, "企业非存续状态"))
        elif firm.revenue is None:
            excluded.append(Excluded(firm_id, name, "无营收数据"))
        elif firm.revenue < threshold:
            excluded.append(Excluded(firm_id, name, f"营收 {format_amount(firm.revenue)} 低于"
                                     f"{_KIND_LABEL[kind_key]}门槛 {format_amount(threshold)}"))
        else:
            eligible.append((firm, _local_suppliers(data, firm_id)))

    weights = {"revenue": cfg.weight_revenue, "suppliers": cfg.weight_suppliers,
               "rd": cfg.weight_rd, "tags": cfg.weight_tags}
    total_w = sum(weights.values())  # > 0, GapSettings guarantees it
    max_rev = max((f.revenue for f, _ in eligible), default=0.0)
    max_sup = max((n for _, n in eligible), default=0)
    scored = []
    for firm, n_sup in eligible:
        rd = firm.rd_intensity or 0.0
        tag_sum = sum(cfg.tag_points.get(tag, 0.0) for tag in set(firm.tags))
        raw = {"revenue": float(firm.revenue), "suppliers": float(n_sup), "rd": float(rd),
               "tags": float(tag_sum)}
        norm = {
            "revenue": firm.revenue / max_rev if max_rev > 0 else 0.0,
            "suppliers": n_sup / max_sup if max_sup > 0 else 0.0,
            "rd": min(max(rd, 0.0) / cfg.rd_intensity_cap, 1.0),
            "tags": min(tag_sum, 1.0),
        }
        labels = {"revenue": "营收", "suppliers": "本地供应商数", "rd": "研发强度", "tags": "标签"}
        factors = tuple(Factor(key, labels[key], raw[key], norm[key], weights[key],
                               weights[key] * norm[key] / total_w) for key in weights)
        scored.append((sum(f.contribution for f in factors), firm, n_sup, factors))
    scored.sort(key=lambda s: (-s[0], -s[1].revenue, type(s[1].id).__name__, str(s[1].id)))
    items = tuple(
        ShortlistEntry(rank=i + 1, firm_id=firm.id, name=firm.name or str(firm.id),
                       revenue=float(firm.revenue), local_suppliers=n_sup, score=score,
                       factors=factors)
        for i, (score, firm, n_sup, factors) in enumerate(scored)
    )
    definition = DEF_SHORTLIST.format(kind=_KIND_LABEL[kind_key], threshold=format_amount(threshold),
                                      cap=cfg.rd_intensity_cap)
    weights_text = "、".join(f"{k} {v:g}" for k, v in weights.items())
    basis = (f"{data.scope_label()}；候选 {len(ids)} 家，达标 {len(items)} 家；权重 {weights_text}")
    return ShortlistResult(chain_id=chain_id, kind=kind_key, threshold=threshold, items=items,
                           excluded=tuple(excluded), definition=definition, basis=basis)
