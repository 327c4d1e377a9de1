"""Abstract base models (DESIGN §6.2): change-logged, primary, organisational, nested."""

from __future__ import annotations

from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _

from ..querysets import RestrictedManager

__all__ = ["Scope", "ChangeLoggedModel", "PrimaryModel", "OrganizationalModel", "NestedModel"]


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


class ChangeLoggedModel(models.Model):
    """Every domain model: audited on create/update/delete, restricted by scope."""

    created = models.DateTimeField(_("created"), auto_now_add=True)
    last_updated = models.DateTimeField(_("last updated"), auto_now=True)

    objects = RestrictedManager()

    #: Permission scope paths (see `Scope`).
    scope: Scope = Scope()
    #: Field names never written into change records (secrets).
    audit_exclude: tuple[str, ...] = ()
    _audited = True

    class Meta:
        abstract = True

    def get_absolute_url(self) -> str:
        """The object's detail page (generic URL naming: `<app>:<model>`)."""
        from django.urls import reverse

        meta = self._meta
        return reverse(f"{meta.app_label}:{meta.model_name}", args=[self.pk])


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
