"""The one audit path (DESIGN §6.4): signals write an ObjectChange for every create,
update and delete of an audited model, with the user and request/job id taken from
the change context. Bulk helpers write the same records for fast imports."""

from __future__ import annotations

import datetime
import decimal
import uuid
from collections.abc import Iterable, Sequence
from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.db import models, transaction
from django.db.models import F
from django.db.models.signals import m2m_changed, post_delete, post_save, pre_delete, pre_save
from django.dispatch import receiver

from .context import current_context
from .models import ObjectChange
from .versioning import bump_data_version, change_scopes

__all__ = ["is_audited", "serialize_object", "record_change", "audited_bulk_create",
           "audited_bulk_delete", "audited_bulk_m2m_add",
           "audited_bulk_update", "has_revision", "bump_revisions"]

SYSTEM_ACTOR = "系统"
#: Bookkeeping fields left out of change records: timestamps, and the revision, which
#: counts the records themselves.
_NOT_RECORDED = ("created", "last_updated", "revision")


def has_revision(model: type[models.Model]) -> bool:
    """Whether the model is locked optimistically (has the `revision` counter)."""
    return any(f.name == "revision" for f in model._meta.concrete_fields)


def bump_revisions(model: type[models.Model], objs: Sequence[models.Model]) -> None:
    """Raise the revision of each object by one in the database and in memory: called
    wherever an update record is written, so every recorded change makes the object's
    earlier revision stale (a user editing what a job changed meanwhile is told)."""
    if not objs or not has_revision(model):
        return
    pks = [o.pk for o in objs]
    for start in range(0, len(pks), 1000):
        # The base manager's plain queryset: this UPDATE is the audit path's own.
        model._base_manager.filter(pk__in=pks[start:start + 1000]).update(
            revision=F("revision") + 1)
    for obj in objs:
        if "revision" not in obj.get_deferred_fields():
            obj.revision += 1


def is_audited(model: type[models.Model]) -> bool:
    """Whether changes to `model` are written to the audit log."""
    return bool(getattr(model, "_audited", False))


def _json_value(value: Any) -> Any:
    if isinstance(value, datetime.datetime | datetime.date | datetime.time):
        return value.isoformat()
    if isinstance(value, decimal.Decimal | uuid.UUID):
        return str(value)
    if isinstance(value, list | tuple):
        return [_json_value(v) for v in value]
    if isinstance(value, dict):
        return {k: _json_value(v) for k, v in value.items()}
    if hasattr(value, "name") and hasattr(value, "url"):  # file fields
        return value.name or None
    return value


def serialize_object(obj: models.Model, with_m2m: bool = True) -> dict[str, Any]:
    """A JSON-safe snapshot of an object's fields (FKs as ids, M2M as sorted id lists),
    leaving out secrets named in `audit_exclude`."""
    exclude = set(getattr(obj, "audit_exclude", ()))
    data: dict[str, Any] = {}
    for field in obj._meta.concrete_fields:
        if field.name in exclude or field.name in _NOT_RECORDED:
            continue
        data[field.name] = _json_value(field.value_from_object(obj))
    if with_m2m and obj.pk is not None:
        for field in obj._meta.many_to_many:
            if field.name not in exclude:
                data[field.name] = sorted(
                    getattr(obj, field.name).values_list("pk", flat=True)
                )
    return data


def _actor() -> tuple[Any, str, uuid.UUID | None]:
    ctx = current_context()
    if ctx is None:
        return None, SYSTEM_ACTOR, None
    user = ctx.get_user()
    name = user.get_username() if user is not None else (ctx.actor or SYSTEM_ACTOR)
    return user, name, ctx.request_id


def _make_change(obj: models.Model, action: str, before: dict | None,
                 after: dict | None) -> ObjectChange:
    user, name, request_id = _actor()
    return ObjectChange(
        user=user, user_name=name, request_id=request_id, action=action,
        content_type=ContentType.objects.get_for_model(obj, for_concrete_model=False),
        object_id=str(obj.pk), object_repr=str(obj)[:300],
        prechange_data=before, postchange_data=after,
    )


def record_change(obj: models.Model, action: str, before: dict | None,
                  after: dict | None) -> ObjectChange:
    """Write one change record for `obj` in the current change context (an update
    also raises the object's revision)."""
    change = _make_change(obj, action, before, after)
    change.save()
    if action == ObjectChange.Action.UPDATE:
        bump_revisions(type(obj), [obj])
    bump_data_version(change_scopes(type(obj), [before, after]))
    return change


