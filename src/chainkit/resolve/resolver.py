"""The `Resolver`: an indexed firm registry that resolves names to record ids.

Built once from registry records; each query then costs the length of the posting
lists of its characters (a character inverted index picks a pool of candidates)
plus a fixed number of scored candidates — never a scan of all pairs. Order of
evidence in `candidates`:

1. 统一社会信用代码 (USCC) equal — wins outright (score 1);
2. exact normalised name (cleaned full name, or core with compatible regions), then
   exact former name, then exact short name / alias;
3. fuzzy: the learned pairwise score of `scoring.py` on the pooled candidates.

Scores are probabilities shared among the candidates and a "none of them" option
(a softmax over the pairwise logits plus `NONE_LOGIT`), so two equally good
candidates get about 0.5 each and a lone weak one stays low. `classify` turns a
candidate list into "confident" / "ambiguous" / "none": the web app links confident
matches, queues ambiguous ones for review and creates a new firm on none.
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from dataclasses import dataclass, field

import numpy as np

from ..uscc import normalize_uscc
from .normalize import name_regions
from .regions import ABBREVIATIONS
from .scoring import FEATURES, NONE_LOGIT, NameForms, features, logit, name_forms

__all__ = ["Record", "Candidate", "Decision", "Resolver", "classify",
           "CONFIDENT", "AMBIGUOUS", "NONE", "DEFAULT_ACCEPT", "DEFAULT_MARGIN",
           "DEFAULT_REJECT", "NONE_LOGIT"]

CONFIDENT, AMBIGUOUS, NONE = "confident", "ambiguous", "none"
# Decision thresholds, chosen by 5-fold cross-validation on the development data
# (bench/resolve_bench.py --fit; docs/bench-resolve.md): link when the top candidate
# holds ≥ DEFAULT_ACCEPT of the probability and leads the runner-up by ≥
# DEFAULT_MARGIN; below DEFAULT_REJECT nothing in the registry is plausible.
DEFAULT_ACCEPT = 0.4
DEFAULT_MARGIN = 0.05
DEFAULT_REJECT = 0.15
# Share of the retrieval score normalised by name length (BM25's b).
LENGTH_NORM = 0.3
# At most this many (rarest) query characters drive retrieval.
MAX_QUERY_CHARS = 8

_KIND_NAME, _KIND_FORMER, _KIND_ALIAS = 0, 1, 2
_EXACT, _EXACT_CORE = FEATURES.index("exact"), FEATURES.index("exact_core")
_LCS_BODY, _ABBREVIATION = FEATURES.index("lcs_body"), FEATURES.index("abbreviation")
_REGION_HIT, _CONFLICT = FEATURES.index("region_hit"), FEATURES.index("region_conflict")
_EXACT_REASON = {_KIND_NAME: "规范化名称一致", _KIND_FORMER: "曾用名一致", _KIND_ALIAS: "简称一致"}
_FUZZY_REASON = {_KIND_NAME: "名称相似", _KIND_FORMER: "曾用名相似", _KIND_ALIAS: "简称匹配"}
_USCC_REASON = "统一社会信用代码一致"


@dataclass(frozen=True)
class Record:
    """A registry firm: id, registered name, optional USCC, short names/aliases and
    former names."""

    id: str
    name: str
    uscc: str = ""
    aliases: tuple[str, ...] = ()
    former_names: tuple[str, ...] = ()


@dataclass(frozen=True)
class Candidate:
    """A possible match: record id, score in 0–1, reasons (short Chinese phrases) and
    the registry name that matched."""

    id: str
    score: float
    reasons: list[str] = field(default_factory=list)
    matched_name: str = ""


@dataclass(frozen=True)
class Decision:
    """Outcome of `Resolver.best`: status (confident/ambiguous/none), the matched id
    and its score when confident (id None otherwise), and the candidates considered."""

    status: str
    id: str | None
    score: float
    candidates: list[Candidate]


def classify(candidates: list[Candidate], accept: float = DEFAULT_ACCEPT,
             margin: float = DEFAULT_MARGIN, reject: float = DEFAULT_REJECT) -> str:
    """Classify a candidate list (first = proposed match) as CONFIDENT (a USCC match,
    or score ≥ accept and ≥ margin ahead of every other candidate), NONE (no
    candidate, or the first scores < reject) or AMBIGUOUS."""
    if not candidates:
        return NONE
    top = candidates[0]
    if _USCC_REASON in top.reasons:
        return CONFIDENT
    if top.score < reject:
        return NONE
    runner_up = max((c.score for c in candidates[1:]), default=0.0)
    if top.score >= accept and top.score - runner_up >= margin:
        return CONFIDENT
    return AMBIGUOUS


def _similarity(z: float) -> float:
    """A pair's own 0–1 similarity, shown in reasons: its odds against "none"."""
    return 1.0 / (1.0 + math.exp(min(NONE_LOGIT - z, 50.0)))


