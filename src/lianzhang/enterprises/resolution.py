"""Firm-name resolution in the app: every place a firm is named (imports, forms, the
API) goes through here, so a confident match links, an ambiguous one is queued for
review and nothing silently creates a duplicate. The matching itself is
`chainkit.resolve`."""

from __future__ import annotations

import threading
from dataclasses import dataclass
from typing import Any

from django.db.models import Count, Max, QuerySet
from rapidfuzz.distance import Levenshtein

from chainkit.resolve import (
    AMBIGUOUS,
    CONFIDENT,
    NONE,
    Decision,
    Record,
    Resolver,
    core_name,
    normalize_name,
)
from chainkit.uscc import normalize_uscc

from .choices import NameKind
from .models import Enterprise, EnterpriseName

__all__ = ["RegistryIndex", "registry_index", "Match", "core_similarity", "CONFIDENT",
           "AMBIGUOUS", "NONE"]

# The engine's scorer is fitted on short names against full names, so it rewards a
# shared region and industry tail ("青岛…航空装备有限公司"). Full names typed into
# imports need the distinctive cores to agree too: a candidate whose core is close
# (a typo: ≥ STRONG) may be linked, a borderline one (≥ WEAK) is only queued, and a
# farther one is a different firm.
STRONG, WEAK = 0.8, 0.75
# The engine's reason for a USCC match (a USCC match needs no name check).
USCC_REASON = "统一社会信用代码一致"


@dataclass
class Match:
    """A resolution outcome the app acts on."""

    status: str  # confident / ambiguous / none
    enterprise_id: int | None
    score: float
    candidates: list[dict[str, Any]]


def _records(queryset: QuerySet[Enterprise]) -> list[Record]:
    aliases: dict[int, list[str]] = {}
    former: dict[int, list[str]] = {}
    names = EnterpriseName.objects.filter(enterprise__in=queryset).values_list(
        "enterprise_id", "name", "kind")
    for firm_id, name, kind in names:
        (former if kind == NameKind.FORMER else aliases).setdefault(firm_id, []).append(name)
    records = []
    for pk, name, uscc, short in queryset.values_list("pk", "name", "uscc", "short_name"):
        alias = aliases.get(pk, [])
        if short:
            alias = [short, *alias]
        records.append(Record(id=str(pk), name=name, uscc=uscc or "", aliases=tuple(alias),
                              former_names=tuple(former.get(pk, []))))
    return records


class RegistryIndex:
    """A resolver over a registry queryset that also knows the firms added since it
    was built (exactly by USCC and normalised name, fuzzily after periodic rebuilds)."""

    def __init__(self, queryset: QuerySet[Enterprise] | None = None) -> None:
        qs = queryset if queryset is not None else Enterprise.objects.all()
        self.resolver = Resolver(_records(qs))
        self.names: dict[str, str] = {}
        self.usccs: dict[str, str] = {}  # firm id → USCC, of the firms added
        # Firms added during an import: found exactly (USCC, normalised name) and by
        # a cheap incremental core-name index (no engine index rebuilt per batch, which
        # made long imports quadratic).
        self.added = AddedIndex()

    def add(self, firm: Enterprise) -> None:
        """Make a newly saved firm findable by later rows of the same import."""
        self.names[normalize_name(firm.name)] = str(firm.pk)
        if firm.uscc:
            self.names["uscc:" + firm.uscc] = str(firm.pk)
            self.usccs[str(firm.pk)] = firm.uscc
        self.added.add(firm.pk, firm.name)

    def resolve(self, name: str, uscc: str | None = None) -> Match:
        """Best match for a firm name (USCC first), classified for the caller."""
        uscc = normalize_uscc(uscc)
        if uscc and ("uscc:" + uscc) in self.names:
            return Match(CONFIDENT, int(self.names["uscc:" + uscc]), 1.0, [])
        key = normalize_name(name)
        # An added firm of the same name but another USCC is another firm: the row's
        # USCC may well be a registered firm's (the resolver below finds it).
        if key in self.names and not (uscc and self.usccs.get(self.names[key], uscc) != uscc):
            return Match(CONFIDENT, int(self.names[key]), 1.0, [])
        decision: Decision = self.resolver.best(name, uscc or None)
        candidates = [{"id": int(c.id), "score": c.score, "reasons": c.reasons,
                       "name": c.matched_name} for c in decision.candidates][:5]
        firm_id = int(decision.id) if decision.id else None
        status = decision.status
        by_uscc = any(USCC_REASON in c["reasons"] for c in candidates[:1])
        if by_uscc and status == CONFIDENT:
            # The same USCC is the same firm: look-alikes added by this import are others.
            return Match(status, firm_id, decision.score, candidates)
        if status != NONE and not by_uscc:
            status, firm_id, candidates = _guard(name, status, firm_id, candidates)
        # Firms updated by earlier rows are in both indexes: count each firm once.
        known = {c["id"] for c in candidates}
        close = [c for c in self.added.similar(name) if c["id"] not in known]
        if not close:
            return Match(status, firm_id, decision.score, candidates)
        strong = [c for c in close if c["core_similarity"] >= STRONG]
        if status != CONFIDENT and not candidates and len(close) == 1 and strong:
            return Match(CONFIDENT, strong[0]["id"], strong[0]["score"], close)
        if status == CONFIDENT and not strong:
            return Match(status, firm_id, decision.score, candidates)
        return Match(AMBIGUOUS, None, decision.score, (candidates + close)[:5])


