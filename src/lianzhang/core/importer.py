"""Bulk import: each row through the model's import form, errors as “第N行 列名: 原因”,
nothing written when any row fails — in short transactions, so a big file never
holds the database's write lock for long (docs/jobs.md)."""

from __future__ import annotations

from collections.abc import Callable
from contextlib import nullcontext
from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import Max
from django.utils import translation
from django.utils.translation import gettext as _

from .chunks import chunked
from .context import change_context, current_context
from .models import ObjectChange
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
    # Every row passed, but writing them takes more than one short transaction and
    # the caller asked not to (a web request: see `run_import`); nothing was written.
    needs_job: bool = False

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


class _RowPass:
    """One pass over the rows: each row through the resolver, the import form, the
    save and the scope check, recording errors and what was written in `result`. A
    pass keeps its own resolver and duplicate check, so the writing pass does not
    inherit the checking pass's memory of rows whose saves were rolled back."""

    def __init__(self, object_type: type[ObjectType], user: Any, table: Table,
                 columns: dict[int, str], result: ImportResult) -> None:
        self.model = object_type.model
        self.user = user
        self.table = table
        self.columns = columns
        self.label_of = {name: table.header[idx] for idx, name in columns.items()}
        self.form_class = object_type.get_import_form()
        self.result = result
        self.resolver = (object_type.import_resolver(user) if object_type.import_resolver
                         else None)
        self.unique = [n for n in _unique_fields(self.model) if n in self.label_of]
        self.seen: dict[str, dict[str, int]] = {n: {} for n in self.unique}

    def handle(self, i: int) -> None:
        """Import row `i` (inside the caller's transaction)."""
        result, label_of = self.result, self.label_of
        row_no, cells = self.table.row_numbers[i], self.table.rows[i]
        data = {self.columns[idx]: cells[idx] for idx in self.columns if idx < len(cells)}
        duplicate = False
        for name in self.unique:
            value = data.get(name, "")
            if value and value in self.seen[name]:
                result.errors.append(row_error(row_no, label_of[name], _(
                    "duplicates row %(other)d in this file") % {"other": self.seen[name][value]}))
                duplicate = True
            elif value:
                self.seen[name][value] = row_no
        if duplicate:
            return
        instance = None
        if self.resolver is not None:
            decision = self.resolver.decide(row_no, data)
            if decision.error:
                result.errors.append(row_error(row_no, decision.column, decision.error))
                return
            if decision.queued:
                result.queued += 1
                return
            instance = decision.instance
            if instance is not None and not self.model.objects.restrict(
                    self.user, "change").filter(pk=instance.pk).exists():
                result.errors.append(row_error(row_no, "", _(
                    "matches an existing record outside your permitted scope")))
                return
        form = self.form_class(data=data, user=self.user, instance=instance)
        if not form.is_valid():
            for name, messages in form.errors.items():
                column = label_of.get(name, "") if name != "__all__" else ""
                for message in messages:
                    result.errors.append(row_error(row_no, column, message))
            return
        with transaction.atomic():
            obj = form.save()
        action = "change" if instance is not None else "add"
        if not self.model.objects.restrict(self.user, action).filter(pk=obj.pk).exists():
            result.errors.append(row_error(row_no, "", _("outside your permitted scope")))
            return
        (result.updated if instance is not None else result.created).append(obj.pk)
        if self.resolver is not None:
            self.resolver.saved(obj)
        if len(result.preview) < 50:
            result.preview.append({label_of[n]: data.get(n, "") for n in label_of})


def _check_columns(object_type: type[ObjectType], table: Table,
                   result: ImportResult) -> dict[int, str]:
    """Map the header to form fields; file-level errors go to `result`."""
    form_class = object_type.get_import_form()
    mapping = header_map(form_class)
    columns: dict[int, str] = {}
    for idx, header in enumerate(table.header):
        name = mapping.get(header.strip().lower())
        if name is None:
            result.errors.append(_("Unknown column “%(column)s”.") % {"column": header})
        elif name in columns.values():
            result.errors.append(_("Column “%(column)s” appears twice.") % {"column": header})
        else:
            columns[idx] = name
    blank_fields = form_class().fields
    present = set(columns.values())
    missing = [n for n, f in blank_fields.items() if f.required and n not in present]
    if missing:
        labels = [str(blank_fields[n].label or n) for n in missing]
        result.errors.append(_("Missing required column(s): %(columns)s") % {
            "columns": "、".join(labels)})
    for row_no, column, reason in table.cell_errors:
        result.errors.append(row_error(row_no, column, reason))
    if object_type.import_table_check and not result.errors:
        # File-level rules a row-by-row form cannot see (e.g. mixed money units).
        result.errors.extend(object_type.import_table_check(table, columns))
    return columns


