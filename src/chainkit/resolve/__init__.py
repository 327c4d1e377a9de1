"""Firm-name normalisation and entity resolution (统一社会信用代码, names, short names).

Public API (pure Python, no Django):

* `normalize_name` / `core_name`, `clean_name`, `strip_market_marks`, `name_regions`
  — see `normalize.py`;
* `Resolver(records)` with `.candidates(name, uscc=None, limit=5)` and
  `.best(name, uscc=None, accept=…, margin=…, reject=…)`;
* `classify(candidates)` → "confident" / "ambiguous" / "none";
* `Record`, `Candidate`, `Decision` data classes.
"""

from .normalize import clean_name, core_name, name_regions, normalize_name, strip_market_marks
from .resolver import (
    AMBIGUOUS,
    CONFIDENT,
    DEFAULT_ACCEPT,
    DEFAULT_MARGIN,
    DEFAULT_REJECT,
    NONE,
    Candidate,
    Decision,
    Record,
    Resolver,
    classify,
)

__all__ = [
    "normalize_name", "core_name", "clean_name", "strip_market_marks", "name_regions",
    "Record", "Candidate", "Decision", "Resolver", "classify",
    "CONFIDENT", "AMBIGUOUS", "NONE", "DEFAULT_ACCEPT", "DEFAULT_MARGIN", "DEFAULT_REJECT",
]
