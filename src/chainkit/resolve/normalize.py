"""Normalisation of Chinese firm names.

Three levels, each built on `chainkit.text.normalize` (NFKC, lower case, brackets
folded to ASCII, spaces dropped):

* `clean_name` — the cleaned full name: stock-market markers removed (*ST, 退市, a
  trailing A/B share letter …) and org-form brackets unwrapped (金田实业(集团)股份有限公司 →
  金田实业集团股份有限公司). Regions and the legal form are kept, so two cleaned names
  are equal only when the registrations read the same.
* `core_name` (= `normalize_name`) — the distinctive part: leading regions
  (山东省青岛市, 中国), bracketed regions anywhere (海尔(青岛)…), and trailing legal
  forms (股份有限公司, 有限公司, 集团, 控股, 股份, 分公司 …) stripped, repeatedly.
* `name_regions` — the regions a name states, used to check abbreviations such as
  粤 in 粤电力A.

Stripping is careful: a step that would leave fewer than two characters is skipped
(张家界旅游集团 → 张家界旅游, but 张家界 stays 张家界), and only whole region names from
`regions.py` are removed, never single characters.
"""

from __future__ import annotations

import re

from ..text import normalize
from .regions import ADMIN_SUFFIXES, CITY_PROVINCE, REGION_NAMES

__all__ = ["normalize_name", "core_name", "clean_name", "strip_market_marks", "name_regions",
           "leading_region", "ORG_FORMS"]

# Trailing legal / organisational forms, longest first. Stripped repeatedly from the
# end, so 保利发展控股集团股份有限公司 → 保利发展.
ORG_FORMS: tuple[str, ...] = (
    "股份有限公司", "有限责任公司", "股份合作公司", "合伙企业(有限合伙)", "(有限合伙)", "有限合伙",
    "集团有限公司", "有限公司", "股份公司", "集团公司", "控股公司", "总公司", "分公司", "公司",
    "集团", "控股", "股份",
)
# Bracketed words dropped anywhere in the core name besides regions.
_BRACKET_WORDS = frozenset({"集团", "控股", "股份", "中国", "中华", "有限", "有限公司"})
_NATIONAL = ("中国", "中华")
_CJK = r"[\u3400-\u9fff]"
# Stock short-name markers (A-share conventions): special treatment, delisting, share
# class, new-listing and ex-right flags. Only removed next to a Chinese character so
# Latin brand names (TCL, ST Micro…) stay intact.
_MARK_PREFIX = re.compile(rf"^(?:\*st|s\*st|sst|st|pt|xd|xr|dr|退市|[snc](?={_CJK}))+(?={_CJK})")
_MARK_SUFFIX = re.compile(rf"(?<={_CJK})(?:退|[ab]股|-?[uw]{{1,2}}|[ab]|-u|-w)+$")
_BRACKET = re.compile(r"\(([^()]*)\)")
# Region lookup by prefix length (a dict probe per length is far cheaper than a
# regex alternation of several hundred names; index build time depends on it).
_REGION_SET = frozenset(REGION_NAMES)
_REGION_LENGTHS = sorted({len(n) for n in REGION_NAMES}, reverse=True)


def strip_market_marks(text: str) -> str:
    """Remove stock short-name markers from an already normalised name
    (*st华信 → 华信, 万科a → 万科, 新都退 → 新都, 锦旅b股 → 锦旅)."""
    text = _MARK_PREFIX.sub("", text)
    return _MARK_SUFFIX.sub("", text)


def clean_name(name: str | None) -> str:
    """Return the cleaned full name: normalised, market markers removed, org-form
    brackets unwrapped and empty brackets dropped; regions and legal form kept."""
    text = strip_market_marks(normalize(name))

    def unwrap(match: re.Match[str]) -> str:
        """Keep a bracket's content when it is an org-form word, else the bracket."""
        inner = match.group(1)
        return inner if inner in _BRACKET_WORDS or not inner else match.group(0)

    return _BRACKET.sub(unwrap, text)


def leading_region(text: str) -> tuple[str, str] | None:
    """The leading region of a normalised name as (text matched including any admin
    suffix, region name), or None: 青岛市海尔 → ("青岛市", "青岛"). The longest
    region name wins (内蒙古 before 内蒙)."""
    for length in _REGION_LENGTHS:
        region = text[:length]
        if len(region) == length and region in _REGION_SET:
            rest = text[length:]
            suffix = next((s for s in ADMIN_SUFFIXES if rest.startswith(s)), "")
            return region + suffix, region
    return None


def _region_match(text: str) -> str | None:
    """The leading region name (with its admin suffix) of `text`, or None."""
    found = leading_region(text)
    return found[0] if found else None


def _is_region(text: str) -> bool:
    """True when `text` is exactly a region name, optionally with its admin suffix."""
    found = leading_region(text)
    return bool(found) and found[0] == text


def _strip_forms(text: str) -> str:
    """Strip trailing legal forms (and a region right before 分公司) repeatedly."""
    changed = True
    while changed:
        changed = False
        for form in ORG_FORMS:
            if text.endswith(form) and len(text) - len(form) >= 2:
                text = text[: -len(form)]
                changed = True
                if form == "分公司":
                    # 某某有限公司青岛分公司: the branch's city is not part of the name.
                    for region in REGION_NAMES:
                        if text.endswith(region) and len(text) - len(region) >= 2:
                            text = text[: -len(region)]
                            break
                break
    return text


def _strip_regions(text: str) -> str:
    """Strip leading regions and 中国/中华 repeatedly (山东省青岛市… → …)."""
    while True:
        head = next((n for n in _NATIONAL if text.startswith(n)), None) or _region_match(text)
        if not head or len(text) - len(head) < 2:
            return text
        text = text[len(head):]


def core_name(name: str | None) -> str:
    """Return the core (distinctive) name: the cleaned name without regions (leading
    or bracketed) and without trailing legal forms. Never shorter than two
    characters when the cleaned name has two or more."""
    text = clean_name(name)

    def drop(match: re.Match[str]) -> str:
        """Drop a bracketed region or org-form word; unwrap any other bracket."""
        inner = match.group(1)
        if inner in _BRACKET_WORDS or _is_region(inner):
            return ""
        return inner

    core = _BRACKET.sub(drop, text)
    if len(core) < 2:
        core = text.replace("(", "").replace(")", "")
    core = _strip_forms(core)
    return _strip_regions(core)


def normalize_name(name: str | None) -> str:
    """Normalise a Chinese firm name to its core: the same as `core_name`.

    青岛海尔股份有限公司, 海尔(青岛)股份有限公司 and 山东省青岛市海尔集团 all give 海尔."""
    return core_name(name)


def name_regions(name: str | None) -> frozenset[str]:
    """The regions a name states (leading or bracketed), each with its province:
    深圳市远望谷… → {深圳, 广东}."""
    text = clean_name(name)
    found: set[str] = set()
    pieces = [text] + _BRACKET.findall(text)
    for piece in pieces:
        while True:
            head = next((n for n in _NATIONAL if piece.startswith(n)), None)
            if head:
                piece = piece[len(head):]
                continue
            lead = leading_region(piece)
            if not lead:
                break
            found.update((lead[1], CITY_PROVINCE[lead[1]]))
            piece = piece[len(lead[0]):]
    return frozenset(found)
