"""Pairwise features and the scoring function for (query name, registry name).

A short name is usually made of characters of the full name in order, dropping the
region and the legal form (远望谷 ← 深圳市远望谷信息技术股份有限公司), sometimes with a
one-character region abbreviation (粤电力A ← 广东电力发展). The features measure that:
in-order coverage (LCS) of the query by the registry name and its core, IDF-weighted
character coverage (rare characters carry the identity), a shared start, contiguity,
and how much of the registry core the query leaves unexplained.

`logit` combines them linearly; the resolver turns the candidates' logits into
probabilities with a softmax that also holds a "none of them" option (NONE_LOGIT).
The weights were fitted once by maximum likelihood of that softmax on development
data (a conditional logit; nested 5-fold cross-validation in docs/bench-resolve.md)
and are shipped here as constants, so no data file is needed at run time.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from rapidfuzz.distance import LCSseq

from ..text import normalize
from .normalize import (
    _BRACKET,
    _strip_forms,
    clean_name,
    core_name,
    leading_region,
    strip_market_marks,
)
from .regions import ABBREVIATIONS

__all__ = ["NameForms", "FEATURES", "WEIGHTS", "NONE_LOGIT", "name_forms", "features", "logit"]


@dataclass(frozen=True, slots=True)
class NameForms:
    """The forms of one name compared by the scorer.

    `clean` is the cleaned full name, `body` the cleaned name without brackets and
    legal form (regions kept), `core` the distinctive part, `regions` the regions
    the registered name states, `marked` whether stock markers (*ST …) were removed."""

    clean: str
    body: str
    core: str
    regions: frozenset[str] = frozenset()
    marked: bool = False


def name_forms(name: str, regions: frozenset[str] = frozenset()) -> NameForms:
    """Compute the compared forms of a name (see `NameForms`)."""
    clean = clean_name(name)
    body = _strip_forms(_BRACKET.sub(r"\1", clean)) or clean
    marked = strip_market_marks(normalize(name)) != normalize(name)
    return NameForms(clean=clean, body=body, core=core_name(name) or body, regions=regions,
                     marked=marked)


FEATURES: tuple[str, ...] = (
    "exact",            # query body equals the registry body or core
    "exact_core",       # cores equal and the stated regions are compatible
    "lcs_body",         # in-order share of the query found in the registry body
    "idf_lcs_body",     # the same, IDF-weighted
    "blocks",           # (contiguous pieces of that alignment − 1) / query length
    "lcs_core",         # in-order share of the query found in the registry core
    "core_explained",   # share of the registry core the query covers in order
    "lcs_clean",        # in-order share of the query with its form (集团/股份) in the full name
    "idf_cover",        # IDF-weighted share of query characters present in the body
    "idf_unexplained",  # IDF-weighted share of core characters absent from the query
    "core_prefix",      # shared start with the core (0, 0.5 one char, 1 two+)
    "body_prefix",      # shared start with the body (0, 0.5 one char, 1 two+)
    "contiguous",       # the query (after abbreviation) is a substring of the body
    "clean_contiguous", # the query with its form is a substring of the full name
    "abbreviation",     # leading region abbreviation consistent with the firm's region
    "region_hit",       # the query's leading region is one the firm states or contains
    "region_conflict",  # the query's leading region is one the firm neither states nor contains
    "marked",           # the query carried stock markers (*ST, 退市 …): often renamed since
    "short_query",      # 1 / query length: short queries are weaker evidence
)

# Fitted weights, ordered as FEATURES, and the logit of "none of the candidates":
# a conditional-logit (softmax) model fitted by maximum likelihood on the development
# queries with `bench/resolve_bench.py --fit` (see docs/bench-resolve.md).
WEIGHTS: tuple[float, ...] = (
    -0.002, -0.732, 0.744, 4.069, 1.329, -3.388, 2.607, 11.457, 5.25, -0.543,
    3.287, 0.1, 1.975, 0.885, -0.581, 1.148, 2.082, -2.713, -2.322,
)
NONE_LOGIT: float = 11.640


def _lcs_share(a: str, b: str) -> float:
    """Length of the longest common subsequence of a and b over len(a)."""
    return LCSseq.similarity(a, b) / len(a) if a else 0.0


def _common_prefix(a: str, b: str) -> int:
    """Length of the common prefix of a and b."""
    n = 0
    for x, y in zip(a, b, strict=False):
        if x != y:
            break
        n += 1
    return n


def _alignment(q: str, weight: list[float], body: str) -> tuple[int, float, int]:
    """In-order alignment of q into body: matched characters, their IDF weight, and
    the number of contiguous matched pieces."""
    matched, matched_weight, blocks = 0, 0.0, 0
    for op in LCSseq.opcodes(q, body):
        if op.tag == "equal":
            blocks += 1
            matched += op.src_end - op.src_start
            matched_weight += sum(weight[op.src_start:op.src_end])
    return matched, matched_weight, blocks


def features(query: NameForms, target: NameForms, idf: Mapping[str, float],
             default_idf: float) -> tuple[float, ...]:
    """Feature vector (ordered as FEATURES) for a query against one registry name."""
    q = query.body
    body, core = target.body, target.core or target.body
    abbreviation = region_hit = conflict = 0.0
    lead = leading_region(q)
    if len(q) >= 3 and q[0] not in body and not lead:
        # 粤电力 → 广东电力发展: a leading province/city abbreviation absent from the
        # body but consistent with the firm's stated region counts as matched.
        regions = ABBREVIATIONS.get(q[0])
        if regions and regions & target.regions:
            abbreviation, q = 1.0, q[1:]
    elif lead and len(q) - len(lead[0]) >= 2:
        # 浦东金桥 → 上海金桥出口加工区开发: a leading region the firm states (or
        # contains) is matched; the rest of the query is compared on its own.
        if lead[1] in target.regions or lead[1] in target.clean:
            region_hit, q = 1.0, q[len(lead[0]):]
        else:
            conflict = 1.0
    weight = [idf.get(ch, default_idf) for ch in q]
    total = sum(weight) or 1.0
    cover = sum(w for ch, w in zip(q, weight, strict=True) if ch in body) / total
    matched, matched_weight, blocks = _alignment(q, weight, body)
    core_weight = [idf.get(ch, default_idf) for ch in core]
    core_total = sum(core_weight) or 1.0
    unexplained = sum(w for ch, w in zip(core, core_weight, strict=True) if ch not in q)
    has_form = query.clean != query.body
    return (
        1.0 if q in (body, core) else 0.0,
        1.0 if query.core == core and not conflict else 0.0,
        matched / len(q),
        matched_weight / total,
        max(blocks - 1, 0) / len(q),
        _lcs_share(q, core),
        LCSseq.similarity(q, core) / len(core) if core else 0.0,
        _lcs_share(query.clean, target.clean),
        cover,
        unexplained / core_total,
        min(_common_prefix(q, core), 2) / 2.0,
        min(_common_prefix(q, body), 2) / 2.0,
        1.0 if q in body else 0.0,
        1.0 if has_form and query.clean in target.clean else 0.0,
        abbreviation,
        region_hit,
        conflict,
        1.0 if query.marked else 0.0,
        1.0 / len(query.body),
    )


def logit(values: tuple[float, ...]) -> float:
    """The candidate's logit w·features (compared with the other candidates' and
    with NONE_LOGIT in a softmax)."""
    return sum(w * v for w, v in zip(WEIGHTS, values, strict=True))
