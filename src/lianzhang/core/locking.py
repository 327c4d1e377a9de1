"""Optimistic locking: what a refused stale save tells people, and the explicit check
for writes that are not a plain save (deletes, workflow actions).

Every change-logged object has a `revision` (see `ChangeLoggedModel`). A page or an
API client that loaded an object at revision n sends n back with its change; the
write goes through only while the stored revision is still n. When it is not, the
user is told who changed the object and when, with a link to that change record,
and nothing is written."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.utils import timezone
from django.utils.html import format_html
from django.utils.translation import gettext as _

from .models import ObjectChange, StaleObjectError

__all__ = ["StaleObjectError", "check_revision", "latest_change", "current_revision",
           "conflict_text", "conflict_html", "conflict_data", "parse_revision",
           "keep_input_after_conflict"]


def parse_revision(value: Any) -> int | None:
    """A revision as sent by a form or client: None when none was sent (no check
    asked for); a value that is not a whole number becomes 0, which matches no
    stored revision."""
    text = str(value if value is not None else "").strip()
    if not text:
        return None
    return int(text) if text.isdigit() and len(text) <= 18 else 0


def check_revision(obj: models.Model, expected: int | None) -> None:
    """Lock `obj`'s row for the rest of the transaction and raise `StaleObjectError`
    if its stored revision is not `expected` (None: no check asked for, the row is
    only locked). For writes other than the object's own save (deletes, workflow
    actions that save several rows): call inside `transaction.atomic()` before
    writing. On SQLite the IMMEDIATE transaction already holds the write lock."""
    model = type(obj)
    stored = (model._base_manager.select_for_update().filter(pk=obj.pk)
              .values_list("revision", flat=True).first())
    if stored is None:
        raise StaleObjectError(model, obj.pk, expected, deleted=True)
    if expected is not None and stored != expected:
        raise StaleObjectError(model, obj.pk, expected)


def current_revision(model: type[models.Model], pk: Any) -> int | None:
    """The stored revision of an object (None when it no longer exists)."""
    return model._base_manager.filter(pk=pk).values_list("revision", flat=True).first()


def latest_change(model: type[models.Model], pk: Any) -> ObjectChange | None:
    """The newest change record of an object: the change that made a loaded revision
    stale (every revision bump writes one; for a row that did not exist when a page
    was shown, its creation)."""
    ct = ContentType.objects.get_for_model(model, for_concrete_model=False)
    return (ObjectChange.objects.filter(content_type=ct, object_id=str(pk))
            .order_by("-time", "-pk").first())


def _parts(exc: StaleObjectError) -> tuple[str, ObjectChange | None]:
    change = latest_change(exc.model, exc.pk)
    values = {"object": change.object_repr if change is not None
              else str(exc.model._meta.verbose_name)}
    if change is None:
        text = (_("%(object)s was deleted after you opened it.") if exc.deleted else
                _("%(object)s was changed by someone else after you opened it."))
        return text % values, None
    values.update(user=change.actor_label or _("someone"),
                  time=timezone.localtime(change.time).strftime("%Y-%m-%d %H:%M"))
    text = (_("%(object)s was deleted by %(user)s at %(time)s, after you opened it.")
            if exc.deleted else
            _("%(object)s was changed by %(user)s at %(time)s, after you opened it."))
    return text % values, change


def conflict_text(exc: StaleObjectError, advice: str = "") -> str:
    """The refusal as plain text: who changed the object and when, then `advice`
    (what the user can do now)."""
    text, _change = _parts(exc)
    return f"{text}{advice}"


def conflict_html(exc: StaleObjectError, advice: str = "") -> str:
    """The refusal for a page: the text, `advice`, and a link to the change record."""
    text, change = _parts(exc)
    if change is None:
        return format_html("{}{}", text, advice)
    return format_html('{}{} <a href="{}" data-conflict-change="{}">{}</a>', text, advice,
                       change.get_url(), change.pk, _("View the change"))


def conflict_data(exc: StaleObjectError, advice: str = "") -> dict[str, Any]:
    """The refusal as API data: the message, the stored revision, and the change
    record (id and page URL) that made the client's revision stale."""
    text, change = _parts(exc)
    return {"detail": f"{text}{advice}",
            "revision": None if exc.deleted else current_revision(exc.model, exc.pk),
            "change": change.pk if change is not None else None,
            "change_url": change.get_url() if change is not None else None}


def keep_input_after_conflict(form: forms.BaseForm, exc: StaleObjectError) -> None:
    """Tell the user who changed the object meanwhile (with a link to the change),
    and let the re-displayed form, which keeps the user's input, carry the current
    revision: saving it again, after checking, deliberately overwrites that change."""
    if exc.deleted:
        form.add_error(None, conflict_html(exc, " " + _("Nothing was saved.")))
        return
    form.add_error(None, conflict_html(exc, " " + _(
        "Nothing was saved; your input is kept below. Check the change, then save again "
        "to overwrite it.")))
    form.data = form.data.copy()
    form.data[form.add_prefix("revision")] = str(current_revision(exc.model, exc.pk) or "")
