"""Filters of the enterprise registry (one per model: lists, API, exports)."""

import django_filters
from django.utils.translation import gettext_lazy as _

from lianzhang.core.filtersets import BaseFilterSet

from .choices import EnterpriseStatus, ReviewStatus
from .models import (
    Contact,
    Enterprise,
    EnterpriseName,
    InnovationPlatform,
    NameReview,
    Park,
    Product,
    SupplyTie,
    YearlyFigure,
)

__all__ = ["EnterpriseFilterSet", "EnterpriseNameFilterSet", "ProductFilterSet",
           "ContactFilterSet", "YearlyFigureFilterSet", "SupplyTieFilterSet", "ParkFilterSet",
           "InnovationPlatformFilterSet", "NameReviewFilterSet"]


class EnterpriseFilterSet(BaseFilterSet):
    """Search by name, short name, USCC or product; filter by town, status, tags."""

    search_fields = ("name", "short_name", "uscc", "names__name", "products__name")
    status = django_filters.MultipleChoiceFilter(choices=EnterpriseStatus.choices,
                                                 label=_("status"))
    local = django_filters.BooleanFilter(field_name="town", lookup_expr="isnull", exclude=True,
                                         label=_("local"))
    industry_code = django_filters.CharFilter(lookup_expr="startswith", label=_("industry code"))

    class Meta:
        model = Enterprise
        fields = ["q", "town", "status", "local", "industry_code", "park", "is_above_scale",
                  "is_specialised", "is_little_giant", "is_high_tech", "is_listed"]

    def search(self, queryset, name, value):
        return super().search(queryset, name, value).distinct()


class EnterpriseNameFilterSet(BaseFilterSet):
    """Other names of firms."""

    search_fields = ("name", "enterprise__name")

    class Meta:
        model = EnterpriseName
        fields = ["q", "kind", "enterprise"]


class ProductFilterSet(BaseFilterSet):
    """Products of firms."""

    search_fields = ("name", "enterprise__name")

    class Meta:
        model = Product
        fields = ["q", "enterprise"]


class ContactFilterSet(BaseFilterSet):
    """Contacts at firms."""

    search_fields = ("name", "enterprise__name", "phone")

    class Meta:
        model = Contact
        fields = ["q", "enterprise"]


class YearlyFigureFilterSet(BaseFilterSet):
    """Firm-year figures."""

    search_fields = ("enterprise__name", "source")

    class Meta:
        model = YearlyFigure
        fields = ["q", "year", "enterprise"]


class SupplyTieFilterSet(BaseFilterSet):
    """Supply ties."""

    search_fields = ("supplier__name", "customer__name", "product")

    class Meta:
        model = SupplyTie
        fields = ["q", "year", "supplier", "customer", "node"]


class ParkFilterSet(BaseFilterSet):
    """Parks."""

    search_fields = ("name",)

    class Meta:
        model = Park
        fields = ["q", "town", "level", "chains"]


class InnovationPlatformFilterSet(BaseFilterSet):
    """Innovation platforms."""

    search_fields = ("name", "host__name")

    class Meta:
        model = InnovationPlatform
        fields = ["q", "level", "type", "town", "chains"]


class NameReviewFilterSet(BaseFilterSet):
    """Name-resolution review items."""

    search_fields = ("name", "uscc")
    status = django_filters.ChoiceFilter(choices=ReviewStatus.choices, label=_("status"))

    class Meta:
        model = NameReview
        fields = ["q", "status", "town"]
