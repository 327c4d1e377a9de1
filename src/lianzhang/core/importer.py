"""Bulk import (DESIGN §6.6): each row through the model's import form, all rows in
one transaction, errors as “第N行 列名: 原因”, nothing written when any row fails."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import translation
from django.utils.translation import gettext as _

from .permissions import user_can
from .registry import ObjectType
from .tabular import Table, TableError, read_table

__all__ = ["ImportResult", "RowDecision", "header_map", "run_import", "import_file"]


@dataclass
class RowDecision:
    """What an object type's import resolver decided for one row: update `instance`,
    create (instance None), hold the row for review (`queued`), or refuse (`error`)."""

    instance: Any = None
    queued: bool = False
    error: str = ""
    column: str = ""


@dataclass
class ImportResult:
    """What an import did (or would do, on a dry run)."""

    rows: int = 0
    created: list[Any] = field(default_factory=list)
    updated: list[Any] = field(default_factory=list)
    queued: int = 0
    preview: list[dict[str, str]] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    dry_run: bool = True

    @property
    def ok(self) -> bool:
        """True when every row passed."""
        return not self.errors


def row_error(row_no: int, column: str, reason: str) -> str:
    """The one error format users see: 第N行 列名: 原因."""
    if column:
        return _("Row %(row)d %(column)s: %(reason)s") % {
            "row": row_no, "column": column, "reason": reason}
    return _("Row %(row)d: %(reason)s") % {"row": row_no, "reason": reason}


def header_map(form_class: type) -> dict[str, str]:
    """Map every accepted header spelling to a form field name: the field name, its
    English and Chinese labels, and the form's `header_aliases`."""
    mapping: dict[str, str] = {}
    form = form_class()
    for name, fld in form.fields.items():
        mapping[name.lower()] = name
        for lang in ("en", "zh-hans"):
            with translation.override(lang):
                if fld.label:
                    mapping[str(fld.label).strip().lower()] = name
    for alias, name in getattr(form_class, "header_aliases", {}).items():
        mapping[alias.lower()] = name
    return mapping


def _unique_fields(model: type) -> list[str]:
    return [f.name for f in model._meta.concrete_fields if f.unique and not f.primary_key]


def run_import(object_type: type[ObjectType], user: Any, table: Table, dry_run: bool,
               progress: Callable[[int, int], None] | None = None) -> ImportResult:
    """Validate and save every row of `table` in one transaction; roll back on a dry
    run or any error. Rows outside the user's scope are errors, never written."""
    model = object_type.model
    if not user_can(user, model, "add"):
        raise PermissionDenied
    form_class = object_type.get_import_form()
    mapping = header_map(form_class)
    result = ImportResult(rows=len(table.rows), dry_run=dry_run)
    if object_type.prepare_table is not None:
        try:  # e.g. the project ledger's unit columns (万元/亿元) → one unit
            table = object_type.prepare_table(table)
        except TableError as exc:
            result.errors.append(str(exc))
            return result

    columns: dict[int, str] = {}
    for idx, header in enumerate(table.header):
        name = mapping.get(header.strip().lower())
        if name is None:
            result.errors.append(_("Unknown column “%(column)s”.") % {"column": header})
        elif name in columns.values():
            result.errors.append(_("Column “%(column)s” appears twice.") % {"column": header})
        else:
            columns[idx] = name
    label_of = {name: table.header[idx] for idx, name in columns.items()}
    blank_fields = form_class().fields
    required = [n for n, f in blank_fields.items() if f.required]
    missing = [n for n in required if n not in label_of]
    if missing:
        labels = [str(blank_fields[n].label or n) for n in missing]
        result.errors.append(_("Missing required column(s): %(columns)s") % {
            "columns": "、".join(labels)})
    for row_no, column, reason in table.cell_errors:
        result.errors.append(row_error(row_no, column, reason))
    if object_type.import_table_check and not result.errors:
        # File-level rules a row-by-row form cannot see (e.g. mixed money units).
        result.errors.extend(object_type.import_table_check(table, columns))
    if result.errors:
        return result

    resolver = object_type.import_resolver(user) if object_type.import_resolver else None
    unique = [n for n in _unique_fields(model) if n in label_of]
    seen: dict[str, dict[str, int]] = {n: {} for n in unique}
    total = len(table.rows)
    with transaction.atomic():
        for i, (row_no, cells) in enumerate(zip(table.row_numbers, table.rows, strict=True)):
            data = {columns[idx]: cells[idx] for idx in columns if idx < len(cells)}
            duplicate = False
            for name in unique:
                value = data.get(name, "")
                if value and value in seen[name]:
                    result.errors.append(row_error(row_no, label_of[name], _(
                        "duplicates row %(other)d in this file") % {"other": seen[name][value]}))
                    duplicate = True
                elif value:
                    seen[name][value] = row_no
            if duplicate:
                continue
            instance = None
            if resolver is not None:
                decision = resolver.decide(row_no, data)
                if decision.error:
                    result.errors.append(row_error(row_no, decision.column, decision.error))
                    continue
                if decision.queued:
                    result.queued += 1
                    continue
                instance = decision.instance
                if instance is not None and not model.objects.restrict(user, "change").filter(
                        pk=instance.pk).exists():
                    result.errors.append(row_error(row_no, "", _(
                        "matches an existing record outside your permitted scope")))
                    continue
            form = form_class(data=data, user=user, instance=instance)
            if not form.is_valid():
                for name, messages in form.errors.items():
                    column = label_of.get(name, "") if name != "__all__" else ""
                    for message in messages:
                        result.errors.append(row_error(row_no, column, message))
                continue
            with transaction.atomic():
                obj = form.save()
            action = "change" if instance is not None else "add"
            if not model.objects.restrict(user, action).filter(pk=obj.pk).exists():
                result.errors.append(row_error(row_no, "", _("outside your permitted scope")))
                continue
            if instance is not None:
                result.updated.append(obj.pk)
            else:
                result.created.append(obj.pk)
            if resolver is not None:
                resolver.saved(obj)
            if len(result.preview) < 50:
                result.preview.append({label_of[n]: data.get(n, "") for n in label_of})
            if progress and (i % 200 == 0 or i == total - 1):
                progress(i + 1, total)
        if dry_run or result.errors:
            transaction.set_rollback(True)
    if result.errors or dry_run:
        result.created = [] if result.errors else result.created
    return result


def import_file(object_type: type[ObjectType], user: Any, filename: str, data: bytes,
                dry_run: bool, progress: Callable[[int, int], None] | None = None
                ) -> ImportResult:
    """Read a file and import it; a file-level problem becomes the single error."""
    try:
        table = read_table(filename, data)
    except TableError as exc:
        return ImportResult(errors=[str(exc)], dry_run=dry_run)
    return run_import(object_type, user, table, dry_run, progress)