@receiver(pre_save)
def _capture_before_save(sender, instance, raw=False, **kwargs):
    if raw or not is_audited(sender):
        return
    instance._audit_before = None
    if instance.pk is not None and not instance._state.adding:
        old = sender._base_manager.filter(pk=instance.pk).first()
        instance._audit_before = serialize_object(old) if old is not None else None


@receiver(post_save)
def _record_save(sender, instance, created, raw=False, **kwargs):
    if raw or not is_audited(sender):
        return
    before = None if created else getattr(instance, "_audit_before", None)
    after = serialize_object(instance)
    if not created and before == after:
        return  # a save that changed nothing is not a change
    record_change(instance, ObjectChange.Action.CREATE if created else ObjectChange.Action.UPDATE,
                  before, after)


_KEEPS_REFERENCES = (models.CASCADE, models.PROTECT, models.RESTRICT, models.DO_NOTHING)


def _dependents(instance: models.Model) -> list[tuple[type[models.Model], Any, dict]]:
    """Audited objects a delete of `instance` changes without saving them: foreign
    keys set to null/default (SET_NULL, SET_DEFAULT, SET()) and many-to-many links
    removed. Returns (model, pk, snapshot before) triples."""
    found = []
    for rel in instance._meta.related_objects:
        model = rel.related_model
        if not is_audited(model) or (not rel.many_to_many and rel.on_delete in _KEEPS_REFERENCES):
            continue
        if rel.many_to_many and rel.field.name in getattr(model, "audit_exclude", ()):
            continue
        for obj in model._base_manager.filter(**{rel.field.name: instance.pk}).distinct():
            found.append((model, obj.pk, serialize_object(obj)))
    return found


@receiver(pre_delete)
def _capture_before_delete(sender, instance, **kwargs):
    if is_audited(sender):
        instance._audit_before = serialize_object(instance)
    instance._audit_dependents = _dependents(instance)


@receiver(post_delete)
def _record_delete(sender, instance, **kwargs):
    if is_audited(sender):
        record_change(instance, ObjectChange.Action.DELETE,
                      getattr(instance, "_audit_before", None), None)
    for model, pk, before in getattr(instance, "_audit_dependents", ()):
        obj = model._base_manager.filter(pk=pk).first()
        if obj is None:
            continue  # deleted too (cascade): its own delete record says so
        after = serialize_object(obj)
        if after != before:
            record_change(obj, ObjectChange.Action.UPDATE, before, after)


def _record_reverse_m2m(sender, instance, action, model, pk_set) -> None:
    """Links changed from the other side (`tag.regions_region_set.add(region)`): record
    the change on each forward object, as if it had been made from its side."""
    if not is_audited(model):
        return
    field = next((f for f in model._meta.many_to_many if f.remote_field.through is sender), None)
    if field is None or field.name in getattr(model, "audit_exclude", ()):
        return
    key = f"_audit_m2m_reverse_{field.name}"
    if action in ("pre_add", "pre_remove", "pre_clear"):
        if pk_set is None:  # clear: every object linked now
            pks = list(model._base_manager.filter(**{field.name: instance.pk})
                       .values_list("pk", flat=True))
        else:
            pks = list(pk_set)
        setattr(instance, key, {
            obj.pk: sorted(getattr(obj, field.name).values_list("pk", flat=True))
            for obj in model._base_manager.filter(pk__in=pks)})
    elif action in ("post_add", "post_remove", "post_clear"):
        before = getattr(instance, key, None) or {}
        for obj in model._base_manager.filter(pk__in=list(before)):
            after_ids = sorted(getattr(obj, field.name).values_list("pk", flat=True))
            if before[obj.pk] != after_ids:
                record_change(obj, ObjectChange.Action.UPDATE,
                              {field.name: before[obj.pk]}, {field.name: after_ids})


@receiver(m2m_changed)
def _record_m2m(sender, instance, action, reverse, model, pk_set, **kwargs):
    if reverse:
        _record_reverse_m2m(sender, instance, action, model, pk_set)
        return
    if not is_audited(type(instance)):
        return
    field = next((f for f in instance._meta.many_to_many
                  if f.remote_field.through is sender), None)
    if field is None or field.name in getattr(instance, "audit_exclude", ()):
        return
    if action in ("pre_add", "pre_remove", "pre_clear"):
        instance._audit_m2m_before = sorted(
            getattr(instance, field.name).values_list("pk", flat=True))
    elif action in ("post_add", "post_remove", "post_clear"):
        before_ids = getattr(instance, "_audit_m2m_before", None)
        after_ids = sorted(getattr(instance, field.name).values_list("pk", flat=True))
        if before_ids != after_ids:
            record_change(instance, ObjectChange.Action.UPDATE,
                          {field.name: before_ids}, {field.name: after_ids})


