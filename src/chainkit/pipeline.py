"""Lead pipeline metrics (靶向招引): the funnel with conversion rates and the cycle time
first contact → signed (DESIGN.md §4 "Cycle times"), overall and per group (officer,
chain, town). Pure Python, no Django: the app turns its leads into `LeadRecord`s.

Definitions (the UI quotes `DEF_FUNNEL` and `DEF_CYCLE`):

- A lead *reached* a live stage when it was ever in that stage or in a later live
  stage (skipping 考察 on the way to 洽谈 still passes it); 搁置/放弃 do not undo what a
  lead reached. The funnel counts leads per reached stage.
- Conversion of a step = leads that reached the next stage / leads that reached this
  one; overall conversion = reached 签约 / all leads.
- Cycle time = signed date − first-contact date, in days, over leads with both
  dates; the median is the headline figure (mean, min, max and n alongside).

    records = [LeadRecord("1", "signed", {"lead": d0, "contact": d1, "signed": d2})]
    f = funnel(records)          # Funnel(counts=..., conversions=..., overall=...)
    c = cycle_times(records)     # CycleTimes(n=1, median=(d2 - d1).days, ...)
    by_chain = funnel_by(records, "chain")
"""

from __future__ import annotations

import statistics
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date

from .errors import InputError

__all__ = ["STAGES", "LIVE_STAGES", "SIDE_STAGES", "DEF_FUNNEL", "DEF_CYCLE", "LeadRecord",
           "Funnel", "CycleTimes", "funnel", "cycle_times", "funnel_by", "cycle_times_by",
           "furthest_stage"]

#: Live stages in order: 线索 → 接洽 → 考察 → 洽谈 → 签约 → 落地.
LIVE_STAGES = ("lead", "contact", "visit", "negotiation", "signed", "landed")
#: Side stages (搁置, 放弃): a lead leaves the line but keeps what it reached.
SIDE_STAGES = ("on_hold", "dropped")
STAGES = LIVE_STAGES + SIDE_STAGES

DEF_FUNNEL = ("漏斗：某阶段的线索数 = 曾到达该阶段或其后任一阶段的线索数（跳过的阶段视为经过；搁置/放弃不减少已到达的阶段）；"
              "转化率 = 到达下一阶段的线索数 / 到达本阶段的线索数；总转化率 = 到达签约的线索数 / 全部线索数")
DEF_CYCLE = "周期：签约日期 − 首次接洽日期（天），只计两个日期都有的线索；以中位数为主，同时给出平均值、最小值、最大值和样本数"

_POS = {stage: i for i, stage in enumerate(LIVE_STAGES)}
SIGNED = "signed"
CONTACT = "contact"


@dataclass(frozen=True)
class LeadRecord:
    """One lead as the metrics see it.

    stage: the current stage (one of STAGES); reached: live stage → date the lead first
    entered it (stages it skipped may be absent); first_contact / signed: explicit dates
    that override what `reached` implies; groups: e.g. {"officer": "张三", "chain": "智能家电"}."""

    id: str
    stage: str
    reached: Mapping[str, date] = field(default_factory=dict)
    first_contact: date | None = None
    signed: date | None = None
    groups: Mapping[str, str] = field(default_factory=dict)

    def __post_init__(self) -> None:
        if self.stage not in STAGES:
            raise InputError(f"线索 {self.id} 的阶段“{self.stage}”无效（可用：{'、'.join(STAGES)}）")
        unknown = sorted(set(self.reached) - set(LIVE_STAGES))
        if unknown:
            raise InputError(f"线索 {self.id} 的到达记录含未知阶段：{'、'.join(unknown)}")

    def contact_date(self) -> date | None:
        """First contact: the explicit date, else the date it reached 接洽, else (接洽
        skipped) the earliest date of a later stage."""
        if self.first_contact is not None:
            return self.first_contact
        if self.reached.get(CONTACT):
            return self.reached[CONTACT]
        dates = [d for s, d in self.reached.items() if _POS[s] >= _POS[CONTACT] and d]
        return min(dates) if dates else None

    def signed_date(self) -> date | None:
        """Signing: the explicit date, else the date it reached 签约."""
        return self.signed if self.signed is not None else self.reached.get(SIGNED)


def furthest_stage(record: LeadRecord) -> int:
    """Index in LIVE_STAGES of the furthest live stage the lead reached (0 = 线索)."""
    positions = [_POS[s] for s in record.reached]
    if record.stage in _POS:
        positions.append(_POS[record.stage])
    if record.signed is not None:
        positions.append(_POS[SIGNED])
    return max(positions, default=0)


@dataclass(frozen=True)
class Funnel:
    """Leads per reached stage, step conversions (None when the step has no leads) and
    the overall conversion 线索 → 签约 (None for an empty set)."""

    total: int
    counts: dict[str, int]
    conversions: dict[str, float | None]  # "contact" = reached 接洽 / reached 线索 …
    overall: float | None
    current: dict[str, int]  # leads per current stage, side stages included
    definition: str = DEF_FUNNEL


@dataclass(frozen=True)
class CycleTimes:
    """Days from first contact to signing over the leads that have both dates."""

    n: int
    median: float | None
    mean: float | None
    minimum: int | None
    maximum: int | None
    days: tuple[int, ...]
    definition: str = DEF_CYCLE


def funnel(records: Iterable[LeadRecord]) -> Funnel:
    """The funnel over `records` (see the module docstring for the definitions)."""
    records = list(records)
    counts = dict.fromkeys(LIVE_STAGES, 0)
    current = dict.fromkeys(STAGES, 0)
    for record in records:
        reach = furthest_stage(record)
        for stage in LIVE_STAGES[:reach + 1]:
            counts[stage] += 1
        current[record.stage] += 1
    conversions: dict[str, float | None] = {}
    for before, after in zip(LIVE_STAGES, LIVE_STAGES[1:], strict=False):
        conversions[after] = counts[after] / counts[before] if counts[before] else None
    overall = counts[SIGNED] / len(records) if records else None
    return Funnel(total=len(records), counts=counts, conversions=conversions,
                  overall=overall, current=current)


def cycle_times(records: Iterable[LeadRecord]) -> CycleTimes:
    """First contact → signed, in days. A signing dated before its first contact is
    bad input (InputError naming the lead), not a negative cycle."""
    days: list[int] = []
    for record in records:
        start, end = record.contact_date(), record.signed_date()
        if start is None or end is None:
            continue
        span = (end - start).days
        if span < 0:
            raise InputError(f"线索 {record.id} 的签约日期（{end}）早于首次接洽日期（{start}）")
        days.append(span)
    if not days:
        return CycleTimes(0, None, None, None, None, ())
    return CycleTimes(n=len(days), median=float(statistics.median(days)),
                      mean=statistics.fmean(days), minimum=min(days), maximum=max(days),
                      days=tuple(sorted(days)))


def _groups(records: Iterable[LeadRecord], key: str) -> dict[str, list[LeadRecord]]:
    out: dict[str, list[LeadRecord]] = {}
    for record in records:
        out.setdefault(record.groups.get(key, "") or "", []).append(record)
    return dict(sorted(out.items()))


def funnel_by(records: Iterable[LeadRecord], key: str) -> dict[str, Funnel]:
    """The funnel per value of `record.groups[key]` (missing → "")."""
    return {name: funnel(items) for name, items in _groups(records, key).items()}


def cycle_times_by(records: Iterable[LeadRecord], key: str) -> dict[str, CycleTimes]:
    """Cycle times per value of `record.groups[key]` (missing → "")."""
    return {name: cycle_times(items) for name, items in _groups(records, key).items()}
