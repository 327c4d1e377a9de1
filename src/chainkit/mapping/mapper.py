"""The `Mapper` facade: fit on a taxonomy and examples, predict top-k links, save/load.

Typical use (the web app's mapping job does exactly this)::

    mapper = Mapper(MapperConfig()).fit(taxonomy, examples)
    results = mapper.predict(records, top_k=5, progress=job.set_progress,
                             should_stop=job.cancel_requested)
    mapper.save(path); Mapper.load(path, taxonomy=current_taxonomy)

`predict` works in batches, reports progress after each, and raises `MappingCancelled`
when `should_stop()` turns true: it never returns a partial result.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass, field

import numpy as np

from ..errors import InputError
from ..runtime import gc_paused
from .candidates import (
    Candidates,
    build_candidates,
    links_of,
    model_top,
    rule_hits,
    top_k_rows,
)
from .codes import CodeRules
from .combine import Combiner, RecordPrediction
from .features import Featurizer
from .keywords import FIELD_WEIGHTS, KeywordIndex
from .model import LinearNodeModel, softmax
from .records import Example, Record
from .taxonomy import Taxonomy
from .textnorm import NormalizedFields, normalize_fields

__all__ = ["Mapper", "MapperConfig", "MappingCancelled"]


class MappingCancelled(Exception):
    """Raised by `Mapper.predict` when `should_stop()` asked to stop; nothing returned."""


@dataclass
class MapperConfig:
    """Which stages run and their main settings. Every stage can be switched off."""

    use_keywords: bool = True
    use_codes: bool = True
    use_model: bool = True
    # Off by default: names reach the model as weak examples already, and on the ckg
    # task adding them as keywords lowered top-5 (0.80 → 0.77 on a fold).
    names_as_keywords: bool = False
    field_weights: dict[str, float] = field(default_factory=lambda: dict(FIELD_WEIGHTS))
    seed: int = 0
    svm_c: float = 0.5
    taxonomy_weight: float = 0.5
    parent_weight: float = 0.3
    negative_penalty: float = 1.0
    max_weights: int = 5_000_000
    # name 0.3 + doc 1.2 (name and products as one string): 5-fold CV on the ckg task,
    # see docs/bench-mapping.md (name 0.7, no doc block: 0.537 / 0.814).
    name_weight: float = 0.3
    product_weight: float = 1.0
    text_weight: float = 0.8
    code_weight: float = 0.5
    doc_weight: float = 1.2
    calibrate: bool = True
    batch_size: int = 2000
    model_candidates: int = 10


class Mapper:
    """Maps records to taxonomy nodes with keyword, code and learned stages."""

    def __init__(self, config: MapperConfig | None = None) -> None:
        """An unfitted mapper; call `fit` (even with no examples) before `predict`."""
        self.config = config or MapperConfig()
        self.taxonomy: Taxonomy | None = None
        self.keywords: KeywordIndex | None = None
        self.codes: CodeRules | None = None
        self.model: LinearNodeModel | None = None
        self.temperature = 1.0
        # True once the temperature was fitted on held-out confirmed links: only then
        # is the model's probability in the evidence a probability one may read.
        self.calibrated = False
        self.combiner = Combiner()

    # --- training -----------------------------------------------------------------------
    def _new_model(self) -> LinearNodeModel:
        """A fresh model from the config."""
        c = self.config
        feat = Featurizer(c.name_weight, c.product_weight, c.text_weight, c.code_weight,
                          doc_weight=c.doc_weight)
        return LinearNodeModel(c.svm_c, c.taxonomy_weight, c.parent_weight,
                               c.negative_penalty, c.max_weights, feat)

    def _build_rules(self, taxonomy: Taxonomy) -> None:
        """Keyword automaton and code rules (no training needed)."""
        c = self.config
        self.taxonomy = taxonomy
        self.keywords = (KeywordIndex(taxonomy, c.names_as_keywords, c.field_weights)
                         if c.use_keywords else None)
        self.codes = CodeRules(taxonomy) if c.use_codes else None

    def fit(self, taxonomy: Taxonomy, examples: Sequence[Example] = ()) -> Mapper:
        """Build the rule stages and, if enabled, train and calibrate the model.

        Labels outside the taxonomy are refused. Calibration holds out a fifth of the
        positive examples (chosen by a hash of record id and seed, so it is stable),
        fits the model on the rest, fits the softmax temperature and the combiner on the
        held-out part, then refits the model on everything."""
        for ex in examples:
            if ex.label not in taxonomy:
                raise InputError(f"训练样本 {ex.record.id} 的标签 {ex.label} 不在分类体系中")
        self._build_rules(taxonomy)
        self.model = None
        self.temperature = 1.0
        self.calibrated = False
        self.combiner = Combiner()
        if not self.config.use_model:
            return self
        examples = list(examples)
        positives = [ex for ex in examples if ex.positive]
        if self.config.calibrate and len(positives) >= 50:
            held = [ex for ex in positives if self._held_out(ex.record.id)]
            train = [ex for ex in examples if not (ex.positive and self._held_out(ex.record.id))]
            if held and train:
                self.model = self._new_model().fit(taxonomy, train, self.config.seed)
                self._calibrate(held)
        self.model = self._new_model().fit(taxonomy, examples, self.config.seed)
        return self

    def _held_out(self, record_id: str) -> bool:
        """Stable 1-in-5 choice of calibration examples."""
        digest = hashlib.sha256(f"{self.config.seed}:{record_id}".encode()).digest()
        return digest[0] % 5 == 0

    def _calibrate(self, held: Sequence[Example]) -> None:
        """Fit the temperature (grid search on held-out log-loss) and the combiner."""
        assert self.model is not None and self.taxonomy is not None
        margins = self.model.decision([ex.record for ex in held])
        classes = self.model.classes
        if margins.shape[1] == 0:
            return
        col = {int(c): i for i, c in enumerate(classes)}
        truth = np.array([col.get(self.taxonomy.index(ex.label), -1) for ex in held])
        known = truth >= 0
        if known.sum() >= 10:
            best = None
            for t in (0.05, 0.07, 0.1, 0.15, 0.2, 0.3, 0.5, 0.7, 1.0):
                p = softmax(margins[known].copy(), t)
                loss = -np.log(p[np.arange(known.sum()), truth[known]] + 1e-12).mean()
                if best is None or loss < best[0]:
                    best = (loss, t)
            self.temperature = best[1]
            self.calibrated = True
        cands = self._candidates([ex.record for ex in held], margins)
        truth_nodes = np.array([self.taxonomy.index(ex.label) for ex in held])
        targets = (cands.node == truth_nodes[cands.record]).astype(int)
        self.combiner = Combiner().fit(cands.features(), targets, self.config.seed)

    # --- prediction ---------------------------------------------------------------------
    def _candidates(self, records: Sequence[Record], margins: np.ndarray | None,
                    fields: NormalizedFields | None = None) -> Candidates:
        """The batch's candidate links with the stages' scores (see `candidates`);
        `fields` = `normalize_fields(records)` when the caller has it."""
        assert self.taxonomy is not None
        probs = top = None
        classes = self.model.classes if self.model is not None else None
        if margins is not None and margins.shape[1]:
            probs, top = model_top(margins, self.temperature, self.config.model_candidates)
        rules = rule_hits(records, self.keywords, self.codes, fields)
        return build_candidates(len(records), len(self.taxonomy), probs, classes, top, rules)

    def predict(self, records: Sequence[Record], top_k: int = 5,
                progress: Callable[[int, int], None] | None = None,
                should_stop: Callable[[], bool] | None = None) -> list[RecordPrediction]:
        """Top-k links per record, best first (ties broken by taxonomy order).

        `progress(done, total)` is called after each batch; when `should_stop()` returns
        true the run stops and raises MappingCancelled (no partial result)."""
        if self.taxonomy is None:
            raise RuntimeError("Mapper.predict called before fit/load")
        if top_k < 1:
            raise InputError("top_k 必须是正整数")
        ids = self.taxonomy.ids
        total = len(records)
        results: list[RecordPrediction] = []
        size = max(1, self.config.batch_size)
        for start in range(0, total, size):
            if should_stop is not None and should_stop():
                raise MappingCancelled("挂链运行已取消，未写入任何结果")
            batch = records[start:start + size]
            with gc_paused():
                # Every field normalised once per batch; the keyword and model stages share it.
                fields = normalize_fields(batch)
                margins = (self.model.decision(batch, fields) if self.model is not None
                           else None)
                cands = self._candidates(batch, margins, fields)
                scores = self.combiner.scores(cands.features())
                chosen = top_k_rows(cands.record, cands.node, scores, top_k)
                links = links_of(cands, chosen, scores, ids, self.calibrated)
                results.extend(RecordPrediction(rec.id, found)
                               for rec, found in zip(batch, links, strict=True))
            if progress is not None:
                progress(min(start + size, total), total)
        return results

    # --- persistence --------------------------------------------------------------------
    def save(self, path) -> None:
        """Write the whole mapper to one file (see `chainkit.mapping.store`)."""
        from .store import save_mapper
        save_mapper(self, path)

    @classmethod
    def load(cls, path, taxonomy: Taxonomy | None = None) -> Mapper:
        """Read a saved mapper; refuse it when `taxonomy` differs from the one it was
        trained on (its fingerprint is stored in the file)."""
        from .store import load_mapper
        return load_mapper(cls, path, taxonomy)

    def config_dict(self) -> dict:
        """The config as a JSON-able dict."""
        return asdict(self.config)
