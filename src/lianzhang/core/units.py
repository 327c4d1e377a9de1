"""Money amounts as offices write them: "350", "350万元", "1.2亿", "3,500,000元".
Stored in 万元. A file may not mix units unless a unit column says which applies.
This is the one table of money units: cell amounts (supply ties) and unit headers or
columns (the project ledger) both read unit names through `canonical_unit`."""

from __future__ import annotations

import re
from decimal import Decimal, InvalidOperation

from django.utils.translation import gettext as _

__all__ = ["UNITS", "UnitError", "canonical_unit", "convert", "parse_amount", "split_unit",
           "mixed_unit_errors", "unit_pattern"]

# Unit → factor to 万元.
UNITS = {"元": Decimal("0.0001"), "万元": Decimal(1), "万": Decimal(1), "亿元": Decimal(10000),
         "亿": Decimal(10000)}
CANONICAL = {"元": "元", "万元": "万元", "万": "万元", "亿元": "亿元", "亿": "亿元",
             "yuan": "元", "10k yuan": "万元", "100 million yuan": "亿元"}


def unit_pattern(names=None) -> str:
    """A regex alternation of unit names (default: every name `canonical_unit` reads),
    longest first so that 万元 wins over 万: other modules' patterns are built from
    this table instead of spelling the names again."""
    names = CANONICAL if names is None else names
    return "|".join(re.escape(n) for n in sorted(names, key=lambda n: (-len(n), n)))


# Cells carry the Chinese unit names only.
_AMOUNT = re.compile(rf"^\s*([-+]?[\d,]*\.?\d+)\s*({unit_pattern(UNITS)})?\s*$")


class UnitError(ValueError):
    """An amount or unit that cannot be read."""


def canonical_unit(name: str) -> str | None:
    """"亿" → "亿元", "10k yuan" → "万元"; None for a name that is not a money unit."""
    name = name.strip()
    return CANONICAL.get(name) or CANONICAL.get(name.lower())


def convert(number: Decimal, unit: str, to: str) -> Decimal:
    """An amount in canonical `unit` expressed in canonical unit `to`."""
    return number * UNITS[unit] / UNITS[to]


def split_unit(text: str) -> tuple[Decimal, str | None]:
    """The number and the unit written after it (None when there is none)."""
    match = _AMOUNT.match(str(text))
    if not match:
        raise UnitError(_("“%(value)s” is not an amount (e.g. 350, 350万元, 1.2亿元).")
                        % {"value": text})
    try:
        number = Decimal(match.group(1).replace(",", ""))
    except InvalidOperation:
        raise UnitError(_("“%(value)s” is not a number.") % {"value": text}) from None
    unit = match.group(2)
    return number, CANONICAL[unit] if unit else None


def parse_amount(text: str, unit: str | None = None) -> Decimal | None:
    """The amount in 万元. `unit` (from a unit column or the header) applies when the
    cell has no unit of its own; a cell unit that contradicts it is an error."""
    if text is None or str(text).strip() == "":
        return None
    number, cell_unit = split_unit(text)
    declared = canonical_unit(unit) if unit else None
    if unit and declared is None:
        raise UnitError(_("Unknown unit “%(unit)s” (use 元, 万元 or 亿元).") % {"unit": unit})
    if cell_unit and declared and cell_unit != declared:
        raise UnitError(_("The amount says %(cell)s but the unit column says %(unit)s.")
                        % {"cell": cell_unit, "unit": declared})
    return number * UNITS[cell_unit or declared or "万元"]


def mixed_unit_errors(values: list[str], has_unit_column: bool) -> list[str]:
    """A file-level check: amounts written with different units and no unit column
    to say which applies are refused (the file is probably merged from several
    offices' sheets)."""
    if has_unit_column:
        return []
    seen = set()
    for value in values:
        try:
            seen.add(split_unit(value)[1] or "")
        except UnitError:
            continue
    explicit = seen - {""}
    # Unmarked amounts are read as 万元, so they only clash with other units.
    if len(explicit) > 1 or ("" in seen and explicit - {"万元"}):
        seen = explicit | ({_("unmarked")} if "" in seen else set())
        return [_("Amounts in this file use different units (%(units)s); add a unit column "
                  "(单位) so every row says which it uses.") % {"units": "、".join(sorted(seen))}]
    return []
