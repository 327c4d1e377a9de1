"""Filters of the mapping app."""

import django_filters
from django.utils.translation import gettext_lazy as _

from lianzhang.core.filtersets import BaseFilterSet

from .choices import LinkSource, LinkStatus
from .models import MappingRun, NodeLink

__all__ = ["NodeLinkFilterSet", "MappingRunFilterSet"]


class NodeLinkFilterSet(BaseFilterSet):
    """Links by firm, node, chain, status, source and score."""

    search_fields = ("enterprise__name", "node__name")
    status = django_filters.MultipleChoiceFilter(choices=LinkStatus.choices, label=_("status"))
    source = django_filters.ChoiceFilter(choices=LinkSource.choices, label=_("source"))
    chain = django_filters.NumberFilter(field_name="node__map__chain", label=_("chain"))
    min_score = django_filters.NumberFilter(field_name="score", lookup_expr="gte",
                                            label=_("minimum score"))

    class Meta:
        model = NodeLink
        fields = ["q", "status", "source", "chain", "node", "enterprise", "min_score"]


class MappingRunFilterSet(BaseFilterSet):
    """Mapping runs."""

    search_fields = ("chain__name",)

    class Meta:
        model = MappingRun
        fields = ["q", "chain", "status", "full"]