class AddedIndex:
    """Firms added during one import, searchable by their core names: character
    bigrams point to firms, the firms sharing the most bigrams are compared by
    `core_similarity`. Adding is O(name length); nothing is ever rebuilt."""

    COMMON = 2000  # bigrams in more names than this (行业词) do not select candidates

    def __init__(self) -> None:
        self.postings: dict[str, list[int]] = {}
        self.names: dict[int, str] = {}

    @staticmethod
    def _bigrams(name: str) -> set[str]:
        core = core_name(name) or normalize_name(name)
        return {core[i:i + 2] for i in range(len(core) - 1)} or {core}

    def add(self, pk: int, name: str) -> None:
        """Index one firm."""
        self.names[pk] = name
        for gram in self._bigrams(name):
            self.postings.setdefault(gram, []).append(pk)

    def similar(self, name: str, limit: int = 20) -> list[dict[str, Any]]:
        """Added firms whose core is at least WEAK-similar to `name`'s."""
        grams = [g for g in self._bigrams(name) if g in self.postings]
        rare = [g for g in grams if len(self.postings[g]) <= self.COMMON] or grams[:1]
        counts: dict[int, int] = {}
        for gram in rare:
            for pk in self.postings[gram]:
                counts[pk] = counts.get(pk, 0) + 1
        found = []
        for pk, _n in sorted(counts.items(), key=lambda kv: -kv[1])[:limit]:
            similarity = core_similarity(name, self.names[pk])
            if similarity >= WEAK:
                found.append({"id": pk, "score": round(similarity, 3), "name": self.names[pk],
                              "reasons": [f"名称相似 {similarity:.2f}"],
                              "core_similarity": round(similarity, 3)})
        return sorted(found, key=lambda c: -c["score"])


def core_similarity(query: str, candidate: str) -> float:
    """How plausibly two firm names are the same firm by their cores: 1 when equal or
    one contains the other (a short name), else the normalised edit similarity."""
    a = core_name(query) or normalize_name(query)
    b = core_name(candidate) or normalize_name(candidate)
    if not a or not b:
        return 0.0
    if a in b or b in a:
        return 1.0
    return Levenshtein.normalized_similarity(a, b)


def _guard(name: str, status: str, enterprise_id: int | None,
           candidates: list[dict[str, Any]]) -> tuple[str, int | None, list[dict[str, Any]]]:
    """Drop candidates whose core is too far from the name; a confident match whose
    core is only borderline becomes ambiguous (queued); with no plausible candidate
    left the name is new."""
    kept = []
    for cand in candidates:
        similarity = core_similarity(name, cand["name"])
        if similarity >= WEAK:
            kept.append({**cand, "core_similarity": round(similarity, 3)})
    if not kept:
        return NONE, None, []
    if status == CONFIDENT:
        top = next((c for c in kept if c["id"] == enterprise_id), None)
        if top is not None and top["core_similarity"] >= STRONG:
            return CONFIDENT, enterprise_id, kept
        return AMBIGUOUS, None, kept
    return (AMBIGUOUS if status == AMBIGUOUS or len(kept) > 1 else status), None, kept


_cache: dict[str, Any] = {}
_lock = threading.Lock()


def registry_index() -> RegistryIndex:
    """A process-wide index of the whole registry, rebuilt when the registry changed
    (count or last update of firms and their names)."""
    firms = Enterprise.objects.aggregate(n=Count("pk"), t=Max("last_updated"))
    names = EnterpriseName.objects.aggregate(n=Count("pk"), t=Max("last_updated"))
    version = (firms["n"], firms["t"], names["n"], names["t"])
    with _lock:
        if _cache.get("version") != version:
            _cache["index"] = RegistryIndex()
            _cache["version"] = version
        return _cache["index"]
