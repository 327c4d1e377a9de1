"""Objects of the chain page: 重点事项, 重点短板需求 and the frozen figure snapshots."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from lianzhang.core.models import ChangeLoggedModel, PrimaryModel, Scope

from .choices import ItemStatus, NeedKind

__all__ = ["KeyMatter", "GapNeed", "ChainSnapshot"]


class KeyMatter(PrimaryModel):
    """A key matter (重点事项) a chain's task force is pushing."""

    chain = models.ForeignKey("chains.Chain", on_delete=models.CASCADE, related_name="key_matters",
                              verbose_name=_("chain"))
    title = models.CharField(_("title"), max_length=200)
    owner_unit = models.CharField(_("responsible unit"), max_length=200, blank=True)
    due = models.DateField(_("due date"), null=True, blank=True)
    status = models.CharField(_("status"), max_length=20, choices=ItemStatus.choices,
                              default=ItemStatus.OPEN)

    scope = Scope(chain="chain")

    class Meta:
        ordering = ["chain", "status", "due"]
        verbose_name = _("key matter")
        verbose_name_plural = _("key matters")

    def __str__(self) -> str:
        return self.title


class GapNeed(PrimaryModel):
    """A 短板需求 (technology, talent, finance or policy need) tied to a chain node."""

    chain = models.ForeignKey("chains.Chain", on_delete=models.CASCADE, related_name="gap_needs",
                              verbose_name=_("chain"))
    node = models.ForeignKey("chains.ChainNode", on_delete=models.SET_NULL, null=True, blank=True,
                             related_name="needs", verbose_name=_("node"))
    kind = models.CharField(_("kind"), max_length=20, choices=NeedKind.choices)
    title = models.CharField(_("title"), max_length=200)
    owner_unit = models.CharField(_("responsible unit"), max_length=200, blank=True)
    status = models.CharField(_("status"), max_length=20, choices=ItemStatus.choices,
                              default=ItemStatus.OPEN)

    scope = Scope(chain="chain")

    class Meta:
        ordering = ["chain", "kind", "title"]
        verbose_name = _("gap need")
        verbose_name_plural = _("gap needs")

    def __str__(self) -> str:
        return self.title


class ChainSnapshot(ChangeLoggedModel):
    """A chain's headline figures frozen as of a date, for bulletins and trends."""

    chain = models.ForeignKey("chains.Chain", on_delete=models.CASCADE, related_name="snapshots",
                              verbose_name=_("chain"))
    as_of = models.DateField(_("as of"))
    figures = models.JSONField(_("figures"), default=dict)

    scope = Scope(chain="chain")

    class Meta:
        ordering = ["chain", "-as_of"]
        constraints = [models.UniqueConstraint(fields=["chain", "as_of"],
                                               name="unique_chain_snapshot")]
        verbose_name = _("chain snapshot")
        verbose_name_plural = _("chain snapshots")

    def __str__(self) -> str:
        return f"{self.chain} {self.as_of:%Y-%m-%d}"
