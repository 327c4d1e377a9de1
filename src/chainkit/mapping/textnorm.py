"""`chainkit.text.normalize` computed faster, and a GC pause, for the mapping hot path.

Identical output (a test checks it): NFKC, brackets folded, lower case, no whitespace.
`str.translate` with a dict table looks every character up in Python and was the
largest single cost of normalising a 300-character business scope; most texts contain
no bracket at all, so a compiled regex search decides whether the table is needed.
Whitespace goes by `"".join(text.split())`: `str.split()` and the regex `\\s` use the
same Unicode whitespace test (checked over every code point), and the split is ≈ 5×
faster than `re.sub` on a business scope.
"""

from __future__ import annotations

import gc
import re
import unicodedata
from collections.abc import Iterator
from contextlib import contextmanager

from ..text import BRACKETS

__all__ = ["fast_normalize", "gc_paused"]

_BRACKET = re.compile("[" + re.escape("".join(chr(c) for c in BRACKETS)) + "]")


def fast_normalize(text: str | None) -> str:
    """Same result as `chainkit.text.normalize`, faster on bracket-free text."""
    if not text:
        return ""
    text = unicodedata.normalize("NFKC", str(text))
    if _BRACKET.search(text) is not None:
        text = text.translate(BRACKETS)
    return "".join(text.lower().split())


@contextmanager
def gc_paused() -> Iterator[None]:
    """Pause the cyclic garbage collector for one batch of the hot path, then restore it.

    A batch allocates hundreds of thousands of small containers (hits, evidence dicts,
    links) and none of them form cycles, yet each allocation burst triggers collections
    that walk every live object: ≈ 25% of the pipeline's time in measurements. Reference
    counting still frees everything at once; only cycle detection waits for the batch."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()
