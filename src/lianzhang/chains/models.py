"""Industrial chains (产业链)."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from lianzhang.core.models import PrimaryModel, Scope
from lianzhang.users.roles import REFERENCE_DATA_ROLE_ACTIONS

from .choices import ChainCategory

__all__ = ["Chain"]


class Chain(PrimaryModel):
    """A key industrial chain of the city (智能家电, 新能源汽车 …)."""

    name = models.CharField(_("name"), max_length=100, unique=True)
    code = models.SlugField(_("code"), max_length=60, unique=True,
                            help_text=_("Short ASCII identifier, e.g. smart-appliance"))
    category = models.CharField(_("category"), max_length=20, choices=ChainCategory.choices,
                                default=ChainCategory.ADVANTAGE)

    scope = Scope(chain="self")
    role_actions = REFERENCE_DATA_ROLE_ACTIONS

    class Meta:
        ordering = ["name"]
        verbose_name = _("chain")
        verbose_name_plural = _("chains")

    def __str__(self) -> str:
        return self.name
