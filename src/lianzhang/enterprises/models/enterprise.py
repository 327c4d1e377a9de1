"""The enterprise registry: firms, their other names, products and contacts."""

from __future__ import annotations

import re
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from chainkit.uscc import normalize_uscc, validate_uscc
from lianzhang.core.models import ChangeLoggedModel, PrimaryModel, Scope

from ..choices import ACTIVE_STATUSES, EnterpriseStatus, NameKind

__all__ = ["Enterprise", "EnterpriseName", "Product", "Contact", "IndustryCode",
           "validate_industry_code", "INDUSTRY_CODE_RE"]

# GB/T 4754-2017: a section letter (门类) or a 2/3/4-digit class code.
INDUSTRY_CODE_RE = re.compile(r"^(?:[A-T]|\d{2}|\d{3}|\d{4})$")
SHARE_TOLERANCE = Decimal("1.05")


def validate_industry_code(code: str) -> None:
    """Format check, then (when an administrator loaded the standard's table with
    `lianzhang load_industry_codes`) existence in GB/T 4754-2017."""
    if not code:
        return
    if not INDUSTRY_CODE_RE.match(code):
        raise ValidationError(_("“%(code)s” is not a GB/T 4754-2017 code (a letter A–T or 2–4 "
                                "digits).") % {"code": code})
    # The code is looked up first: a known code costs one query, not two.
    if not IndustryCode.objects.filter(code=code).exists() and IndustryCode.objects.exists():
        raise ValidationError(_("“%(code)s” is not in the loaded GB/T 4754-2017 table.")
                              % {"code": code})


def _validate_uscc(value: str) -> None:
    message = validate_uscc(value)
    if message:
        raise ValidationError(message)


class IndustryCode(models.Model):
    """GB/T 4754-2017 national industry classification (reference table, loaded by an
    administrator; not edited in the UI)."""

    code = models.CharField(_("code"), max_length=5, primary_key=True)
    name = models.CharField(_("name"), max_length=200)
    level = models.CharField(_("level"), max_length=10)
    parent_code = models.CharField(_("parent code"), max_length=5, blank=True)
    description = models.TextField(_("description"), blank=True)

    class Meta:
        ordering = ["code"]
        verbose_name = _("industry code")
        verbose_name_plural = _("industry codes")

    def __str__(self) -> str:
        return f"{self.code} {self.name}"


class Enterprise(PrimaryModel):
    """A firm: local (with a town) or outside the city (the national pool)."""

    uscc = models.CharField(_("unified social credit code"), max_length=18, unique=True,
                            null=True, blank=True, validators=[_validate_uscc])
    name = models.CharField(_("name"), max_length=200, db_index=True)
    short_name = models.CharField(_("short name"), max_length=100, blank=True)
    established = models.DateField(_("established"), null=True, blank=True)
    registered_capital = models.DecimalField(_("registered capital (10k yuan)"), max_digits=16,
                                             decimal_places=2, null=True, blank=True,
                                             validators=[MinValueValidator(0)])
    status = models.CharField(_("status"), max_length=20, choices=EnterpriseStatus.choices,
                              default=EnterpriseStatus.EXISTING)
    town = models.ForeignKey("regions.Region", on_delete=models.PROTECT, null=True, blank=True,
                             related_name="enterprises", verbose_name=_("town"),
                             help_text=_("Empty for firms outside the city"))
    region_name = models.CharField(_("region (outside firms)"), max_length=100, blank=True)
    address = models.CharField(_("address"), max_length=300, blank=True)
    park = models.ForeignKey("enterprises.Park", on_delete=models.SET_NULL, null=True,
                             blank=True, related_name="enterprises", verbose_name=_("park"))
    industry_code = models.CharField(_("industry code"), max_length=5, blank=True,
                                     validators=[validate_industry_code],
                                     help_text=_("GB/T 4754-2017"))
    business_scope = models.TextField(_("business scope"), blank=True)
    is_above_scale = models.BooleanField(_("above designated size"), default=False)
    is_specialised = models.BooleanField(_("specialised SME"), default=False)
    is_little_giant = models.BooleanField(_("little giant"), default=False)
    is_high_tech = models.BooleanField(_("high-tech enterprise"), default=False)
    is_gazelle = models.BooleanField(_("gazelle"), default=False)
    is_unicorn = models.BooleanField(_("unicorn"), default=False)
    is_listed = models.BooleanField(_("listed"), default=False)
    stock_code = models.CharField(_("stock code"), max_length=20, blank=True)

    scope = Scope(town="town", enterprise="self")

    class Meta:
        ordering = ["name"]
        verbose_name = _("enterprise")
        verbose_name_plural = _("enterprises")

    def __str__(self) -> str:
        return self.name

    @property
    def is_local(self) -> bool:
        """Local firm (DESIGN §4): active and located in a town of the city."""
        return self.town_id is not None and self.status in ACTIVE_STATUSES

    def clean(self) -> None:
        """Normalise the USCC; a listed firm needs its stock code."""
        super().clean()
        if self.uscc:
            self.uscc = normalize_uscc(self.uscc)
        else:
            self.uscc = None
        if self.stock_code and not self.is_listed:
            self.is_listed = True

    def save(self, *args, **kwargs) -> None:
        """Store the USCC normalised (or NULL, so several firms may lack one)."""
        self.uscc = normalize_uscc(self.uscc) or None
        super().save(*args, **kwargs)


