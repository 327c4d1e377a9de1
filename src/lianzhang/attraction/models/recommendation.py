"""A saved recommendation: one ranked outside firm for one gap node, with the score's
factor breakdown and the products that matched, so a lead can carry its reasons."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from lianzhang.core.models import ChangeLoggedModel, Scope

__all__ = ["Recommendation"]


class Recommendation(ChangeLoggedModel):
    """Firm `enterprise` ranked `rank` for gap node `node` (DESIGN §4 "Recommendation
    score"). Recomputing updates the row; a firm that drops out of the list is kept
    (leads may refer to it) but marked not current."""

    node = models.ForeignKey("chains.ChainNode", on_delete=models.CASCADE,
                             related_name="recommendations", verbose_name=_("node"))
    enterprise = models.ForeignKey("enterprises.Enterprise", on_delete=models.CASCADE,
                                   related_name="recommendations", verbose_name=_("enterprise"))
    rank = models.PositiveIntegerField(_("rank"), default=0)
    score = models.FloatField(_("score"), default=0.0)
    factors = models.JSONField(_("factors"), default=dict, blank=True,
                               help_text=_("factor → {value, weight, contribution}"))
    matched = models.JSONField(_("matched products"), default=list, blank=True)
    weights = models.JSONField(_("weights used"), default=dict, blank=True)
    is_current = models.BooleanField(_("in the latest list"), default=True)
    manual = models.BooleanField(_("added by hand"), default=False)
    note = models.CharField(_("note"), max_length=300, blank=True)

    scope = Scope(chain="node__map__chain")

    class Meta:
        ordering = ["node", "-is_current", "rank"]
        constraints = [models.UniqueConstraint(fields=["node", "enterprise"],
                                               name="unique_node_recommendation")]
        verbose_name = _("recommendation")
        verbose_name_plural = _("recommendations")

    def __str__(self) -> str:
        return f"{self.node} · {self.enterprise}"

    @property
    def chain(self):
        """The chain of the gap node."""
        return self.node.map.chain

    def factor_rows(self) -> list[dict]:
        """Factors in display order with their labels (for the page)."""
        from ..services.recommend import FACTOR_LABELS

        return [{"name": name, "label": label, **self.factors[name]}
                for name, label in FACTOR_LABELS.items() if name in self.factors]