class Resolver:
    """Resolve firm names against a registry built once from `Record`s.

    `pool` is how many names the character index hands to the scorer; `max_df`
    leaves out of retrieval the characters found in more than that share of names
    (公, 司, 有 …) unless the query has fewer than two rarer ones."""

    def __init__(self, records: Iterable[Record], pool: int = 40, max_df: float = 0.1) -> None:
        """Index the records: normalised forms, exact-match tables, character postings."""
        self.records: list[Record] = []
        self.pool = pool
        self.max_df = max_df
        self._entry_record: list[int] = []
        self._entry_kind: list[int] = []
        self._entry_name: list[str] = []
        self._entry_forms: list[NameForms] = []
        self._exact: dict[str, list[int]] = {}
        self._uscc: dict[str, int] = {}
        postings: dict[str, list[int]] = {}
        for record in records:
            ridx = len(self.records)
            self.records.append(record)
            if record.uscc:
                self._uscc.setdefault(normalize_uscc(record.uscc), ridx)
            regions = name_regions(record.name)
            names = [(record.name, _KIND_NAME)]
            names += [(n, _KIND_FORMER) for n in record.former_names]
            names += [(n, _KIND_ALIAS) for n in record.aliases]
            for name, kind in names:
                # Short names and former names inherit the registered name's regions.
                forms = name_forms(name, regions | name_regions(name))
                if not forms.clean:
                    continue
                eidx = len(self._entry_forms)
                self._entry_record.append(ridx)
                self._entry_kind.append(kind)
                self._entry_name.append(name)
                self._entry_forms.append(forms)
                for key in {forms.clean, forms.body, forms.core}:
                    self._exact.setdefault(key, []).append(eidx)
                for ch in set(forms.body):
                    postings.setdefault(ch, []).append(eidx)
        n = max(len(self._entry_forms), 1)
        self._postings = {ch: np.asarray(ids, dtype=np.int32) for ch, ids in postings.items()}
        self.idf = {ch: math.log((n + 1) / (len(ids) + 0.5)) for ch, ids in postings.items()}
        # A character the registry never uses is the rarest of all.
        self.default_idf = math.log((n + 1) / 0.5)
        lengths = np.asarray([len(f.body) for f in self._entry_forms], dtype=np.float64)
        mean = float(lengths.mean()) if len(lengths) else 1.0
        self._length_norm = 1.0 - LENGTH_NORM + LENGTH_NORM * lengths / max(mean, 1.0)

    def __len__(self) -> int:
        """Number of registry records."""
        return len(self.records)

    def _retrieve(self, forms: NameForms) -> list[int]:
        """Entry indices sharing the most IDF-weighted characters with the query.

        A leading region abbreviation (粤 in 粤水电) also votes, at half weight, for
        the characters of the regions it stands for (广东), so firms named after the
        region are not crowded out of the pool."""
        chars = {ch: 1.0 for ch in forms.body if ch in self._postings}
        for region in ABBREVIATIONS.get(forms.body[:1], ()):
            for ch in region:
                if ch in self._postings:
                    chars.setdefault(ch, 0.5)
        if not chars:
            return []
        limit = self.max_df * len(self._entry_forms)
        rare = [ch for ch in chars if len(self._postings[ch]) <= limit]
        use = rare if len(rare) >= 2 else list(chars)
        # The rarest few characters identify a name; more only lengthen the postings
        # walked (a full-name query has a dozen characters).
        use = sorted(use, key=lambda ch: len(self._postings[ch]))[:MAX_QUERY_CHARS]
        weights = np.concatenate([np.full(len(self._postings[ch]), self.idf[ch] * chars[ch])
                                  for ch in use])
        totals = np.bincount(np.concatenate([self._postings[ch] for ch in use]),
                             weights=weights)
        # BM25-style length normalisation: long names share characters with anything.
        totals /= self._length_norm[: len(totals)]
        k = min(self.pool, int(np.count_nonzero(totals)))
        if k <= 0:
            return []
        return [int(i) for i in np.argpartition(-totals, k - 1)[:k]]

    def _pool(self, query: NameForms) -> list[tuple[int, tuple[float, ...], bool]]:
        """(entry index, feature vector, exact) for exact hits and retrieved entries."""
        exact = set()
        for key in {query.clean, query.body, query.core}:
            exact.update(self._exact.get(key, ()))
        out = []
        for eidx in exact | set(self._retrieve(query)):
            values = features(query, self._entry_forms[eidx], self.idf, self.default_idf)
            is_exact = (query.clean == self._entry_forms[eidx].clean
                        or bool(values[_EXACT]) or bool(values[_EXACT_CORE]))
            out.append((eidx, values, is_exact))
        return out

    def pool_features(self, name: str) -> list[tuple[str, tuple[float, ...]]]:
        """(record id, feature vector) for every pooled registry name of a query; used
        to refit the scoring weights (bench/resolve_bench.py --fit)."""
        query = name_forms(name, name_regions(name))
        return [(self.records[self._entry_record[e]].id, values)
                for e, values, _ in self._pool(query)] if query.clean else []

    def candidates(self, name: str, uscc: str | None = None, limit: int = 5) -> list[Candidate]:
        """Candidate records for a name (and optional USCC), best first, at most `limit`.

        Each has the record id, a score in 0–1 and its reasons."""
        # ridx → (tier, logit, reasons, matched name); lower tier wins, then logit.
        best: dict[int, tuple[int, float, list[str], str]] = {}
        query = name_forms(name, name_regions(name))
        if query.clean:
            self._score(query, best)
        total = math.exp(NONE_LOGIT) + sum(math.exp(z) for _, z, _, _ in best.values())
        scored = {ridx: (tier, math.exp(z) / total, reasons, matched)
                  for ridx, (tier, z, reasons, matched) in best.items()}
        if uscc:
            ridx = self._uscc.get(normalize_uscc(uscc))
            if ridx is not None:
                scored[ridx] = (0, 1.0, [_USCC_REASON], self.records[ridx].name)
        ranked = sorted(scored.items(), key=lambda item: (item[1][0], -item[1][1], item[0]))
        return [Candidate(id=self.records[ridx].id, score=round(score, 4), reasons=reasons,
                          matched_name=matched)
                for ridx, (_, score, reasons, matched) in ranked[:limit]]

    def _score(self, query: NameForms, best: dict[int, tuple[int, float, list[str], str]]
               ) -> None:
        """Score the pooled entries and keep each record's best (tier, logit) in `best`."""
        def offer(ridx: int, item: tuple[int, float, list[str], str]) -> None:
            """Keep the record's best entry: lowest tier, then highest logit."""
            old = best.get(ridx)
            if old is None or (item[0], -item[1]) < (old[0], -old[1]):
                best[ridx] = item

        for eidx, values, is_exact in self._pool(query):
            kind = self._entry_kind[eidx]
            z = logit(values)
            tier = 1 + kind if is_exact else 4
            reasons = [_EXACT_REASON[kind]] if is_exact else [
                f"{_FUZZY_REASON[kind]} {_similarity(z):.2f}"]
            if values[_LCS_BODY] >= 1.0 and not is_exact:
                reasons.append("字符按序包含")
            if values[_ABBREVIATION]:
                reasons.append("地区简称一致")
            if values[_REGION_HIT]:
                reasons.append("地区一致")
            if values[_CONFLICT]:
                reasons.append("地区不一致")
            offer(self._entry_record[eidx], (tier, z, reasons, self._entry_name[eidx]))

    def best(self, name: str, uscc: str | None = None, accept: float = DEFAULT_ACCEPT,
             margin: float = DEFAULT_MARGIN, reject: float = DEFAULT_REJECT) -> Decision:
        """Decide on one match: the id when `classify` says confident, else None."""
        found = self.candidates(name, uscc=uscc, limit=5)
        status = classify(found, accept=accept, margin=margin, reject=reject)
        if status == CONFIDENT:
            return Decision(CONFIDENT, found[0].id, found[0].score, found)
        return Decision(status, None, found[0].score if found else 0.0, found)
