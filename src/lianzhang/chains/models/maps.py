"""Chain maps (树状图): versioned node trees. A map is edited as a draft and frozen when
published (1.0, 2.0 …); changing a published version means drafting a new one."""

from __future__ import annotations

import uuid
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _

from lianzhang.core.models import ChangeLoggedModel, NestedModel, Scope

from ..choices import MapStatus, Segment

__all__ = ["MapVersion", "ChainNode", "PublishedMapError", "LATEST_FIRST"]

# Newest publication first. Drafts (and versions loaded without a date) have no
# published_at; they go last on every database, since PostgreSQL would otherwise put
# NULL first in a descending order while SQLite puts it last.
LATEST_FIRST = (models.F("published_at").desc(nulls_last=True), "-pk")


class PublishedMapError(ValidationError):
    """Raised when something tries to change a published map version in place."""


class MapVersion(ChangeLoggedModel):
    """One version of a chain's map: a draft being edited or a published snapshot."""

    chain = models.ForeignKey("chains.Chain", on_delete=models.CASCADE, related_name="maps",
                              verbose_name=_("chain"))
    version = models.CharField(_("version"), max_length=20, blank=True,
                               help_text=_("Given on publication: 1.0, 2.0 …"))
    status = models.CharField(_("status"), max_length=20, choices=MapStatus.choices,
                              default=MapStatus.DRAFT)
    based_on = models.ForeignKey("self", on_delete=models.SET_NULL, null=True, blank=True,
                                 related_name="drafts", verbose_name=_("based on"))
    published_at = models.DateTimeField(_("published at"), null=True, blank=True)
    published_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL,
                                     null=True, blank=True, related_name="+",
                                     verbose_name=_("published by"))
    note = models.CharField(_("note"), max_length=300, blank=True)

    scope = Scope(chain="chain")

    class Meta:
        ordering = ["chain", *LATEST_FIRST]
        constraints = [
            models.UniqueConstraint(fields=["chain", "version"], condition=~models.Q(version=""),
                                    name="unique_map_version"),
            models.UniqueConstraint(fields=["chain"], condition=models.Q(status="draft"),
                                    name="one_draft_per_chain"),
        ]
        verbose_name = _("chain map version")
        verbose_name_plural = _("chain map versions")

    def __str__(self) -> str:
        label = self.version or _("draft")
        return f"{self.chain} {label}"

    @property
    def is_published(self) -> bool:
        """Published versions are frozen."""
        return self.status == MapStatus.PUBLISHED

    def _stored_published(self) -> bool:
        """Whether the stored row is already published (what the user may not edit)."""
        return bool(self.pk and not self._state.adding and type(self)._base_manager.filter(
            pk=self.pk, status=MapStatus.PUBLISHED).exists())

    def clean(self) -> None:
        """Forms and the API refuse edits of a published version with a message (the
        save below refuses too, for every other path)."""
        super().clean()
        if self._stored_published():
            raise PublishedMapError(_(
                "Version %(version)s is published and cannot be changed; create a draft.")
                % {"version": self.version})

    def save(self, *args: Any, **kwargs: Any) -> None:
        """Refuse to edit a published version (other than by publishing it)."""
        if self.pk and not self._state.adding:
            stored = type(self)._base_manager.filter(pk=self.pk).values("status").first()
            if stored and stored["status"] == MapStatus.PUBLISHED:
                raise PublishedMapError(_(
                    "Version %(version)s is published and cannot be changed; create a draft.")
                    % {"version": self.version})
        super().save(*args, **kwargs)

    def next_version(self) -> str:
        """The label the next publication gets: 1.0, 2.0, 3.0 …"""
        majors = []
        for label in self.chain.maps.exclude(version="").values_list("version", flat=True):
            try:
                majors.append(int(float(label)))
            except ValueError:
                continue
        return f"{max(majors, default=0) + 1}.0"


class ChainNode(NestedModel, ChangeLoggedModel):
    """A node of a chain map: a segment, a part or product group, down to core parts
    (拆零件), with the keywords and industry codes 挂链 uses."""

    map = models.ForeignKey(MapVersion, on_delete=models.CASCADE, related_name="nodes",
                            verbose_name=_("map version"))
    key = models.UUIDField(_("stable key"), default=uuid.uuid4, editable=False,
                           help_text=_("Kept across versions so versions can be compared"))
    name = models.CharField(_("name"), max_length=100)
    segment = models.CharField(_("segment"), max_length=20, choices=Segment.choices)
    level = models.PositiveSmallIntegerField(_("level"), default=1)
    position = models.PositiveIntegerField(_("position"), default=0)
    keywords = models.JSONField(_("keywords"), default=list, blank=True)
    negative_keywords = models.JSONField(_("negative keywords"), default=list, blank=True)
    industry_codes = models.JSONField(_("industry codes"), default=list, blank=True,
                                      help_text=_("GB/T 4754-2017 codes"))
    weight = models.FloatField(_("weight"), default=1.0,
                               help_text=_("BOM value share where known, else 1"))
    is_core = models.BooleanField(_("core part"), default=False)
    description = models.CharField(_("description"), max_length=500, blank=True)

    scope = Scope(chain="map__chain")

    class Meta:
        ordering = ["map", "position"]
        constraints = [models.UniqueConstraint(fields=["map", "parent", "name"],
                                               name="unique_sibling_name")]
        verbose_name = _("chain node")
        verbose_name_plural = _("chain nodes")

    def __str__(self) -> str:
        return self.name

    @property
    def chain(self):
        """The chain this node belongs to."""
        return self.map.chain

    def path(self) -> str:
        """`上游/核心零部件/压缩机`."""
        return "/".join([a.name for a in self.ancestors()] + [self.name])

    def _touches_published(self) -> bool:
        """Whether this write would change a published version: the node's map or,
        for a stored node, the map it is in now (moving a node out edits that one)."""
        maps = {self.map_id}
        if self.pk and not self._state.adding:
            maps.add(type(self)._base_manager.filter(pk=self.pk).values_list(
                "map_id", flat=True).first())
        return MapVersion._base_manager.filter(
            pk__in=[m for m in maps if m], status=MapStatus.PUBLISHED).exists()

    def clean(self) -> None:
        """Nodes of a published version are frozen; a parent must be in the same map."""
        super().clean()
        if self._touches_published():
            raise PublishedMapError(_("This map version is published; create a draft to edit it."))
        if self.parent_id and self.parent.map_id != self.map_id:
            raise ValidationError({"parent": _("The parent node belongs to another map version.")})
        if self.weight is not None and self.weight < 0:
            raise ValidationError({"weight": _("The weight cannot be negative.")})

    def save(self, *args: Any, **kwargs: Any) -> None:
        """Refuse writes into a published version, whatever path they come from."""
        if self._touches_published() and not getattr(self, "_publishing", False):
            raise PublishedMapError(_("This map version is published; create a draft to edit it."))
        self.level = (self.parent.level + 1) if self.parent_id else 1
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any):
        """Nodes of a published version cannot be deleted."""
        if self.map.is_published and not getattr(self, "_publishing", False):
            raise PublishedMapError(_("This map version is published; create a draft to edit it."))
        return super().delete(*args, **kwargs)
