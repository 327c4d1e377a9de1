"""`chainkit.text.normalize` computed faster, for a single field or a whole batch.

Identical output (a test checks it): NFKC, brackets folded, lower case, no whitespace.
`str.translate` with a dict table looks every character up in Python and was the
largest single cost of normalising a 300-character business scope; most texts contain
no bracket at all, so a compiled regex search decides whether the table is needed.
Whitespace goes by `"".join(text.split())`: `str.split()` and the regex `\\s` use the
same Unicode whitespace test (checked over every code point), and the split is ≈ 5×
faster than `re.sub` on a business scope.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Sequence
from functools import cached_property
from itertools import chain

import numpy as np

from ..text import BRACKETS
from .records import Record

__all__ = ["fast_normalize", "normalize_fields", "NormalizedFields", "SEP"]

# Joins a batch's fields into one string; fast_normalize keeps it, keywords lack it.
SEP = "\x00"

_BRACKET = re.compile("[" + re.escape("".join(chr(c) for c in BRACKETS)) + "]")


def fast_normalize(text: str | None) -> str:
    """Same result as `chainkit.text.normalize`, faster on bracket-free text."""
    if not text:
        return ""
    text = unicodedata.normalize("NFKC", str(text))
    if _BRACKET.search(text) is not None:
        text = text.translate(BRACKETS)
    return "".join(text.lower().split())


class NormalizedFields:
    """Every field of a batch normalised in one call (a stage shares it, not recomputes it).

    `joined` holds each record's products…, text and name, normalised, joined by NUL;
    record r's fields are `parts[first[r]:first[r + 1]]`. NFKC, lower-casing (the final
    sigma rule included) and whitespace removal never act across a NUL, so each part is
    `fast_normalize(field)`, except that a NUL inside a field is dropped first
    (`exact` is False then)."""

    def __init__(self, joined: str, first: np.ndarray, exact: bool) -> None:
        """Wrap the result of `normalize_fields`."""
        self.joined = joined
        self.first = first
        self.exact = exact

    @cached_property
    def parts(self) -> list[str]:
        """The normalised fields, flat, in record order."""
        return self.joined.split(SEP)

    def fields(self, r: int) -> tuple[list[str], str, str]:
        """Record r's normalised (products, text, name)."""
        mine = self.parts[self.first[r]:self.first[r + 1]]
        return mine[:-2], mine[-2], mine[-1]


def normalize_fields(records: Sequence[Record]) -> NormalizedFields:
    """Normalise all fields of a batch of records at once (see `NormalizedFields`)."""
    n_fields = np.fromiter((len(r.products) + 2 for r in records), dtype=np.int64,
                           count=len(records))
    first = np.zeros(len(records) + 1, dtype=np.int64)
    np.cumsum(n_fields, out=first[1:])
    raw = SEP.join(chain.from_iterable((*r.products, r.text, r.name) for r in records))
    exact = raw.count(SEP) == max(0, int(first[-1]) - 1)
    if not exact:  # a NUL inside a field: drop it, or the fields would shift
        raw = SEP.join(p.replace(SEP, "") for p in chain.from_iterable(
            (*r.products, r.text, r.name) for r in records))
    return NormalizedFields(fast_normalize(raw), first, exact)
