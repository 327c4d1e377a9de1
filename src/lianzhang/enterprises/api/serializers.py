"""API serializers of the enterprise registry."""

from lianzhang.core.api.serializers import serializer_for as _serializer

from ..models import (
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

__all__ = ["EnterpriseSerializer", "EnterpriseNameSerializer", "ProductSerializer",
           "ContactSerializer", "YearlyFigureSerializer", "SupplyTieSerializer",
           "ParkSerializer", "InnovationPlatformSerializer", "NameReviewSerializer"]



EnterpriseSerializer = _serializer(Enterprise, [
    "uscc", "name", "short_name", "established", "registered_capital", "status", "town",
    "region_name", "address", "park", "industry_code", "business_scope", "is_above_scale",
    "is_specialised", "is_little_giant", "is_high_tech", "is_gazelle", "is_unicorn",
    "is_listed", "stock_code", "description", "created", "last_updated"])
EnterpriseNameSerializer = _serializer(EnterpriseName, ["enterprise", "name", "kind"])
ProductSerializer = _serializer(Product, ["enterprise", "name", "revenue_share"])
ContactSerializer = _serializer(Contact, ["enterprise", "name", "title", "phone", "email"])
YearlyFigureSerializer = _serializer(YearlyFigure, [
    "enterprise", "year", "output_value", "revenue", "tax", "employees", "rd_spend", "exports",
    "source"])
SupplyTieSerializer = _serializer(SupplyTie, [
    "supplier", "customer", "node", "product", "year", "annual_value"])
ParkSerializer = _serializer(Park, ["name", "town", "level", "chains", "area_mu", "description"])
InnovationPlatformSerializer = _serializer(InnovationPlatform, [
    "name", "level", "type", "host", "town", "chains", "nodes", "description"])
NameReviewSerializer = _serializer(NameReview, [
    "name", "uscc", "source", "row_data", "candidates", "town", "status", "resolved_to",
    "decided_by", "created"], read_only=["status", "resolved_to", "decided_by"])
