"""Filters of the chains app."""

import django_filters
from django.utils.translation import gettext_lazy as _

from lianzhang.core.filtersets import BaseFilterSet

from .choices import ChainCategory
from .models import Chain, ChainMaster, ChainNode, ChainRole, MapVersion

__all__ = ["ChainFilterSet", "ChainRoleFilterSet", "ChainMasterFilterSet",
           "MapVersionFilterSet", "ChainNodeFilterSet"]


class ChainFilterSet(BaseFilterSet):
    """Search by name or code; filter by category."""

    search_fields = ("name", "code", "description")
    category = django_filters.MultipleChoiceFilter(choices=ChainCategory.choices,
                                                   label=_("category"))

    class Meta:
        model = Chain
        fields = ["q", "category", "code"]


class ChainRoleFilterSet(BaseFilterSet):
    """Roster entries."""

    search_fields = ("person", "unit", "chain__name")

    class Meta:
        model = ChainRole
        fields = ["q", "chain", "role"]


class ChainMasterFilterSet(BaseFilterSet):
    """Chain masters."""

    search_fields = ("enterprise__name", "chain__name")

    class Meta:
        model = ChainMaster
        fields = ["q", "chain"]


class MapVersionFilterSet(BaseFilterSet):
    """Map versions."""

    search_fields = ("chain__name", "version", "note")

    class Meta:
        model = MapVersion
        fields = ["q", "chain", "status"]


class ChainNodeFilterSet(BaseFilterSet):
    """Chain nodes."""

    search_fields = ("name", "description")

    class Meta:
        model = ChainNode
        fields = ["q", "map", "segment", "is_core", "level"]
