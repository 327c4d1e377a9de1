"""Filters for regions."""

import django_filters
from django.utils.translation import gettext_lazy as _

from lianzhang.core.filtersets import BaseFilterSet

from .choices import RegionLevel
from .models import Region

__all__ = ["RegionFilterSet"]


class RegionFilterSet(BaseFilterSet):
    """Search by name or code; filter by level, parent and main chain."""

    search_fields = ("name", "code", "main_industry")
    level = django_filters.MultipleChoiceFilter(choices=RegionLevel.choices, label=_("level"))

    class Meta:
        model = Region
        fields = ["q", "level", "parent", "main_chain", "code"]
