"""Tables of the enterprise registry."""

import django_tables2 as tables
from django.utils.translation import gettext_lazy as _

from lianzhang.core.tables import BaseTable

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

__all__ = ["EnterpriseTable", "EnterpriseNameTable", "ProductTable", "ContactTable",
           "YearlyFigureTable", "SupplyTieTable", "ParkTable", "InnovationPlatformTable",
           "NameReviewTable"]


class EnterpriseTable(BaseTable):
    """Firm list."""

    name = tables.Column(linkify=True)
    town = tables.Column(linkify=True)

    class Meta(BaseTable.Meta):
        model = Enterprise
        fields = ("name", "uscc", "town", "status", "industry_code", "is_above_scale",
                  "is_specialised", "is_listed")


class EnterpriseNameTable(BaseTable):
    """Other names."""

    name = tables.Column(linkify=True)
    enterprise = tables.Column(linkify=True)

    class Meta(BaseTable.Meta):
        model = EnterpriseName
        fields = ("name", "kind", "enterprise")


class ProductTable(BaseTable):
    """Products."""

    name = tables.Column(linkify=True)
    enterprise = tables.Column(linkify=True)

    class Meta(BaseTable.Meta):
        model = Product
        fields = ("name", "enterprise", "revenue_share")


class ContactTable(BaseTable):
    """Contacts."""

    name = tables.Column(linkify=True)
    enterprise = tables.Column(linkify=True)

    class Meta(BaseTable.Meta):
        model = Contact
        fields = ("name", "enterprise", "title", "phone", "email")


class YearlyFigureTable(BaseTable):
    """Firm-year figures."""

    enterprise = tables.Column(linkify=True)
    year = tables.Column(linkify=lambda record: record.get_absolute_url())

    class Meta(BaseTable.Meta):
        model = YearlyFigure
        fields = ("enterprise", "year", "output_value", "revenue", "tax", "employees", "source")


class SupplyTieTable(BaseTable):
    """Supply ties."""

    supplier = tables.Column(linkify=True)
    customer = tables.Column(linkify=True)
    year = tables.Column(linkify=lambda record: record.get_absolute_url())

    class Meta(BaseTable.Meta):
        model = SupplyTie
        fields = ("supplier", "customer", "node", "product", "year", "annual_value")


class ParkTable(BaseTable):
    """Parks."""

    name = tables.Column(linkify=True)
    town = tables.Column(linkify=True)

    class Meta(BaseTable.Meta):
        model = Park
        fields = ("name", "town", "level", "area_mu")


class InnovationPlatformTable(BaseTable):
    """Innovation platforms."""

    name = tables.Column(linkify=True)
    host = tables.Column(linkify=True)

    class Meta(BaseTable.Meta):
        model = InnovationPlatform
        fields = ("name", "level", "type", "host", "town")


class NameReviewTable(BaseTable):
    """The review queue."""

    name = tables.Column(linkify=True)
    candidates = tables.Column(verbose_name=_("candidates"), orderable=False)

    class Meta(BaseTable.Meta):
        model = NameReview
        fields = ("name", "uscc", "source", "town", "status", "candidates", "created")

    def render_candidates(self, value):
        return "、".join(f"{c.get('name')} ({c.get('score')})" for c in value[:3])
