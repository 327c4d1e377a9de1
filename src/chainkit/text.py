"""Text normalisation shared by every engine stage (resolve, mapping, recommend).

One definition of "the same text" keeps the stages consistent: a product written
with full-width letters or Chinese brackets must match the same keyword everywhere.
"""

from __future__ import annotations

import re
import unicodedata

__all__ = ["normalize", "split_list", "parse_weights", "BRACKETS"]

# Chinese and full-width brackets folded to ASCII ones (NFKC already maps （） to ()).
BRACKETS = str.maketrans({"【": "(", "】": ")", "〔": "(", "〕": ")", "［": "(", "］": ")",
                          "「": "(", "」": ")", "《": "(", "》": ")", "[": "(", "]": ")"})
_SPACE = re.compile(r"\s+")


def normalize(text: str | None) -> str:
    """Return `text` NFKC-normalised (full width → half width), lower-cased, brackets
    folded to ASCII and whitespace removed. Chinese text has no word spaces, so
    dropping them makes "空调 压缩机" equal "空调压缩机"."""
    if not text:
        return ""
    text = unicodedata.normalize("NFKC", str(text)).translate(BRACKETS).lower()
    return _SPACE.sub("", text)


def split_list(value: str | None, sep: str = "|") -> list[str]:
    """Split a `|`-separated cell into stripped, non-empty items (order kept)."""
    if value is None:
        return []
    return [part.strip() for part in str(value).split(sep) if part.strip()]


def parse_weights(value: str | None, count: int, sep: str = "|") -> list[float | None]:
    """Parse a `|`-separated weight cell aligned with `count` products.

    Empty cell → all None. Raises ValueError (Chinese message) when a weight does not
    parse or the number of weights differs from the number of products."""
    raw = [] if value is None else [p.strip() for p in str(value).split(sep)]
    if not any(raw):
        return [None] * count
    if len(raw) != count:
        raise ValueError(f"权重个数（{len(raw)}）与产品个数（{count}）不一致")
    out: list[float | None] = []
    for part in raw:
        if part == "":
            out.append(None)
            continue
        try:
            out.append(float(part))
        except ValueError:
            raise ValueError(f"权重“{part}”不是数字") from None
    return out