class EnterpriseName(ChangeLoggedModel):
    """Another name of a firm: a short name, a former name or an alias; name
    resolution matches them all."""

    enterprise = models.ForeignKey(Enterprise, on_delete=models.CASCADE, related_name="names",
                                   verbose_name=_("enterprise"))
    name = models.CharField(_("name"), max_length=200)
    kind = models.CharField(_("kind"), max_length=10, choices=NameKind.choices,
                            default=NameKind.FORMER)

    scope = Scope(town="enterprise__town", enterprise="enterprise")

    class Meta:
        ordering = ["enterprise", "kind", "name"]
        constraints = [models.UniqueConstraint(fields=["enterprise", "name"],
                                               name="unique_enterprise_name")]
        verbose_name = _("enterprise name")
        verbose_name_plural = _("enterprise names")

    def __str__(self) -> str:
        return self.name


class Product(ChangeLoggedModel):
    """A product a firm makes, with its share of the firm's revenue when known."""

    enterprise = models.ForeignKey(Enterprise, on_delete=models.CASCADE, related_name="products",
                                   verbose_name=_("enterprise"))
    name = models.CharField(_("name"), max_length=200)
    revenue_share = models.DecimalField(
        _("revenue share"), max_digits=5, decimal_places=4, null=True, blank=True,
        validators=[MinValueValidator(0), MaxValueValidator(1)],
        help_text=_("0–1; the shares of one firm may not sum over 1.05"))

    scope = Scope(town="enterprise__town", enterprise="enterprise")

    class Meta:
        ordering = ["enterprise", "-revenue_share", "name"]
        constraints = [models.UniqueConstraint(fields=["enterprise", "name"],
                                               name="unique_enterprise_product")]
        verbose_name = _("product")
        verbose_name_plural = _("products")

    def __str__(self) -> str:
        return self.name

    def clean(self) -> None:
        """The firm's revenue shares, with this one, must not sum over 1.05."""
        super().clean()
        if self.revenue_share is None or not self.enterprise_id:
            return
        others = self.enterprise.products.exclude(pk=self.pk).exclude(revenue_share=None)
        total = sum((p.revenue_share for p in others), Decimal(0)) + self.revenue_share
        if total > SHARE_TOLERANCE:
            raise ValidationError({"revenue_share": _(
                "The revenue shares of %(firm)s would sum to %(total)s, over 1.05.") % {
                "firm": self.enterprise, "total": f"{total:.2f}"}})


class Contact(ChangeLoggedModel):
    """A contact person at a firm; visible only to roles that work with firms."""

    enterprise = models.ForeignKey(Enterprise, on_delete=models.CASCADE, related_name="contacts",
                                   verbose_name=_("enterprise"))
    name = models.CharField(_("name"), max_length=100)
    title = models.CharField(_("title"), max_length=100, blank=True)
    phone = models.CharField(_("phone"), max_length=30, blank=True)
    email = models.EmailField(_("email"), blank=True)

    # Personal data: only the roles that work with firms read it (users.access).
    scope = Scope(town="enterprise__town", enterprise="enterprise")

    class Meta:
        ordering = ["enterprise", "name"]
        verbose_name = _("contact")
        verbose_name_plural = _("contacts")

    def __str__(self) -> str:
        return f"{self.name}（{self.enterprise}）"
