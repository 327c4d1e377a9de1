"""Keyword stage: one Aho–Corasick automaton over normalised record text.

Every node's keywords (and, optionally, its name) go into a single automaton, so a
record is scanned once whatever the number of keywords. Rules:

* field-aware: a hit in a product counts most (scaled by the product's revenue share),
  then the business scope, then the firm's name;
* longest match wins: a match lying inside a longer match in the same field is
  dropped ("空调压缩机" does not also count as "压缩机");
* negative keywords take part in that rule and veto the node's positive hits in the
  same field ("家电维修" stops 家电 in the scope but not a product "家电").

Speed: pyahocorasick keeps a node's children in a list, so with Chinese keywords the
root has thousands of children and every character pays for a long search. Text and
keywords are therefore spelled as their UTF-16 bytes (two symbols per character, an
alphabet of 256, via fast C codecs); a match that starts mid-character is discarded.
This makes the scan about ten times faster with identical matches.
"""

from __future__ import annotations

from bisect import bisect_left
from typing import NamedTuple

import ahocorasick

from .records import Record, product_shares
from .taxonomy import Taxonomy
from .textnorm import fast_normalize as normalize

__all__ = ["KeywordIndex", "KeywordHit", "FIELD_WEIGHTS"]

# Evidence strength of one keyword hit by field: products describe what a firm makes;
# the business scope lists what it may do; the name is short and often historical.
FIELD_WEIGHTS = {"products": 0.9, "text": 0.6, "name": 0.5}

# Joins a record's fields into one scanned string; normalize() keeps it, keywords lack it.
_SEP = "\x00"


class KeywordHit(NamedTuple):
    """A keyword found in a field (`product` names the product for field "products").

    A NamedTuple rather than a frozen dataclass: one is built per hit in the hot path
    and a frozen dataclass's __init__ costs several times more."""

    keyword: str
    field: str
    product: str | None
    strength: float


def _spell(text: str) -> str:
    """Text as one symbol per UTF-16 byte (U+0000–U+00FF); character i starts at 2i."""
    return text.encode("utf-16-be").decode("latin-1")


class KeywordIndex:
    """The automaton plus, for each keyword, the nodes it supports or vetoes."""

    def __init__(self, taxonomy: Taxonomy, names_as_keywords: bool = False,
                 field_weights: dict[str, float] | None = None) -> None:
        """Build the automaton from the taxonomy (node names count as keywords when
        `names_as_keywords`: a node called 压缩机 then catches the product 压缩机)."""
        self.field_weights = dict(FIELD_WEIGHTS, **(field_weights or {}))
        table: dict[str, tuple[list[int], list[int]]] = {}
        for i, node in enumerate(taxonomy.nodes):
            words = list(node.keywords) + ([node.name] if names_as_keywords else [])
            for word in words:
                key = normalize(word)
                if key:
                    pos = table.setdefault(key, ([], []))[0]
                    if i not in pos:
                        pos.append(i)
            for word in node.negative_keywords:
                table.setdefault(normalize(word), ([], []))[1].append(i)
        self.keywords = sorted(table)
        self.positive = [tuple(table[k][0]) for k in self.keywords]
        self.negative = [tuple(table[k][1]) for k in self.keywords]
        self.automaton = ahocorasick.Automaton()
        for kid, key in enumerate(self.keywords):
            spelled = _spell(key)
            self.automaton.add_word(spelled, (kid, len(spelled)))
        if self.keywords:
            self.automaton.make_automaton()

    def __len__(self) -> int:
        """Number of distinct normalised keywords (positive and negative)."""
        return len(self.keywords)

    def _scan(self, text: str) -> list[tuple[int, int]]:
        """(start character, keyword id) found in `text`, minus matches inside longer ones."""
        # end is inclusive: the match starts at end - length + 1, which must be even
        # (a character boundary); odd starts are byte-level coincidences.
        found = [(end - length, -length, kid)
                 for end, (kid, length) in self.automaton.iter(_spell(text))
                 if (end - length) & 1]
        if len(found) < 2:
            return [((f[0] + 1) >> 1, f[2]) for f in found]
        # Sorted by start, longer first: a match is inside an earlier one exactly when
        # that earlier one reaches at least as far to the right.
        found.sort()
        kept = []
        reach = -1
        for start, neg_len, kid in found:
            end = start - neg_len
            if end > reach:
                kept.append(((start + 1) >> 1, kid))
                reach = end
        return kept

    def match(self, record: Record) -> dict[int, tuple[float, list[KeywordHit]]]:
        """Node index → (score in 0–1, hits) for one record.

        The score is a noisy-or of the hits' strengths: more independent evidence
        raises it, but no pile of weak hits reaches 1."""
        if not self.keywords:
            return {}
        # All fields are normalised and scanned as one string joined by NUL (no keyword
        # contains it, so no match spans two fields): one normalise and one automaton
        # call per record instead of one per field, the stage's main Python cost.
        products = record.products
        parts = [*products, record.text, record.name]
        raw = _SEP.join(parts)
        if raw.count(_SEP) != len(parts) - 1:  # a NUL inside a field: drop it first
            raw = _SEP.join(p.replace(_SEP, "") for p in parts)
        joined = normalize(raw)
        found = self._scan(joined)
        if not found:
            return {}
        bounds = []  # positions of the separators, to tell which field a hit is in
        i = joined.find(_SEP)
        while i >= 0:
            bounds.append(i)
            i = joined.find(_SEP, i + 1)
        n_products = len(products)
        shares = product_shares(record) if n_products else []
        weights = self.field_weights
        w_products, w_text, w_name = weights["products"], weights["text"], weights["name"]
        positive, negative = self.positive, self.negative
        # Group the hits by field (0..n_products-1 = products, then text, then name).
        by_field: dict[int, list[int]] = {}
        for start, kid in found:
            by_field.setdefault(bisect_left(bounds, start), []).append(kid)
        best: dict[tuple[int, int, str], tuple[float, str | None]] = {}
        for f, kids in by_field.items():
            if f < n_products:
                field_name, product, strength = "products", products[f], w_products * shares[f]
            elif f == n_products:
                field_name, product, strength = "text", None, w_text
            else:
                field_name, product, strength = "name", None, w_name
            vetoed = {n for kid in kids for n in negative[kid]} if any(
                negative[kid] for kid in kids) else ()
            for kid in kids:
                for node in positive[kid]:
                    if node in vetoed:
                        continue
                    key = (node, kid, field_name)
                    prev = best.get(key)
                    if prev is None or strength > prev[0]:
                        best[key] = (strength, product)
        out: dict[int, tuple[float, list[KeywordHit]]] = {}
        for (node, kid, field_name), (strength, product) in best.items():
            score, hits = out.get(node, (0.0, []))
            hits.append(KeywordHit(self.keywords[kid], field_name, product, round(strength, 4)))
            out[node] = (1.0 - (1.0 - score) * (1.0 - strength), hits)
        return out
