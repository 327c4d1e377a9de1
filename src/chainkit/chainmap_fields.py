"""Field parsing for chain maps: segments, categories, lists, GB/T 4754 codes, weights
and yes/no flags. Each parser raises ValueError with a Chinese reason; the validator in
:mod:`chainkit.chainmap_model` prefixes it with the row or node and the column."""

from __future__ import annotations

import math
import re
import unicodedata
from collections.abc import Iterable

from .text import split_list

__all__ = [
    "CATEGORIES", "FIELDS", "PATH_SEP", "SEGMENTS", "SEGMENT_LABELS", "clean_text",
    "parse_bool", "parse_category", "parse_codes", "parse_field", "parse_list",
    "parse_segment", "parse_weight", "path_text",
]

PATH_SEP = "/"
SEGMENTS = ("upstream", "midstream", "downstream")
SEGMENT_LABELS = {"upstream": "上游", "midstream": "中游", "downstream": "下游"}
_SEGMENT_ALIASES = {
    **{s: s for s in SEGMENTS},
    **{label: seg for seg, label in SEGMENT_LABELS.items()},
    "up": "upstream", "mid": "midstream", "down": "downstream",
    "上游环节": "upstream", "中游环节": "midstream", "下游环节": "downstream",
}
CATEGORIES = ("优势产业", "新兴产业", "未来产业")
_CATEGORY_ALIASES = {
    **{c: c for c in CATEGORIES}, "优势": "优势产业", "新兴": "新兴产业", "未来": "未来产业",
    "advantage": "优势产业", "emerging": "新兴产业", "future": "未来产业",
}
# The node attributes every format carries besides the path (the name is its last part).
FIELDS = ("segment", "keywords", "negative_keywords", "industry_codes", "weight",
          "is_core", "description")

# GB/T 4754-2017: 门类 A–T; 大类 01–97 are contiguous, so the first two digits of any
# 2/3/4-digit code must fall in 01–97. The letter ranges let "C3442" (a form registries
# print) be checked and folded to "3442".
_DIVISIONS = {"A": (1, 5), "B": (6, 12), "C": (13, 43), "D": (44, 46), "E": (47, 50),
              "F": (51, 52), "G": (53, 60), "H": (61, 62), "I": (63, 65), "J": (66, 69),
              "K": (70, 70), "L": (71, 72), "M": (73, 75), "N": (76, 79), "O": (80, 82),
              "P": (83, 83), "Q": (84, 85), "R": (86, 90), "S": (91, 96), "T": (97, 97)}
_CODE = re.compile(r"^([A-T]?)(\d{2,4})$")
_LIST_SEPS = re.compile(r"[|、,，;；\n]")
_TRUE = {"1", "是", "y", "yes", "true", "t", "√", "✓", "✔", "核心", "核心零部件"}
_FALSE = {"", "0", "否", "n", "no", "false", "f", "×", "非核心"}


def path_text(path: Iterable[str]) -> str:
    """Join a path with "/"."""
    return PATH_SEP.join(path)


def clean_text(value: object) -> str:
    """Text of a cell, NFKC-folded and stripped; "" for None."""
    # NFKC folds full-width letters/digits typed in Chinese IMEs ("Ｃ３４４２").
    return unicodedata.normalize("NFKC", str(value)).strip() if value is not None else ""


def parse_segment(value: object) -> str | None:
    """上游/中游/下游 or upstream/midstream/downstream → the English code; None if empty.

    Raises ValueError (Chinese message) for anything else."""
    text = clean_text(value).lower()
    if not text:
        return None
    if text not in _SEGMENT_ALIASES:
        raise ValueError(f"环节“{value}”无法识别（应为上游、中游或下游）")
    return _SEGMENT_ALIASES[text]


def parse_category(value: object) -> str:
    """优势产业/新兴产业/未来产业 (short forms and English accepted); "" when empty."""
    text = clean_text(value)
    if not text:
        return ""
    if text.lower() not in _CATEGORY_ALIASES:
        raise ValueError(f"产业类别“{value}”无法识别（应为优势产业、新兴产业或未来产业）")
    return _CATEGORY_ALIASES[text.lower()]


def parse_list(value: object) -> list[str]:
    """A list, or a cell separated by | 、 , ， ; ； or newlines → stripped unique items."""
    if value is None:
        return []
    if isinstance(value, list | tuple | set):
        items = [str(v).strip() for v in value if v is not None and str(v).strip()]
    else:
        items = split_list(_LIST_SEPS.sub("|", str(value)), "|")
    return list(dict.fromkeys(items))


def _code(value: object) -> str:
    """Normalise and check one GB/T 4754 code (see parse_codes)."""
    if isinstance(value, float) and value.is_integer():
        value = int(value)  # spreadsheets hand numeric cells over as 3442.0
    text = clean_text(value).upper()
    if len(text) == 1 and text in _DIVISIONS:
        return text
    match = _CODE.match(text)
    if not match:
        raise ValueError(f"行业代码“{value}”格式不对（应为门类字母 A–T，或 2/3/4 位数字）")
    letter, digits = match.groups()
    division = int(digits[:2])
    if not 1 <= division <= 97:
        raise ValueError(f"行业代码“{value}”不存在（大类应为 01–97）")
    if letter:
        low, high = _DIVISIONS[letter]
        if not low <= division <= high:
            raise ValueError(f"行业代码“{value}”的门类 {letter} 与大类 {digits[:2]} 不符")
    return digits


def parse_codes(value: object) -> list[str]:
    """GB/T 4754-2017 codes (list or separated cell) → normalised codes ("C3442" → "3442").

    Raises ValueError naming the first malformed code."""
    if isinstance(value, int | float) and not isinstance(value, bool):
        value = [value]
    raw = value if isinstance(value, list | tuple) else parse_list(value)
    return list(dict.fromkeys(_code(v) for v in raw if clean_text(v)))


def parse_weight(value: object) -> float:
    """A weight ≥ 0 (BOM value share or relative importance); empty → 1.0."""
    if value is None or (isinstance(value, str) and not value.strip()):
        return 1.0
    if isinstance(value, bool):
        raise ValueError(f"权重“{value}”不是数字")
    text = clean_text(value)
    try:
        # "12%" is how a BOM share is often typed; store it as the fraction 0.12.
        weight = float(text[:-1]) / 100 if text.endswith("%") else float(text)
    except ValueError:
        raise ValueError(f"权重“{value}”不是数字") from None
    if math.isnan(weight) or math.isinf(weight):
        raise ValueError(f"权重“{value}”不是有限数字")
    if weight < 0:
        raise ValueError(f"权重不能为负数（{value}）")
    return weight


def parse_bool(value: object) -> bool:
    """是/否, Y/N, true/false, 1/0, √ …; empty → False."""
    if isinstance(value, bool):
        return value
    text = clean_text(value).lower()
    if text in _TRUE:
        return True
    if text in _FALSE:
        return False
    raise ValueError(f"“{value}”无法识别为是/否")


def parse_field(name: str, value: object) -> object:
    """Parse the raw value of node attribute `name` (one of FIELDS)."""
    if name == "segment":
        return parse_segment(value)
    if name in ("keywords", "negative_keywords"):
        return parse_list(value)
    if name == "industry_codes":
        return parse_codes(value)
    if name == "weight":
        return parse_weight(value)
    if name == "is_core":
        return parse_bool(value)
    return clean_text(value)
