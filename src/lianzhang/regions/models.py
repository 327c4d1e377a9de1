"""Regions: province → city → district/county → town/subdistrict/park."""

from __future__ import annotations

import re

from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _

from lianzhang.core.models import NestedModel, PrimaryModel, Scope

from .choices import LEVEL_ORDER, RegionLevel

__all__ = ["Region"]

CODE_RE = re.compile(r"^\d{12}$")


class Region(NestedModel, PrimaryModel):
    """An administrative region with its 12-digit statistical code; a town carries
    its main industry (一镇一业)."""

    name = models.CharField(_("name"), max_length=100)
    code = models.CharField(_("code"), max_length=12, unique=True,
                            help_text=_("12-digit statistical division code"))
    level = models.CharField(_("level"), max_length=20, choices=RegionLevel.choices)
    main_chain = models.ForeignKey(
        "chains.Chain", on_delete=models.SET_NULL, null=True, blank=True,
        related_name="main_towns", verbose_name=_("main chain"),
    )
    main_industry = models.CharField(_("main industry"), max_length=200, blank=True,
                                     help_text=_("One town, one industry (as the town names it)"))

    scope = Scope(town="self")

    class Meta:
        ordering = ["code"]
        verbose_name = _("region")
        verbose_name_plural = _("regions")

    def __str__(self) -> str:
        return self.name

    def clean(self) -> None:
        """Check the code format and that the level sits below the parent's level."""
        super().clean()
        errors = {}
        if self.code and not CODE_RE.match(self.code):
            errors["code"] = _("The code must be 12 digits (statistical division code).")
        if self.parent_id and self.level:
            parent_level = LEVEL_ORDER.get(self.parent.level, -1)
            if LEVEL_ORDER.get(self.level, -1) <= parent_level:
                errors["level"] = _("A %(level)s cannot sit under a %(parent)s.") % {
                    "level": self.get_level_display(), "parent": self.parent.get_level_display()}
        if errors:
            raise ValidationError(errors)
