"""Industrial chains (产业链), their roster (链长/副链长/专班/秘书处) and chain masters."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _

from lianzhang.core.models import ChangeLoggedModel, PrimaryModel, Scope

from ..choices import ChainCategory, RosterRole
from .maps import LATEST_FIRST

__all__ = ["Chain", "ChainRole", "ChainMaster"]


class Chain(PrimaryModel):
    """A key industrial chain of the city (智能家电, 新能源汽车 …)."""

    name = models.CharField(_("name"), max_length=100, unique=True)
    code = models.SlugField(_("code"), max_length=60, unique=True,
                            help_text=_("Short ASCII identifier, e.g. smart-appliance"))
    category = models.CharField(_("category"), max_length=20, choices=ChainCategory.choices,
                                default=ChainCategory.ADVANTAGE)

    scope = Scope(chain="self")

    class Meta:
        ordering = ["name"]
        verbose_name = _("chain")
        verbose_name_plural = _("chains")

    def __str__(self) -> str:
        return self.name

    def published_map(self):
        """The latest published map version, or None."""
        return self.maps.filter(status="published").order_by(*LATEST_FIRST).first()


class ChainRole(ChangeLoggedModel):
    """A person in a chain's organisation, with the period they serve."""

    chain = models.ForeignKey(Chain, on_delete=models.CASCADE, related_name="roster",
                              verbose_name=_("chain"))
    role = models.CharField(_("role"), max_length=20, choices=RosterRole.choices)
    person = models.CharField(_("person"), max_length=100)
    unit = models.CharField(_("unit"), max_length=200, blank=True)
    title = models.CharField(_("title"), max_length=100, blank=True)
    phone = models.CharField(_("phone"), max_length=30, blank=True)
    since = models.DateField(_("since"), null=True, blank=True)
    until = models.DateField(_("until"), null=True, blank=True)

    scope = Scope(chain="chain")

    class Meta:
        ordering = ["chain", "role", "person"]
        verbose_name = _("chain roster entry")
        verbose_name_plural = _("chain roster")

    def __str__(self) -> str:
        return f"{self.chain} · {self.get_role_display()} · {self.person}"

    def clean(self) -> None:
        """The end of service cannot come before its start."""
        if self.since and self.until and self.until < self.since:
            raise ValidationError({"until": _("The end date is before the start date.")})


class ChainMaster(ChangeLoggedModel):
    """A chain-master firm (链主企业) that anchors a chain."""

    chain = models.ForeignKey(Chain, on_delete=models.CASCADE, related_name="masters",
                              verbose_name=_("chain"))
    enterprise = models.ForeignKey("enterprises.Enterprise", on_delete=models.PROTECT,
                                   related_name="master_of", verbose_name=_("enterprise"))
    since = models.DateField(_("since"), null=True, blank=True)
    criteria = models.CharField(_("criteria met"), max_length=300, blank=True,
                                help_text=_("e.g. revenue ≥ 50亿, local suppliers served"))

    scope = Scope(chain="chain", town="enterprise__town")

    class Meta:
        ordering = ["chain", "enterprise__name"]
        constraints = [models.UniqueConstraint(fields=["chain", "enterprise"],
                                               name="unique_chain_master")]
        verbose_name = _("chain master")
        verbose_name_plural = _("chain masters")

    def __str__(self) -> str:
        return f"{self.chain} · {self.enterprise}"
