"""Keyword stage: one Aho–Corasick automaton over normalised record text.

Every node's keywords (and, optionally, its name) go into a single automaton, so a
record is scanned once whatever the number of keywords. Rules:

* field-aware: a hit in a product counts most (scaled by the product's revenue share),
  then the business scope, then the firm's name;
* longest match wins: a match lying inside a longer match in the same field is
  dropped ("空调压缩机" does not also count as "压缩机");
* negative keywords take part in that rule and veto the node's positive hits in the
  same field ("家电维修" stops 家电 in the scope but not a product "家电").

Speed: pyahocorasick keeps a node's children in a list searched linearly, so with
Chinese keywords (thousands of distinct first characters) every symbol paid for a long
search. Text and keywords are therefore spelled as the hex digits of their UTF-16
code units (four symbols per unit, an alphabet of 16, via C codecs); a match that does
not start on a unit boundary is discarded. Identical matches, several times faster
than scanning characters. A whole batch is normalised, spelled and scanned as one
string (fields joined by NUL), and the matches are filtered and assigned to records
and fields with NumPy, so the per-record Python work is only building the result.
"""

from __future__ import annotations

from collections.abc import Sequence
from itertools import chain
from typing import NamedTuple

import ahocorasick
import numpy as np

from ..runtime import gc_paused
from .records import Record, product_shares
from .taxonomy import Taxonomy
from .textnorm import NormalizedFields, normalize_fields
from .textnorm import fast_normalize as normalize

__all__ = ["KeywordIndex", "KeywordHit", "KeywordMatch", "FIELD_WEIGHTS"]

# Evidence strength of one keyword hit by field: products describe what a firm makes;
# the business scope lists what it may do; the name is short and often historical.
FIELD_WEIGHTS = {"products": 0.9, "text": 0.6, "name": 0.5}

class KeywordHit(NamedTuple):
    """A keyword found in a field (`product` names the product for field "products").

    A NamedTuple rather than a frozen dataclass: one is built per hit in the hot path
    and a frozen dataclass's __init__ costs several times more."""

    keyword: str
    field: str
    product: str | None
    strength: float


# Node index → (score in 0–1, hits): one record's keyword evidence.
KeywordMatch = dict[int, tuple[float, list[KeywordHit]]]


