"""Files → rows at the edge of imports (DESIGN §6.6): CSV in UTF-8/UTF-8-BOM/GBK/
GB18030 or XLSX, header row first. Cells with spreadsheet formulas are refused;
our own exports' escaped cells (a leading apostrophe) are read back as text."""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass, field

from django.conf import settings
from django.utils.translation import gettext as _

from chainkit.csvio import decode_bytes
from chainkit.errors import InputError

__all__ = ["Table", "read_table", "FORMULA_PREFIXES", "TableError"]

FORMULA_PREFIXES = ("=", "+", "-", "@")


class TableError(ValueError):
    """The file as a whole cannot be read (encoding, size, empty, format)."""


@dataclass
class Table:
    """A header and data rows; `row_numbers[i]` is the spreadsheet row of `rows[i]`."""

    header: list[str]
    rows: list[list[str]]
    row_numbers: list[int]
    cell_errors: list[tuple[int, str, str]] = field(default_factory=list)


def _is_number(text: str) -> bool:
    try:
        float(text.replace(",", ""))
    except ValueError:
        return False
    return True


def _clean_cell(value: object, is_formula: bool = False) -> tuple[str, str | None]:
    """Return the cell text and an error reason (None when fine)."""
    if value is None:
        return "", None
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    text = str(value).strip()
    if is_formula or text.startswith("="):
        return text, _("the cell contains a formula (starting with “=”); formulas are refused")
    if text[:1] == "'" and text[1:2] in FORMULA_PREFIXES:
        return text[1:], None  # escaped by our export: literal text
    if text[:1] in ("+", "-", "@") and not _is_number(text):
        return text, _("the cell starts with “%(char)s”, which spreadsheets run as a formula; "
                       "refused") % {"char": text[0]}
    return text, None


def _from_rows(raw_rows: list[list[object]], formula_cells: set[tuple[int, int]]) -> Table:
    numbered = [(i + 1, r) for i, r in enumerate(raw_rows)
                if any(c not in (None, "") and str(c).strip() for c in r)]
    if not numbered:
        raise TableError(_("The file is empty."))
    header_no, header_raw = numbered[0]
    header = [str(h).strip() if h is not None else "" for h in header_raw]
    while header and not header[-1]:
        header.pop()
    if not numbered[1:]:
        raise TableError(_("The file has a header but no data rows."))
    table = Table(header=header, rows=[], row_numbers=[])
    for row_no, raw in numbered[1:]:
        cells = []
        for col, name in enumerate(header):
            value = raw[col] if col < len(raw) else None
            text, error = _clean_cell(value, (row_no, col) in formula_cells)
            if error:
                table.cell_errors.append((row_no, name, error))
            cells.append(text)
        table.rows.append(cells)
        table.row_numbers.append(row_no)
    return table


def _read_csv(data: bytes) -> Table:
    try:
        text = decode_bytes(data)
    except InputError as exc:
        raise TableError(str(exc)) from None
    try:
        sample = text[:4096]
        dialect = csv.Sniffer().sniff(sample, delimiters=",;\t") if sample else csv.excel
    except csv.Error:
        dialect = csv.excel
    return _from_rows(list(csv.reader(io.StringIO(text), dialect)), set())


def _read_xlsx(data: bytes) -> Table:
    from openpyxl import load_workbook

    try:
        workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=False)
    except Exception:
        raise TableError(_("The file is not a readable XLSX workbook.")) from None
    sheet = workbook.worksheets[0]
    rows: list[list[object]] = []
    formulas: set[tuple[int, int]] = set()
    for r, row in enumerate(sheet.iter_rows(), start=1):
        values = []
        for c, cell in enumerate(row):
            if getattr(cell, "data_type", None) == "f":
                formulas.add((r, c))
            value = cell.value
            if hasattr(value, "isoformat"):
                value = value.isoformat()[:10] if hasattr(value, "date") else value.isoformat()
            values.append(value)
        rows.append(values)
    workbook.close()
    return _from_rows(rows, formulas)


def read_table(filename: str, data: bytes) -> Table:
    """Read an uploaded CSV or XLSX file; TableError says why a file is unusable."""
    limit = settings.IMPORT_MAX_BYTES
    if len(data) > limit:
        raise TableError(_("The file is too large (%(size).1f MB); the limit is %(limit)d MB.") % {
            "size": len(data) / 1024 / 1024, "limit": limit // 1024 // 1024})
    if not data.strip():
        raise TableError(_("The file is empty."))
    name = filename.lower()
    if name.endswith(".xlsx") or data[:2] == b"PK":
        return _read_xlsx(data)
    if name.endswith((".xls", ".xlsm")):
        raise TableError(_("Only .xlsx workbooks and CSV files are supported."))
    return _read_csv(data)
