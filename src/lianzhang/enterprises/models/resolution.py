"""The name-resolution review queue: firm names a person must decide about."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from lianzhang.core.models import ChangeLoggedModel, Scope

from ..choices import ReviewStatus

__all__ = ["NameReview"]


class NameReview(ChangeLoggedModel):
    """A firm name (from an import or a form) that matched several registry firms
    about equally well. Nothing is created or linked until someone decides."""

    name = models.CharField(_("name as given"), max_length=200)
    uscc = models.CharField(_("unified social credit code"), max_length=18, blank=True)
    source = models.CharField(_("source"), max_length=200, blank=True)
    row_data = models.JSONField(_("row data"), default=dict, blank=True)
    candidates = models.JSONField(_("candidates"), default=list, blank=True,
                                  help_text=_("[{id, name, score, reasons}]"))
    town = models.ForeignKey("regions.Region", on_delete=models.SET_NULL, null=True, blank=True,
                             related_name="+", verbose_name=_("town"))
    status = models.CharField(_("status"), max_length=20, choices=ReviewStatus.choices,
                              default=ReviewStatus.PENDING, db_index=True)
    resolved_to = models.ForeignKey("enterprises.Enterprise", on_delete=models.SET_NULL,
                                    null=True, blank=True, related_name="+",
                                    verbose_name=_("resolved to"))
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL,
                                   null=True, blank=True, related_name="+",
                                   verbose_name=_("decided by"))

    scope = Scope(town="town")

    class Meta:
        ordering = ["status", "-created"]
        verbose_name = _("name review")
        verbose_name_plural = _("name reviews")

    def __str__(self) -> str:
        return self.name
