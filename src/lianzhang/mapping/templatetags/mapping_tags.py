"""Template filters for 挂链 evidence."""

from __future__ import annotations

from django import template
from django.utils.translation import gettext_lazy as _

register = template.Library()

# The engine's field names (chainkit.mapping.keywords.FIELD_WEIGHTS) in words.
FIELD_LABELS = {"products": _("products"), "text": _("business scope"),
                "name": _("enterprise name")}


@register.filter
def evidence_field(field: str) -> str:
    """"products" → 产品, "text" → 经营范围, "name" → 企业名称 (unknown names as they are)."""
    return FIELD_LABELS.get(field, field)
