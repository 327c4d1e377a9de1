"""Reading a firm pool into plain columns: the first half of `PoolIndex.build`.

One pass over the firms validates them (ids present and unique, as many weights as
products) and collects Python lists; `PoolIndex.build` then turns them into numpy
arrays. Kept apart so the index module is about layout and queries."""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from ..errors import InputError
from ..text import normalize
from .model import Firm

__all__ = ["SEP", "PoolColumns", "collect"]

SEP = "\x00"  # removed from every product and term, so it only ever separates


@dataclass
class PoolColumns:
    """A pool as lists: firms in input order, products deduplicated per firm and
    numbered in a vocabulary of normalised strings, occurrences in firm order."""

    ids: list[str] = field(default_factory=list)
    names: list[str] = field(default_factory=list)
    id_pos: dict[str, int] = field(default_factory=dict)
    vocab: list[str] = field(default_factory=list)
    vocab_pos: dict[str, int] = field(default_factory=dict)
    firm_ptr: list[int] = field(default_factory=lambda: [0])
    occ_prod: list[int] = field(default_factory=list)
    occ_weight: list[float] = field(default_factory=list)
    occ_raw: list[int] = field(default_factory=list)
    raw_text: list[str] = field(default_factory=list)
    revenue: list[float] = field(default_factory=list)
    growth: list[float] = field(default_factory=list)
    listed: list[bool] = field(default_factory=list)
    supplies: list[int] = field(default_factory=list)
    band: list[int] = field(default_factory=list)
    region_pos: dict[str, int] = field(default_factory=lambda: {"": 0})
    region_code: list[int] = field(default_factory=list)
    tag_pos: dict[str, int] = field(default_factory=dict)
    tag_ptr: list[int] = field(default_factory=lambda: [0])
    tag_code: list[int] = field(default_factory=list)


def collect(firms: Iterable[Firm | Mapping[str, Any]]) -> PoolColumns:
    """The pool's columns; InputError on an empty or duplicate id and on products and
    weights of different lengths (nothing is returned then)."""
    cols = PoolColumns()
    raw_pos: dict[str, int] = {}
    for n, item in enumerate(firms, start=1):
        firm = item if isinstance(item, Firm) else Firm(**item)
        fid = str(firm.id).strip()
        if not fid:
            raise InputError(f"第 {n} 家企业缺少 id")
        if fid in cols.id_pos:
            raise InputError(f"企业 id 重复：{fid}")
        cols.id_pos[fid] = len(cols.ids)
        cols.ids.append(fid)
        cols.names.append(firm.name)
        weights = list(firm.weights) or [None] * len(firm.products)
        if len(weights) != len(firm.products):
            raise InputError(f"企业 {fid} 的权重个数（{len(weights)}）与产品个数（{len(firm.products)}）不一致")
        seen: set[str] = set()
        for raw, w in zip(firm.products, weights, strict=True):
            key = normalize(raw).replace(SEP, "")
            if not key or key in seen:  # a product listed twice counts once
                continue
            seen.add(key)
            pid = cols.vocab_pos.get(key)
            if pid is None:
                pid = cols.vocab_pos[key] = len(cols.vocab)
                cols.vocab.append(key)
            cols.occ_prod.append(pid)
            cols.occ_weight.append(math.nan if w is None else float(w))
            # Display text deduplicated (and the same object as the key when equal):
            # millions of occurrences must not each hold their own string.
            rid = raw_pos.get(raw)
            if rid is None:
                rid = raw_pos[raw] = len(cols.raw_text)
                cols.raw_text.append(cols.vocab[pid] if key == raw else raw)
            cols.occ_raw.append(rid)
        cols.firm_ptr.append(len(cols.occ_prod))
        cols.revenue.append(math.nan if firm.revenue is None else float(firm.revenue))
        cols.growth.append(math.nan if firm.growth is None else float(firm.growth))
        cols.listed.append(bool(firm.listed))
        cols.supplies.append(int(firm.supplies_local or 0))
        cols.band.append(-1 if firm.distance_band is None else int(firm.distance_band))
        cols.region_code.append(cols.region_pos.setdefault(firm.region or "",
                                                           len(cols.region_pos)))
        for tag in dict.fromkeys(t.strip() for t in firm.tags if t and t.strip()):
            cols.tag_code.append(cols.tag_pos.setdefault(tag, len(cols.tag_pos)))
        cols.tag_ptr.append(len(cols.tag_code))
    return cols
