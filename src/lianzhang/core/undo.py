"""Undoing what one request or job wrote, from its audit records.

The audit log holds every change with its request/job id and the object's state
before and after. Undoing walks those records newest first: a created object is
deleted, an updated one gets its earlier values back, a deleted one is recreated —
each through an ordinary audited save or delete, so the undo is in the audit log
too (under its own id). Chunked like the import (`chunks`), so undoing a large
import never holds the write lock for long.

Undoing is idempotent: an object already back in its earlier state is left alone,
so running it twice (the import's own clean-up and the reaper's undo job) is safe.
An object someone else changed since is left as it is and reported, never
overwritten."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import FieldDoesNotExist, ValidationError
from django.db import models, transaction
from django.db.models import ProtectedError, RestrictedError
from django.utils.translation import gettext as _

from .chunks import chunked
from .context import change_context, current_context
from .models import ObjectChange

__all__ = ["UndoReport", "undo_changes"]

# A concurrency counter moves forward, never back: restoring an old value would let a
# stale edit pass the optimistic-lock check.
NOT_RESTORED = frozenset({"version"})


@dataclass
class UndoReport:
    """How many changes were undone, and those left alone (with the reason)."""

    undone: int = 0
    skipped: list[str] = field(default_factory=list)


def _python(fld: models.Field, value: Any) -> Any:
    """A snapshot's JSON value as the field's Python value (Decimal('1') and
    '1.0000' alike), so snapshots and live objects compare by value."""
    if value is None:
        return None
    try:
        return fld.to_python(value)
    except ValidationError:
        return value


def _same(obj: models.Model, data: dict[str, Any] | None) -> bool:
    """Whether `obj` holds the values of `data` (on the keys `data` has)."""
    if not data:
        return False
    for name, value in data.items():
        if name in NOT_RESTORED:
            continue
        try:
            fld = obj._meta.get_field(name)
        except FieldDoesNotExist:  # a field removed since the record was written
            continue
        if fld.many_to_many:
            if sorted(getattr(obj, name).values_list("pk", flat=True)) != sorted(value or []):
                return False
        elif fld.concrete and _python(fld, fld.value_from_object(obj)) != _python(fld, value):
            return False
    return True


def _assign(obj: models.Model, data: dict[str, Any]) -> dict[str, list]:
    """Set `obj`'s concrete fields from a snapshot; the many-to-many values to set
    once it is saved."""
    m2m = {}
    for name, value in data.items():
        if name in NOT_RESTORED:
            continue
        try:
            fld = obj._meta.get_field(name)
        except FieldDoesNotExist:
            continue
        if fld.many_to_many:
            m2m[name] = value or []
        elif fld.concrete:
            setattr(obj, fld.attname, _python(fld, value))
    return m2m


def _undo_one(change: ObjectChange, report: UndoReport) -> None:
    model = change.content_type.model_class()
    if model is None:
        return
    obj = model._base_manager.filter(pk=change.object_id).first()
    label = f"{change.content_type.name}“{change.object_repr}”"
    if change.action == ObjectChange.Action.DELETE:
        if obj is not None:
            return  # already recreated
        obj = model(pk=change.object_id)
        m2m = _assign(obj, change.prechange_data or {})
        obj.save(force_insert=True)
    elif obj is None:
        return  # a created object already gone; an updated one deleted since
    elif change.action == ObjectChange.Action.UPDATE and _same(obj, change.prechange_data):
        return  # already undone
    elif not _same(obj, change.postchange_data):
        report.skipped.append(_("%(object)s was changed by someone else since; left as "
                                "it is.") % {"object": label})
        return
    elif change.action == ObjectChange.Action.CREATE:
        try:
            with transaction.atomic():
                obj.delete()
        except (ProtectedError, RestrictedError):
            report.skipped.append(_("%(object)s is used by other records since; not "
                                    "deleted.") % {"object": label})
            return
        report.undone += 1
        return
    else:
        m2m = _assign(obj, change.prechange_data or {})
        obj.save()
    for name, ids in m2m.items():
        getattr(obj, name).set(ids)
    report.undone += 1


def undo_changes(request_id: uuid.UUID, since_pk: int = 0,
                 progress: Callable[[int, int], None] | None = None) -> UndoReport:
    """Undo the audited changes made under `request_id` (those recorded after change
    `since_pk`), newest first, in short transactions. The undo's own changes carry a
    new id, so a second undo of `request_id` does not undo the undo."""
    ids = list(ObjectChange.objects.filter(request_id=request_id, pk__gt=since_pk)
               .order_by("-pk").values_list("pk", flat=True))
    report = UndoReport()
    ctx = current_context()
    with change_context(user=ctx.get_user() if ctx else None,
                        actor=(ctx.actor if ctx else "") or "undo"):
        for chunk in chunked(len(ids)):
            with transaction.atomic():
                for i in chunk:
                    change = ObjectChange.objects.select_related("content_type").get(
                        pk=ids[i])
                    _undo_one(change, report)
            if progress is not None:
                progress(chunk.end, len(ids))
    return report