def audited_bulk_create(model: type[models.Model], objs: Sequence[models.Model],
                        batch_size: int = 1000) -> list[models.Model]:
    """`bulk_create` for large imports, writing the same create records the signals
    would (one insert per batch instead of one per object)."""
    created = model._base_manager.bulk_create(objs, batch_size=batch_size)
    scopes = None
    if is_audited(model):
        if any(o.pk is None for o in created):
            raise RuntimeError("bulk create did not return primary keys; cannot audit")
        after = [serialize_object(o, False) for o in created]
        ObjectChange.objects.bulk_create(
            [_make_change(o, ObjectChange.Action.CREATE, None, a)
             for o, a in zip(created, after, strict=True)], batch_size=batch_size)
        scopes = change_scopes(model, after)
    bump_data_version(scopes)
    return list(created)


def audited_bulk_update(model: type[models.Model], objs: Iterable[models.Model],
                        fields: Sequence[str], batch_size: int = 1000) -> int:
    """`bulk_update` with one update record (and a revision bump) per object that
    really changed. The rows are locked first and their revisions compared with the
    objects': if any was changed or deleted since it was read, `StaleObjectError` is
    raised and nothing is written, so a job never overwrites an edit it did not see."""
    from .models import StaleObjectError

    objs = list(objs)
    if not objs:
        return 0
    versioned = has_revision(model)
    with transaction.atomic():
        old = {o.pk: o for o in model._base_manager.select_for_update().filter(
            pk__in=[o.pk for o in objs])}
        changes, snapshots, changed = [], [], []
        for obj in objs:
            row = old.get(obj.pk)
            if versioned and (row is None or row.revision != obj.revision):
                raise StaleObjectError(model, obj.pk, obj.revision, deleted=row is None)
            before = serialize_object(row, False) if row is not None else None
            after = serialize_object(obj, False)
            if before != after:
                changes.append(_make_change(obj, ObjectChange.Action.UPDATE, before, after))
                snapshots += [before, after]
                changed.append(obj)
        if versioned:
            fields = [*fields, "revision"]
            for obj in changed:  # rows are locked: the stored value is exactly this
                obj.revision += 1
        try:
            count = model._base_manager.bulk_update(objs, fields, batch_size=batch_size)
        except BaseException:
            for obj in changed if versioned else ():
                obj.revision -= 1
            raise
        ObjectChange.objects.bulk_create(changes, batch_size=batch_size)
    bump_data_version(change_scopes(model, snapshots))
    return count


def audited_bulk_delete(model: type[models.Model], queryset: models.QuerySet,
                        batch_size: int = 1000) -> int:
    """Delete many rows of a model that nothing refers to (e.g. machine-made links),
    writing one delete record per row, without one signal round trip per row."""
    if model._meta.related_objects:
        raise RuntimeError(f"{model.__name__} is referred to by other models; delete one by one")
    objs = list(queryset)
    if not objs:
        return 0
    before = [serialize_object(o, False) for o in objs]
    if is_audited(model):
        ObjectChange.objects.bulk_create(
            [_make_change(o, ObjectChange.Action.DELETE, b, None)
             for o, b in zip(objs, before, strict=True)], batch_size=batch_size)
    pks = [o.pk for o in objs]
    deleted = 0
    for start in range(0, len(pks), batch_size):
        chunk = model._base_manager.filter(pk__in=pks[start:start + batch_size])
        deleted += chunk._raw_delete(chunk.db)
    bump_data_version(change_scopes(model, before))
    return deleted


def audited_bulk_m2m_add(objs: Sequence[models.Model], field: str, target: models.Model,
                         batch_size: int = 1000) -> None:
    """Add `target` to the many-to-many `field` of new objects (which have no links on
    that field yet), writing the update record the m2m signal would write for each
    (`field: [] → [target]`), without one signal round trip per object."""
    if not objs:
        return
    model = type(objs[0])
    through = model._meta.get_field(field).remote_field.through
    source = f"{model._meta.model_name}_id"
    target_col = f"{target._meta.model_name}_id"
    through._base_manager.bulk_create(
        [through(**{source: o.pk, target_col: target.pk}) for o in objs], batch_size=batch_size)
    if is_audited(model):
        ObjectChange.objects.bulk_create(
            [_make_change(o, ObjectChange.Action.UPDATE, {field: []}, {field: [target.pk]})
             for o in objs], batch_size=batch_size)
        bump_revisions(model, objs)
    bump_data_version()
