"""Firm-name resolution in the app: every place a firm is named (imports, forms, the
API) goes through here, so a confident match links, an ambiguous one is queued for
review and nothing silently creates a duplicate. The matching itself is
`chainkit.resolve`."""

from __future__ import annotations

import threading
from dataclasses import dataclass
from typing import Any

from django.db.models import Count, Max, QuerySet

from chainkit.resolve import AMBIGUOUS, CONFIDENT, NONE, Decision, Record, Resolver, normalize_name
from chainkit.uscc import normalize_uscc

from .choices import NameKind
from .models import Enterprise, EnterpriseName

__all__ = ["RegistryIndex", "registry_index", "Match", "CONFIDENT", "AMBIGUOUS", "NONE"]

REBUILD_EVERY = 100  # firms added during one import before the fuzzy index is rebuilt


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
        self._added: list[Record] = []
        self._added_resolver: Resolver | None = None
        self._dirty = 0

    def add(self, firm: Enterprise) -> None:
        """Make a newly saved firm findable by later rows of the same import."""
        record = Record(id=str(firm.pk), name=firm.name, uscc=firm.uscc or "",
                        aliases=(firm.short_name,) if firm.short_name else ())
        self._added.append(record)
        self.names[normalize_name(firm.name)] = str(firm.pk)
        if firm.uscc:
            self.names["uscc:" + firm.uscc] = str(firm.pk)
        self._dirty += 1
        if self._dirty >= REBUILD_EVERY or self._added_resolver is None:
            self._added_resolver = Resolver(self._added)
            self._dirty = 0

    def resolve(self, name: str, uscc: str | None = None) -> Match:
        """Best match for a firm name (USCC first), classified for the caller."""
        uscc = normalize_uscc(uscc)
        if uscc and ("uscc:" + uscc) in self.names:
            return Match(CONFIDENT, int(self.names["uscc:" + uscc]), 1.0, [])
        key = normalize_name(name)
        if key in self.names:
            return Match(CONFIDENT, int(self.names[key]), 1.0, [])
        decisions: list[Decision] = [self.resolver.best(name, uscc or None)]
        if self._added_resolver is not None:
            decisions.append(self._added_resolver.best(name, uscc or None))
        decision = max(decisions, key=lambda d: ({CONFIDENT: 2, AMBIGUOUS: 1}.get(d.status, 0),
                                                  d.score))
        candidates = [{"id": int(c.id), "score": c.score, "reasons": c.reasons,
                       "name": c.matched_name} for d in decisions for c in d.candidates][:5]
        return Match(decision.status, int(decision.id) if decision.id else None,
                     decision.score, candidates)


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
