"""Parks and innovation platforms."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from lianzhang.core.models import PrimaryModel, Scope

from ..choices import PlatformLevel, PlatformType

__all__ = ["Park", "InnovationPlatform"]


class Park(PrimaryModel):
    """An industrial park (重点园区) in a town."""

    name = models.CharField(_("name"), max_length=200, unique=True)
    town = models.ForeignKey("regions.Region", on_delete=models.PROTECT, related_name="parks",
                             verbose_name=_("town"))
    level = models.CharField(_("level"), max_length=20, choices=PlatformLevel.choices,
                             default=PlatformLevel.MUNICIPAL)
    chains = models.ManyToManyField("chains.Chain", blank=True, related_name="parks",
                                    verbose_name=_("chains"))
    area_mu = models.DecimalField(_("area (mu)"), max_digits=12, decimal_places=2, null=True,
                                  blank=True)

    scope = Scope(town="town", chain="chains")

    class Meta:
        ordering = ["name"]
        verbose_name = _("park")
        verbose_name_plural = _("parks")

    def __str__(self) -> str:
        return self.name


class InnovationPlatform(PrimaryModel):
    """An innovation platform (重点创新平台): laboratory, engineering centre …"""

    name = models.CharField(_("name"), max_length=200, unique=True)
    level = models.CharField(_("level"), max_length=20, choices=PlatformLevel.choices)
    type = models.CharField(_("type"), max_length=20, choices=PlatformType.choices)
    host = models.ForeignKey("enterprises.Enterprise", on_delete=models.SET_NULL, null=True,
                             blank=True, related_name="platforms", verbose_name=_("host firm"))
    town = models.ForeignKey("regions.Region", on_delete=models.PROTECT, null=True, blank=True,
                             related_name="platforms", verbose_name=_("town"))
    chains = models.ManyToManyField("chains.Chain", blank=True, related_name="platforms",
                                    verbose_name=_("chains"))
    nodes = models.ManyToManyField("chains.ChainNode", blank=True, related_name="platforms",
                                   verbose_name=_("nodes"))

    scope = Scope(town="town", chain="chains")

    class Meta:
        ordering = ["name"]
        verbose_name = _("innovation platform")
        verbose_name_plural = _("innovation platforms")

    def __str__(self) -> str:
        return self.name