def run_import(object_type: type[ObjectType], user: Any, table: Table, dry_run: bool,
               progress: Callable[[int, int], None] | None = None,
               on_write: Callable[[], None] | None = None,
               on_undo: Callable[[int], None] | None = None, *,
               write_in_chunks: bool = True, checked: bool = False) -> ImportResult:
    """Import every row of `table`, all or nothing, never holding the database's write
    lock for more than about `IMPORT_CHUNK_SECONDS` (docs/jobs.md).

    First every row goes through the whole import path — resolver, form, save, scope
    check — in short transactions that are rolled back: the check. A file that passes
    in one such transaction is simply committed. Otherwise, when every row passed and
    this is not a dry run, a second pass writes the rows in short committed
    transactions (`on_write` is called when it starts); if it fails half-way (a row
    that another user's change made invalid meanwhile, a database error, a cancel),
    everything it wrote is undone from the audit log before returning or raising
    (`on_undo(changes)` is called first: undoing a large part takes a while).
    `progress` counts to twice the number of rows: checking, then writing. Rows
    outside the user's scope are errors, never written.

    `write_in_chunks=False` (a web request, which its server may kill at a time-out,
    leaving no one to undo a half-written file): a file that passed the check but
    needs more than one transaction is not written; `needs_job` says to hand it to a
    job. `checked=True` (that job): the file was checked moments ago, write at once —
    a row that fails now is still undone with everything else."""
    if not user_can(user, object_type.model, "add"):
        raise PermissionDenied
    result = ImportResult(rows=len(table.rows), dry_run=dry_run)
    if object_type.prepare_table is not None:
        try:  # e.g. the project ledger's unit columns (万元/亿元) → one unit
            table = object_type.prepare_table(table)
        except TableError as exc:
            result.errors.append(str(exc))
            return result
    columns = _check_columns(object_type, table, result)
    if result.errors:
        return result

    count = len(table.rows)
    if checked and not dry_run:
        if on_write:
            on_write()
        return _write(object_type, user, table, columns, result, progress, on_undo)
    steps = count if dry_run else 2 * count
    check = _RowPass(object_type, user, table, columns, result)
    for chunk in chunked(count):
        with transaction.atomic():
            for i in chunk:
                check.handle(i)
            keep = chunk.start == 0 and chunk.is_last and not (dry_run or result.errors)
            if not keep:
                transaction.set_rollback(True)
        if keep:  # the whole file fitted in one short transaction: it is written (and
            return result  # no progress report, whose cancel could only come too late)
        if progress:
            progress(chunk.end, steps)
    if result.errors:
        result.created = []
    if result.errors or dry_run:
        return result
    if not write_in_chunks:
        result.needs_job = True
        result.created, result.updated, result.queued = [], [], 0
        return result
    if on_write:
        on_write()
    return _write(object_type, user, table, columns, result, progress, on_undo)


def _write(object_type: type[ObjectType], user: Any, table: Table, columns: dict[int, str],
           checked: ImportResult, progress: Callable[[int, int], None] | None,
           on_undo: Callable[[int], None] | None) -> ImportResult:
    """The writing pass of `run_import`: committed chunks, undone on failure."""
    from .undo import undo_changes

    def undo(request_id: Any, since: int) -> Any:
        if on_undo:
            on_undo(ObjectChange.objects.filter(request_id=request_id, pk__gt=since).count())
        return undo_changes(request_id, since)

    count = len(table.rows)
    written = ImportResult(rows=count, dry_run=False)
    ctx = current_context()
    # The undo finds this pass's writes by the change context's id (and the audit
    # records after `since`), so the pass needs a context of its own when it has none.
    with (nullcontext(ctx) if ctx else change_context(user=user, actor="import")) as active:
        since = ObjectChange.objects.aggregate(last=Max("pk"))["last"] or 0
        rows = _RowPass(object_type, user, table, columns, written)
        try:
            for chunk in chunked(count):
                with transaction.atomic():
                    for i in chunk:
                        rows.handle(i)
                        if written.errors:
                            transaction.set_rollback(True)
                            break
                if written.errors:
                    break
                if progress:
                    progress(count + chunk.end, 2 * count)
        except BaseException:
            undo(active.request_id, since)
            raise
        if written.errors:
            report = undo(active.request_id, since)
            written.errors.append(_(
                "The file passed the check, but this row failed while writing (the data "
                "changed meanwhile). The %(count)d change(s) already written were undone; "
                "nothing of this file was kept.") % {"count": report.undone})
            written.errors.extend(report.skipped)
            written.created, written.updated = [], []
    written.preview = checked.preview
    return written


def import_file(object_type: type[ObjectType], user: Any, filename: str, data: bytes,
                dry_run: bool, progress: Callable[[int, int], None] | None = None,
                on_write: Callable[[], None] | None = None,
                on_undo: Callable[[int], None] | None = None,
                checked: bool = False) -> ImportResult:
    """Read a file and import it; a file-level problem becomes the single error."""
    try:
        table = read_table(filename, data)
    except TableError as exc:
        return ImportResult(errors=[str(exc)], dry_run=dry_run)
    return run_import(object_type, user, table, dry_run, progress, on_write, on_undo,
                      checked=checked)
