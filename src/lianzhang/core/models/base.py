"""Abstract base models (DESIGN §6.2): change-logged, primary, organisational, nested."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.db.models import ProtectedError
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from ..querysets import RestrictedManager

__all__ = ["Scope", "ChangeLoggedModel", "PrimaryModel", "OrganizationalModel", "NestedModel",
           "StaleObjectError", "DeletionRefused", "protection_message"]


class StaleObjectError(Exception):
    """A save (or a checked delete) of an object whose stored revision is no longer the
    one it was loaded at: someone else changed, or deleted, it in the meantime.
    Nothing was written. `lianzhang.core.locking` turns it into the message users see."""

    def __init__(self, model: type[models.Model], pk: Any, expected: int | None,
                 deleted: bool = False) -> None:
        self.model, self.pk, self.expected, self.deleted = model, pk, expected, deleted
        state = "deleted" if deleted else "changed"
        super().__init__(f"{model.__name__} {pk} was {state} after revision {expected} "
                         "was loaded")


@dataclass(frozen=True)
class Scope:
    """Where a model's objects sit in the permission scope.

    `town` and `chain` are ORM lookup paths from the model to a town `Region` and to
    a `Chain` ("self" when the model is the region or chain itself; "" when the
    dimension does not apply). `enterprise` leads to the firm(s) the object belongs to
    (a tuple when there are several, e.g. a supply tie's supplier and customer): only
    types with it are open to firm users. Who may read and write the type is declared
    in `lianzhang.users.access`."""

    town: str = ""
    chain: str = ""
    enterprise: str | tuple[str, ...] = ""


class DeletionRefused(ProtectedError):
    """A deletion a model refuses for a reason of its own (not merely because other
    rows refer to it), with the message to show the user. Being a ProtectedError,
    the delete page and the API treat it as protection."""

    def __init__(self, message: str, protected_objects: Any) -> None:
        super().__init__(message, protected_objects)
        self.message = message


def protection_message(name: str, exc: ProtectedError) -> str:
    """Why deleting `name` was refused, as users read it: the model's own reason, or
    the objects still referring to it, each with its reason for staying when it has
    one (a model that keeps some objects for good defines `deletion_refusal()`)."""
    if isinstance(exc, DeletionRefused):
        return exc.message
    objects = list(exc.protected_objects)[:5]
    text = gettext("%(object)s is still used by: %(blockers)s") % {
        "object": name, "blockers": "、".join(str(o) for o in objects)}
    reasons = dict.fromkeys(getattr(o, "deletion_refusal", lambda: "")() for o in objects)
    return " ".join([text, *(r for r in reasons if r)])


class ChangeLoggedModel(models.Model):
    """Every domain model: audited on create/update/delete, restricted by scope, and
    locked optimistically by `revision`.

    `revision` is 1 when the object is created and goes up by one with every change
    record written for it (an edit, a many-to-many change, a background job's bulk
    write; the audit path bumps it, so revision and change log never disagree). A save
    writes only if the stored revision is still the one the object was loaded at
    (`UPDATE … WHERE revision = n`, one statement, so two concurrent saves cannot both
    win); otherwise it raises `StaleObjectError` and writes nothing. An edit form or an
    API client says which revision it was loaded at by setting `revision` before
    saving."""

    created = models.DateTimeField(_("created"), auto_now_add=True)
    last_updated = models.DateTimeField(_("last updated"), auto_now=True)
    revision = models.PositiveIntegerField(_("revision"), default=1, editable=False)

    objects = RestrictedManager()

    #: Permission scope paths (see `Scope`).
    scope: Scope = Scope()
    #: Field names never written into change records (secrets).
    audit_exclude: tuple[str, ...] = ()
    _audited = True

    class Meta:
        abstract = True

    def save(self, *args: Any, **kwargs: Any) -> None:
        """Save; an existing object only if nobody changed it since `revision` was
        read (else `StaleObjectError`, which, like an IntegrityError, ends the
        surrounding transaction). The check, the write, its change record and the
        revision bump commit together."""
        adding = self._state.adding or self.pk is None
        self._expected_revision = None if adding else self.revision
        try:
            with transaction.atomic(using=kwargs.get("using"), savepoint=False):
                super().save(*args, **kwargs)
        finally:
            self.__dict__.pop("_expected_revision", None)

    def get_absolute_url(self) -> str:
        """The object's detail page (generic URL naming: `<app>:<model>`)."""
        from django.urls import reverse

        meta = self._meta
        return reverse(f"{meta.app_label}:{meta.model_name}", args=[self.pk])

    def _do_update(self, base_qs: Any, using: Any, pk_val: Any, values: Any,
                   update_fields: Any, forced_update: Any) -> bool:
        # The UPDATE itself carries the check (WHERE revision = expected): on
        # PostgreSQL a concurrent writer holds the row lock until it commits, then
        # the condition is evaluated again on its new row and matches nothing.
        expected = getattr(self, "_expected_revision", None)
        if expected is None:  # raw saves (fixtures) and new objects
            return super()._do_update(base_qs, using, pk_val, values, update_fields,
                                      forced_update)
        if super()._do_update(base_qs.filter(revision=expected), using, pk_val, values,
                              update_fields, forced_update):
            return True
        deleted = not base_qs.filter(pk=pk_val).exists()
        raise StaleObjectError(type(self), pk_val, expected, deleted=deleted)


class PrimaryModel(ChangeLoggedModel):
    """A main object type: description, free-text comments, tags and custom fields."""

    description = models.CharField(_("description"), max_length=500, blank=True)
    comments = models.TextField(_("comments"), blank=True)
    tags = models.ManyToManyField(
        "core.Tag", blank=True, related_name="%(app_label)s_%(class)s_set", verbose_name=_("tags")
    )
    custom_fields = models.JSONField(_("custom fields"), default=dict, blank=True)

    class Meta:
        abstract = True


class OrganizationalModel(ChangeLoggedModel):
    """A small lookup object identified by a unique name and slug."""

    name = models.CharField(_("name"), max_length=100, unique=True)
    slug = models.SlugField(_("slug"), max_length=100, unique=True, allow_unicode=True)
    description = models.CharField(_("description"), max_length=500, blank=True)

    class Meta:
        abstract = True
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class NestedModel(models.Model):
    """Mixin for a tree node (regions, chain nodes) stored as an adjacency list;
    combine it with one of the change-logged bases.

    Trees here are shallow (≤ 6 levels) so walking parents is cheap; `clean()`
    refuses a parent that would make a cycle."""

    parent = models.ForeignKey(
        "self", on_delete=models.PROTECT, null=True, blank=True, related_name="children",
        verbose_name=_("parent"),
    )

    class Meta:
        abstract = True

    def ancestors(self) -> list[NestedModel]:
        """Parents from the root down to the direct parent."""
        chain: list[NestedModel] = []
        node = self.parent
        seen = {self.pk}
        while node is not None and node.pk not in seen:
            chain.append(node)
            seen.add(node.pk)
            node = node.parent
        return list(reversed(chain))

    def descendant_ids(self) -> set[int]:
        """Primary keys of every node below this one (breadth-first, one query a level)."""
        found: set[int] = set()
        frontier = [self.pk]
        manager = type(self)._base_manager
        while frontier:
            frontier = list(manager.filter(parent__in=frontier).values_list("pk", flat=True))
            frontier = [pk for pk in frontier if pk not in found]
            found.update(frontier)
        return found

    def clean(self) -> None:
        """Refuse a parent that is the node itself or one of its descendants."""
        super().clean()
        if self.parent_id is None or self.pk is None:
            return
        if self.parent_id == self.pk or self.parent_id in self.descendant_ids():
            raise ValidationError({"parent": _("A node cannot be placed under itself or its descendants.")})
