"""Units of a ledger file: amounts in 万元 or 亿元, declared in the headers
(`总投资(万元)`) or in a unit column (`单位`), converted to the ledger form's 亿元
columns before any row is read. A file that mixes units is refused as a whole:
guessing would put amounts off by 10,000×."""

from __future__ import annotations

import re
from decimal import Decimal, InvalidOperation

from django.utils import translation
from django.utils.translation import gettext as _

from lianzhang.core.tabular import Table, TableError
from lianzhang.core.units import canonical_unit, convert, unit_pattern

from .forms.ledger import CANONICAL_HEADERS, LedgerForm

__all__ = ["normalise_units", "WAN", "YI_UNIT"]

WAN, YI_UNIT = "万元", "亿元"
UNIT_RE = re.compile(rf"[（(]\s*({unit_pattern()})\s*[)）]", re.I)
# The ledger states amounts in 万元 or 亿元 only (元 would be a typo at project scale).
LEDGER_UNITS = {WAN, YI_UNIT}
UNIT_COLUMNS = {"单位", "金额单位", "计量单位", "unit"}
# Amount columns as offices name them, without the unit.
OFFICE_BASES = {"总投资": "total_yi", "计划总投资": "total_yi", "固定资产投资": "fixed_asset_yi",
                "原已计入投资": "prior_yi", "达产后年产值": "output_yi", "预计年产值": "output_yi",
                "达产后年税收": "tax_yi", "预计年税收": "tax_yi", "年度计划投资": "plan_yi",
                "计划投资": "plan_yi", "累计完成投资": "cumulative_yi", "累计投资": "cumulative_yi"}


def _bases() -> dict[str, str]:
    """Unit-free header → amount column, from office names and the form's labels."""
    bases = {k.lower(): v for k, v in OFFICE_BASES.items()}
    form = LedgerForm()
    for name in CANONICAL_HEADERS:
        for lang in ("zh-hans", "en"):
            with translation.override(lang):
                label = str(form.fields[name].label)
            bases[UNIT_RE.sub("", label).strip().lower()] = name
    return bases


def _unit_of(text: str) -> str | None:
    text = text.strip()
    if not text:
        return None
    unit = canonical_unit(text)
    if unit not in LEDGER_UNITS:
        raise TableError(_("Unknown unit “%(unit)s”; use 万元 or 亿元.") % {"unit": text})
    return unit


def _convert(text: str, unit: str) -> str:
    if unit == YI_UNIT or not text.strip():
        return text
    try:
        value = convert(Decimal(text.replace(",", "").strip()), unit, YI_UNIT)
    except InvalidOperation:
        return text  # the form reports the bad number with its row and column
    return format(value.normalize(), "f")


def normalise_units(table: Table) -> Table:
    """The same table with every amount in 亿元 under the canonical headers and the
    unit column removed; TableError for mixed, unknown or undeclared units."""
    bases = _bases()
    money: dict[int, tuple[str, str | None]] = {}
    unit_index = None
    for idx, header in enumerate(table.header):
        if header.strip().lower() in UNIT_COLUMNS:
            unit_index = idx
            continue
        match = UNIT_RE.search(header)
        name = bases.get(UNIT_RE.sub("", header).strip().lower())
        if name:
            # A header unit other than 万元/亿元 (e.g. 元) is refused like a unit column's.
            money[idx] = (name, _unit_of(match.group(1)) if match else None)
    declared = {unit for _name, unit in money.values() if unit}
    if unit_index is not None:
        for row in table.rows:
            unit = _unit_of(row[unit_index] if unit_index < len(row) else "")
            if unit:
                declared.add(unit)
    if len(declared) > 1:
        raise TableError(_("The file mixes units (%(units)s); state every amount in one unit, "
                           "万元 or 亿元.") % {"units": "、".join(sorted(declared))})
    if money and not declared:
        raise TableError(_("State the unit of the amounts (万元 or 亿元) in the headers, e.g. "
                           "总投资(亿元), or in a 单位 column."))
    unit = declared.pop() if declared else YI_UNIT
    keep = [i for i in range(len(table.header)) if i != unit_index]
    header = [CANONICAL_HEADERS[money[i][0]] if i in money else table.header[i] for i in keep]
    rows = [[_convert(row[i], unit) if i in money and i < len(row) else
             (row[i] if i < len(row) else "") for i in keep] for row in table.rows]
    # Cell errors name the original columns; keep them but point to the new headers.
    renamed = {table.header[i]: header[n] for n, i in enumerate(keep)}
    cell_errors = [(r, renamed.get(c, c), m) for r, c, m in table.cell_errors]
    return Table(header=header, rows=rows, row_numbers=table.row_numbers,
                 cell_errors=cell_errors)
