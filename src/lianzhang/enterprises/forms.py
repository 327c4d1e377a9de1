"""Forms of the enterprise registry (each serves the edit page and the import rows)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.db import transaction
from django.utils.translation import gettext_lazy as _

from chainkit.uscc import normalize_uscc
from lianzhang.chains.models import Chain, ChainNode
from lianzhang.core.forms import (
    NaturalKeyChoiceField,
    NaturalKeyMultipleChoiceField,
    RevisionField,
    ScopedModelForm,
)
from lianzhang.core.units import UnitError, mixed_unit_errors, parse_amount
from lianzhang.regions.models import Region

from .choices import EnterpriseStatus, NameKind
from .fields import EnterpriseField, ProductListField, StatusField, TownField
from .models import (
    Contact,
    Enterprise,
    EnterpriseName,
    InnovationPlatform,
    Park,
    Product,
    SupplyTie,
    YearlyFigure,
)

__all__ = ["EnterpriseForm", "ParkForm", "InnovationPlatformForm", "YearlyFigureForm",
           "SupplyTieForm", "ProductForm", "ContactForm", "EnterpriseNameForm", "MergeForm"]

FIRM_FIELDS = ["uscc", "name", "short_name", "established", "registered_capital", "status",
               "town", "region_name", "address", "park", "industry_code", "business_scope",
               "is_above_scale", "is_specialised", "is_little_giant", "is_high_tech",
               "is_gazelle", "is_unicorn", "is_listed", "stock_code", "description"]


class EnterpriseForm(ScopedModelForm):
    """A firm with its products (`名称:占比|…`) and former names (`|`-separated)."""

    town = TownField(queryset=Region.objects.filter(level="town"), required=False,
                     label=_("town"))
    park = NaturalKeyChoiceField(queryset=Park.objects.all(), to_field_name="name",
                                 required=False, label=_("park"))
    # Not required: registers often have no status column; a firm listed is existing.
    status = StatusField(choices=EnterpriseStatus.choices, initial=EnterpriseStatus.EXISTING,
                         required=False, label=_("status"))
    products = ProductListField(required=False, label=_("products"),
                                help_text=_("name:share|name:share, e.g. 压缩机:0.6|电机:0.3"))
    former_names = forms.CharField(required=False, label=_("former names"),
                                   help_text=_("|-separated"))
    header_aliases = {"统一社会信用代码": "uscc", "企业名称": "name", "所属镇街": "town",
                      "镇街": "town", "行业代码": "industry_code", "主营产品": "products",
                      "注册资本": "registered_capital", "成立日期": "established",
                      "登记状态": "status", "曾用名": "former_names", "股票代码": "stock_code"}

    class Meta:
        model = Enterprise
        fields = FIRM_FIELDS
        widgets = {"established": forms.DateInput(attrs={"type": "date"})}

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if self.instance.pk and not self.is_bound:
            self.initial["products"] = "|".join(
                f"{p.name}:{p.revenue_share}" if p.revenue_share is not None else p.name
                for p in self.instance.products.all())
            self.initial["former_names"] = "|".join(
                self.instance.names.filter(kind=NameKind.FORMER).values_list("name", flat=True))

    def clean_status(self) -> str:
        """A blank status means the firm exists (存续)."""
        return self.cleaned_data.get("status") or EnterpriseStatus.EXISTING

    def clean_uscc(self) -> str | None:
        return normalize_uscc(self.cleaned_data.get("uscc")) or None

    @transaction.atomic
    def save(self, commit: bool = True) -> Enterprise:
        self._had_pk = bool(self.instance.pk) and not self.instance._state.adding
        firm = super().save(commit=commit)
        if commit:
            self._save_products(firm)
            self._save_former_names(firm)
        return firm

    def _save_products(self, firm: Enterprise) -> None:
        wanted = dict(self.cleaned_data.get("products") or [])
        if "products" not in self.data and not self.instance.pk:
            return
        # One query for the firm's products (none for a firm created just now: imports
        # create many firms and each saved query counts).
        existing = {p.name: p for p in firm.products.all()} if self._had_pk else {}
        for product in existing.values():
            if product.name not in wanted:
                product.delete()
        for name, share in wanted.items():
            product = existing.get(name) or Product(enterprise=firm, name=name)
            if product.pk is None or product.revenue_share != share:
                product.revenue_share = share
                product.save()

    def _save_former_names(self, firm: Enterprise) -> None:
        names = [n.strip() for n in (self.cleaned_data.get("former_names") or "").split("|")
                 if n.strip()]
        for name in names:
            EnterpriseName.objects.get_or_create(enterprise=firm, name=name,
                                                 defaults={"kind": NameKind.FORMER})


class ParkForm(ScopedModelForm):
    """A park with its town and chains."""

    town = TownField(queryset=Region.objects.filter(level="town"), label=_("town"))
    chains = NaturalKeyMultipleChoiceField(queryset=Chain.objects.all(), to_field_name="code",
                                           required=False, label=_("chains"))

    class Meta:
        model = Park
        fields = ["name", "town", "level", "chains", "area_mu", "description"]


class InnovationPlatformForm(ScopedModelForm):
    """An innovation platform with its host firm, town, chains and nodes."""

    host = EnterpriseField(required=False, label=_("host firm"))
    town = TownField(queryset=Region.objects.filter(level="town"), required=False,
                     label=_("town"))
    chains = NaturalKeyMultipleChoiceField(queryset=Chain.objects.all(), to_field_name="code",
                                           required=False, label=_("chains"))
    nodes = forms.ModelMultipleChoiceField(queryset=ChainNode.objects.all(), required=False,
                                           label=_("nodes"))

    class Meta:
        model = InnovationPlatform
        fields = ["name", "level", "type", "host", "town", "chains", "nodes", "description"]


class YearlyFigureForm(ScopedModelForm):
    """One firm-year of figures with their source."""

    enterprise = EnterpriseField(label=_("enterprise"))

    class Meta:
        model = YearlyFigure
        fields = ["enterprise", "year", "output_value", "revenue", "tax", "employees",
                  "rd_spend", "exports", "source"]


class SupplyTieForm(ScopedModelForm):
    """Supplier → customer, firms typed by name and resolved."""

    supplier = EnterpriseField(label=_("supplier"))
    customer = EnterpriseField(label=_("customer"))
    node = forms.ModelChoiceField(queryset=ChainNode.objects.all(), required=False,
                                  label=_("node"))
    annual_value = forms.CharField(required=False, label=_("annual value (10k yuan)"),
                                   help_text=_("e.g. 350, 350万元, 1.2亿元"))
    unit = forms.CharField(required=False, label=_("unit"),
                           help_text=_("元, 万元 or 亿元; applies to amounts without a unit"))
    header_aliases = {"单位": "unit", "金额单位": "unit", "年采购额": "annual_value",
                      "供应商": "supplier", "客户": "customer", "年份": "year"}

    class Meta:
        model = SupplyTie
        fields = ["supplier", "customer", "node", "product", "year", "annual_value"]

    def clean(self) -> dict:
        """Read the amount with its unit into 万元 (a contradicting unit is an error)."""
        data = super().clean()
        try:
            data["annual_value"] = parse_amount(data.get("annual_value") or "",
                                                data.get("unit") or None)
        except UnitError as exc:
            self.add_error("annual_value", str(exc))
        return data


def supply_tie_units_check(table, columns: dict[int, str]) -> list[str]:
    """A supply-tie file whose amounts carry different units needs a unit column."""
    value_col = next((i for i, name in columns.items() if name == "annual_value"), None)
    if value_col is None:
        return []
    values = [row[value_col] for row in table.rows if value_col < len(row)]
    return mixed_unit_errors(values, has_unit_column="unit" in columns.values())


class ProductForm(ScopedModelForm):
    """One product of a firm."""

    enterprise = EnterpriseField(label=_("enterprise"))

    class Meta:
        model = Product
        fields = ["enterprise", "name", "revenue_share"]


class ContactForm(ScopedModelForm):
    """A contact person at a firm."""

    enterprise = EnterpriseField(label=_("enterprise"))

    class Meta:
        model = Contact
        fields = ["enterprise", "name", "title", "phone", "email"]


class EnterpriseNameForm(ScopedModelForm):
    """A short, former or alias name of a firm."""

    enterprise = EnterpriseField(label=_("enterprise"))

    class Meta:
        model = EnterpriseName
        fields = ["enterprise", "name", "kind"]


class MergeForm(forms.Form):
    """Merge another firm record into this one."""

    other = EnterpriseField(label=_("duplicate record to merge into this one"))
    confirm = forms.BooleanField(label=_("I understand the duplicate record will be removed"))
    # This record's revision when the page was shown (refused if it changed since).
    revision = RevisionField()
