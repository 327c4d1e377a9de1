"""Filters for chains."""

import django_filters
from django.utils.translation import gettext_lazy as _

from lianzhang.core.filtersets import BaseFilterSet

from .choices import ChainCategory
from .models import Chain

__all__ = ["ChainFilterSet"]


class ChainFilterSet(BaseFilterSet):
    """Search by name or code; filter by category."""

    search_fields = ("name", "code", "description")
    category = django_filters.MultipleChoiceFilter(choices=ChainCategory.choices,
                                                   label=_("category"))

    class Meta:
        model = Chain
        fields = ["q", "category", "code"]
