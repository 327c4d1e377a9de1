"""Industry-code rules: a node's GB/T 4754 codes against a firm's registered code.

GB/T 4754 codes form a hierarchy by prefix: section letter (C 制造业) → 2-digit
division (34) → 3-digit group (344) → 4-digit class (3442). A node listing "344"
claims every firm whose code starts with 344; a more specific rule is stronger
evidence than a broad one, so the score grows with the length of the matching code.
"""

from __future__ import annotations

from dataclasses import dataclass

from .taxonomy import Taxonomy
from .textnorm import fast_normalize as normalize

__all__ = ["CodeRules", "normalize_code", "section_of", "CODE_LEVEL_SCORE"]

# Evidence strength by the rule's level: section, division, group, class.
CODE_LEVEL_SCORE = {1: 0.3, 2: 0.5, 3: 0.7, 4: 0.85}

# Division (2-digit) ranges of each section letter, GB/T 4754-2017.
_SECTIONS = [("A", 1, 5), ("B", 6, 12), ("C", 13, 43), ("D", 44, 46), ("E", 47, 50),
             ("F", 51, 52), ("G", 53, 60), ("H", 61, 62), ("I", 63, 65), ("J", 66, 69),
             ("K", 70, 70), ("L", 71, 72), ("M", 73, 75), ("N", 76, 79), ("O", 80, 82),
             ("P", 83, 83), ("Q", 84, 85), ("R", 86, 90), ("S", 91, 96), ("T", 97, 97)]


# Section letter of each division number 0–99 ("" outside every range): one list
# index instead of a scan over the sections (this runs for every record's features).
_SECTION_OF = [next((letter for letter, low, high in _SECTIONS if low <= number <= high), "")
               for number in range(100)]


def section_of(division: str) -> str:
    """The section letter of a 2-digit division ("34" → "C"); "" when out of range."""
    if len(division) < 2 or not division[:2].isdigit():
        return ""
    return _SECTION_OF[int(division[:2])]


def normalize_code(value: str | None) -> str:
    """Canonical digits of a firm's code: "C3442" / "c 3442" / "3442" → "3442".

    A bare section letter stays a letter; anything unreadable becomes ""."""
    clean = normalize(value).upper().replace(".", "")
    if len(clean) == 1 and clean.isalpha():
        return clean
    if clean[:1].isalpha():
        clean = clean[1:]
    return clean if clean.isdigit() and 2 <= len(clean) <= 4 else ""


@dataclass(frozen=True)
class CodeHit:
    """One matching rule: the node's code and the firm's code it matched."""

    node: int
    rule: str
    code: str
    score: float


class CodeRules:
    """Prefix rules from the taxonomy's `industry_codes`, looked up per record code."""

    def __init__(self, taxonomy: Taxonomy) -> None:
        """Index every node's codes by the code string."""
        self.by_code: dict[str, list[int]] = {}
        for i, node in enumerate(taxonomy.nodes):
            for code in node.industry_codes:
                self.by_code.setdefault(code, []).append(i)
        self._cache: dict[str, list[CodeHit]] = {}

    def __bool__(self) -> bool:
        """True when any node has a code rule."""
        return bool(self.by_code)

    def match(self, industry_code: str) -> list[CodeHit]:
        """Rules matching a firm's code, walking up 3442 → 344 → 34 → C.

        A node keeps only its most specific matching rule. Results are cached per
        code because a registry has far fewer distinct codes than firms."""
        hits = self._cache.get(industry_code)
        if hits is not None:
            return hits
        code = normalize_code(industry_code)
        hits = []
        if code:
            prefixes = [code] if code.isalpha() else (
                [code[:n] for n in range(len(code), 1, -1)] + [section_of(code)])
            seen: set[int] = set()
            for prefix in prefixes:
                level = 1 if prefix.isalpha() else len(prefix)
                for node in self.by_code.get(prefix, ()):
                    if node not in seen:
                        seen.add(node)
                        hits.append(CodeHit(node, prefix, code, CODE_LEVEL_SCORE[level]))
        if len(self._cache) < 100_000:
            self._cache[industry_code] = hits
        return hits
