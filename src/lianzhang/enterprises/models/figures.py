"""Yearly figures of a firm and supply ties between firms."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from lianzhang.core.models import ChangeLoggedModel, Scope

__all__ = ["YearlyFigure", "SupplyTie"]

YEAR_VALIDATORS = [MinValueValidator(1949), MaxValueValidator(2100)]


def _money(label):
    return models.DecimalField(label, max_digits=18, decimal_places=2, null=True, blank=True,
                               validators=[MinValueValidator(0)])


class YearlyFigure(ChangeLoggedModel):
    """A firm's figures for one year, in 10k yuan (万元), with where they came from."""

    enterprise = models.ForeignKey("enterprises.Enterprise", on_delete=models.CASCADE,
                                   related_name="figures", verbose_name=_("enterprise"))
    year = models.PositiveSmallIntegerField(_("year"), validators=YEAR_VALIDATORS)
    output_value = _money(_("output value (10k yuan)"))
    revenue = _money(_("revenue (10k yuan)"))
    tax = _money(_("tax (10k yuan)"))
    employees = models.PositiveIntegerField(_("employees"), null=True, blank=True)
    rd_spend = _money(_("R&D spend (10k yuan)"))
    exports = _money(_("exports (10k yuan)"))
    source = models.CharField(_("source"), max_length=200,
                              help_text=_("e.g. 统计局规上企业年报, 企业自报, 税务数据"))

    scope = Scope(town="enterprise__town", enterprise="enterprise")

    class Meta:
        ordering = ["enterprise", "-year"]
        constraints = [models.UniqueConstraint(fields=["enterprise", "year"],
                                               name="unique_enterprise_year")]
        verbose_name = _("yearly figure")
        verbose_name_plural = _("yearly figures")

    def __str__(self) -> str:
        return f"{self.enterprise} {self.year}"


class SupplyTie(ChangeLoggedModel):
    """Supplier → customer for a node or product in a year, with the annual value
    (10k yuan) when known; the value-based local supporting rate is built from these."""

    supplier = models.ForeignKey("enterprises.Enterprise", on_delete=models.CASCADE,
                                 related_name="supplies", verbose_name=_("supplier"))
    customer = models.ForeignKey("enterprises.Enterprise", on_delete=models.CASCADE,
                                 related_name="purchases", verbose_name=_("customer"))
    node = models.ForeignKey("chains.ChainNode", on_delete=models.SET_NULL, null=True,
                             blank=True, related_name="supply_ties", verbose_name=_("node"))
    product = models.CharField(_("product"), max_length=200, blank=True)
    year = models.PositiveSmallIntegerField(_("year"), validators=YEAR_VALIDATORS)
    annual_value = models.DecimalField(_("annual value (10k yuan)"), max_digits=18,
                                       decimal_places=2, null=True, blank=True,
                                       validators=[MinValueValidator(0)])

    # The customer side owns the tie: chain masters' purchases are what towns report.
    scope = Scope(town="customer__town", enterprise=("supplier", "customer"))

    class Meta:
        ordering = ["customer", "-year"]
        verbose_name = _("supply tie")
        verbose_name_plural = _("supply ties")

    def __str__(self) -> str:
        return f"{self.supplier} → {self.customer} ({self.year})"

    def clean(self) -> None:
        """A firm cannot supply itself."""
        super().clean()
        if self.supplier_id and self.supplier_id == self.customer_id:
            raise ValidationError({"customer": _("A firm cannot supply itself.")})