def _spell(text: str) -> str:
    """Text as hex digits of its UTF-16 code units: code unit i spans symbols 4i..4i+3."""
    return text.encode("utf-16-be").hex()


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
        table.pop("", None)  # an empty keyword matches nowhere (and breaks the automaton)
        self.keywords = sorted(table)
        self.positive = [tuple(table[k][0]) for k in self.keywords]
        self.negative = [tuple(table[k][1]) for k in self.keywords]
        self._vetoes = np.array([bool(neg) for neg in self.negative], dtype=bool)
        self.automaton = ahocorasick.Automaton()
        units = []
        for kid, key in enumerate(self.keywords):
            spelled = _spell(key)
            self.automaton.add_word(spelled, kid)
            units.append(len(spelled) // 4)
        self._units = np.array(units, dtype=np.int64)  # keyword length in UTF-16 units
        if self.keywords:
            self.automaton.make_automaton()

    def __len__(self) -> int:
        """Number of distinct normalised keywords (positive and negative)."""
        return len(self.keywords)

    def match(self, record: Record) -> KeywordMatch:
        """Node index → (score in 0–1, hits) for one record (see `match_many`)."""
        return self.match_many([record])[0]

    def _scan(self, fields: NormalizedFields) -> tuple[np.ndarray, np.ndarray]:
        """(global field index, keyword id) of every kept match, in text order (a record's
        fields are products…, text, name; see `NormalizedFields`)."""
        encoded = fields.joined.encode("utf-16-be")
        found = np.fromiter(chain.from_iterable(self.automaton.iter(encoded.hex())),
                            dtype=np.int64)
        empty = np.zeros(0, dtype=np.int64)
        if not len(found):
            return empty, empty
        kid = found[1::2]
        start = found[0::2] - 4 * self._units[kid] + 1  # iter reports the last symbol
        aligned = (start & 3) == 0  # others are coincidences of hex digits across units
        kid, start = kid[aligned], start[aligned] >> 2
        end = start + self._units[kid]
        # Sorted by start, longer first: a match is inside an earlier one exactly when
        # some earlier match reaches at least as far to the right. Matches never span a
        # NUL, so this works across fields and records at once.
        order = np.lexsort((-end, start))
        kid, start, end = kid[order], start[order], end[order]
        reach = np.maximum.accumulate(end)
        keep = np.ones(len(end), dtype=bool)
        keep[1:] = end[1:] > reach[:-1]
        bounds = np.flatnonzero(np.frombuffer(encoded, dtype=">u2") == 0)
        field = np.searchsorted(bounds, start[keep])
        return field, kid[keep]

    def match_many(self, records: Sequence[Record],
                   fields: NormalizedFields | None = None) -> list[KeywordMatch]:
        """Node index → (score in 0–1, hits) for each record; `fields` is the batch's
        `normalize_fields(records)` when the caller has it already.

        The score is a noisy-or of the hits' strengths: more independent evidence
        raises it, but no pile of weak hits reaches 1."""
        out: list[KeywordMatch] = [{} for _ in records]
        if not self.keywords or not records:
            return out
        with gc_paused():
            return self._collect(records, fields or normalize_fields(records), out)

    def _collect(self, records: Sequence[Record], fields: NormalizedFields,
                 out: list[KeywordMatch]) -> list[KeywordMatch]:
        """`match_many`'s work: scan the batch, then build each record's result."""
        field, kid = self._scan(fields)
        first = fields.first
        if not len(kid):
            return out
        # Runs of hits in the same field; the record and a veto flag per run.
        cut = np.flatnonzero(np.diff(field)) + 1
        run_start = np.concatenate([[0], cut]).tolist()
        run_end = np.concatenate([cut, [len(field)]]).tolist()
        run_field = field[run_start]
        run_record = np.searchsorted(first, run_field, side="right") - 1
        run_local = (run_field - first[run_record]).tolist()
        run_vetoed = np.logical_or.reduceat(self._vetoes[kid], run_start).tolist()
        kids = kid.tolist()
        weights = self.field_weights
        w_products = weights["products"]
        text_hit = ("text", None, weights["text"], round(weights["text"], 4))
        name_hit = ("name", None, weights["name"], round(weights["name"], 4))
        positive, negative, keywords = self.positive, self.negative, self.keywords
        # (node, keyword, field) → (strength, rounded strength, product)
        best: dict[tuple[int, int, str], tuple[float, float, str | None]] = {}
        shares: list[float] = []
        current = -1
        for a, b, r, f, vetoing in zip(run_start, run_end, run_record.tolist(), run_local,
                                       run_vetoed, strict=True):
            if r != current:
                if best:
                    out[current] = _result(best, keywords)
                best, current, shares = {}, r, []
            rec = records[r]
            n_products = len(rec.products)
            if f < n_products:
                if not shares:
                    shares = product_shares(rec)
                strength = w_products * shares[f]
                field_name, product, rstrength = "products", rec.products[f], round(strength, 4)
            else:
                field_name, product, strength, rstrength = text_hit if f == n_products else name_hit
            run = kids[a:b]
            vetoed = {n for k in run for n in negative[k]} if vetoing else ()
            for k in run:
                for node in positive[k]:
                    if node in vetoed:
                        continue
                    key = (node, k, field_name)
                    prev = best.get(key)
                    if prev is None or strength > prev[0]:
                        best[key] = (strength, rstrength, product)
        if best:
            out[current] = _result(best, keywords)
        return out


_new_hit = tuple.__new__  # builds a KeywordHit without NamedTuple's Python-level __new__


def _result(best: dict[tuple[int, int, str], tuple[float, float, str | None]],
            keywords: list[str]) -> KeywordMatch:
    """One record's node → (noisy-or score, hits) from its best hit per (node, keyword, field)."""
    out: KeywordMatch = {}
    for (node, kid, field_name), (strength, rstrength, product) in best.items():
        hit = _new_hit(KeywordHit, (keywords[kid], field_name, product, rstrength))
        prev = out.get(node)
        if prev is None:
            # Written as the noisy-or from 0.0 on purpose: 1 - (1 - s) is not always s
            # in floating point, and scores must stay bit-identical to the per-hit form.
            out[node] = (1.0 - (1.0 - 0.0) * (1.0 - strength), [hit])
        else:
            prev[1].append(hit)
            out[node] = (1.0 - (1.0 - prev[0]) * (1.0 - strength), prev[1])
    return out
