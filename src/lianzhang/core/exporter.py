"""Exports of a filtered list as CSV or XLSX (DESIGN §6.7).

Columns are the import form's fields with the same headers, so an exported file can
be edited and imported again. Text that a spreadsheet would run as a formula
(starting with = + - @, or a tab/CR) is escaped with a leading apostrophe."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable
from typing import Any

from django.db import models
from django.http import HttpResponse
from django.utils import timezone
from django.utils.encoding import escape_uri_path

from .registry import ObjectType

__all__ = ["neutralise", "cell_value", "export_columns", "export_rows", "export_response"]

DANGEROUS = ("=", "+", "-", "@", "\t", "\r")


def neutralise(value: Any) -> Any:
    """Escape text a spreadsheet would execute; numbers and dates pass unchanged."""
    if isinstance(value, str) and value.startswith(DANGEROUS):
        return "'" + value
    return value


def export_columns(object_type: type[ObjectType]) -> list[tuple[str, str]]:
    """(field name, header) pairs of the export: the import form's fields."""
    form = object_type.get_import_form()()
    return [(name, str(f.label or name)) for name, f in form.fields.items()]


def cell_value(obj: models.Model, name: str, form_field: Any) -> Any:
    value = getattr(obj, name, None)
    key = getattr(form_field, "to_field_name", None) or "pk"
    if isinstance(value, models.Model):
        return getattr(value, key)
    if hasattr(value, "all") and callable(value.all):  # many-to-many manager
        return "|".join(str(getattr(v, key)) for v in value.all())
    if isinstance(value, dict):  # JSON object fields, as the import form reads them
        import json

        return json.dumps(value, ensure_ascii=False)
    if isinstance(value, list | tuple):  # JSON list fields: the `a|b` form the import reads
        return "|".join(str(v) for v in value)
    # Booleans and choice values are written as the import form reads them back.
    return value


def export_rows(object_type: type[ObjectType], queryset: Iterable[models.Model]
                ) -> tuple[list[str], list[list[Any]]]:
    """Header and neutralised rows for `queryset`."""
    form = object_type.get_import_form()()
    columns = export_columns(object_type)
    rows = []
    for obj in queryset:
        row = []
        for name, _header in columns:
            value = cell_value(obj, name, form.fields[name])
            row.append(neutralise("" if value is None else value))
        rows.append(row)
    return [h for _n, h in columns], rows


def export_response(object_type: type[ObjectType], queryset: Iterable[models.Model],
                    fmt: str) -> HttpResponse:
    """An attachment response with the rows as CSV (UTF-8 with BOM for Excel) or XLSX."""
    header, rows = export_rows(object_type, queryset)
    stamp = timezone.localtime().strftime("%Y%m%d-%H%M")
    base = f"{object_type.verbose_name_plural()}-{stamp}"
    if fmt == "xlsx":
        from openpyxl import Workbook

        wb = Workbook(write_only=True)
        ws = wb.create_sheet(object_type.verbose_name_plural()[:31])
        ws.append(header)
        for row in rows:
            ws.append(row)
        buf = io.BytesIO()
        wb.save(buf)
        response = HttpResponse(
            buf.getvalue(),
            content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
        filename = f"{base}.xlsx"
    else:
        buf = io.StringIO()
        buf.write("\ufeff")
        writer = csv.writer(buf)
        writer.writerow(header)
        writer.writerows(rows)
        response = HttpResponse(buf.getvalue().encode("utf-8"), content_type="text/csv; charset=utf-8")
        filename = f"{base}.csv"
    response["Content-Disposition"] = f"attachment; filename*=UTF-8''{escape_uri_path(filename)}"
    return response
