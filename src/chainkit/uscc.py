"""Unified social credit codes (统一社会信用代码, GB 32100-2015).

18 characters from a 31-character alphabet (digits and capital letters without
I, O, S, V, Z); the 18th is a check character computed from the first 17 with
weights 3^i mod 31. Validation says which character is wrong, in Chinese."""

from __future__ import annotations

__all__ = ["ALPHABET", "check_char", "validate_uscc", "normalize_uscc", "make_uscc"]

ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
_VALUE = {c: i for i, c in enumerate(ALPHABET)}
WEIGHTS = [pow(3, i, 31) for i in range(17)]  # 1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28


def normalize_uscc(code: str | None) -> str:
    """Upper-case, strip spaces and full-width characters (users paste from PDFs)."""
    if not code:
        return ""
    import unicodedata

    return unicodedata.normalize("NFKC", code).replace(" ", "").strip().upper()


def check_char(first17: str) -> str:
    """The GB 32100 check character for the first 17 characters."""
    total = sum(_VALUE[c] * w for c, w in zip(first17, WEIGHTS, strict=True))
    return ALPHABET[(31 - total % 31) % 31]


def validate_uscc(code: str) -> str | None:
    """None when `code` is a valid USCC, else a Chinese message naming the problem."""
    code = normalize_uscc(code)
    if len(code) != 18:
        return f"统一社会信用代码应为18位，实际为{len(code)}位"
    for pos, ch in enumerate(code, start=1):
        if ch not in _VALUE:
            return f"统一社会信用代码第{pos}位字符“{ch}”不合法（不使用 I、O、S、V、Z）"
    expected = check_char(code[:17])
    if code[17] != expected:
        return f"统一社会信用代码第18位校验码错误：应为“{expected}”，实际为“{code[17]}”"
    return None


def make_uscc(first17: str) -> str:
    """Append the check character (for generators and tests)."""
    return first17 + check_char(first17)
