"""Filters of the attraction app."""

import django_filters
from django.utils.translation import gettext_lazy as _

from lianzhang.core.filtersets import BaseFilterSet

from .choices import ActivityKind, EventKind, LeadSource, LeadStage
from .models import Event, Lead, LeadActivity, Recommendation

__all__ = ["LeadFilterSet", "LeadActivityFilterSet", "EventFilterSet",
           "RecommendationFilterSet"]


class LeadFilterSet(BaseFilterSet):
    """Leads by investor, summary, stage, source, chain, node, town and owner."""

    search_fields = ("enterprise__name", "summary", "node__name")
    stage = django_filters.MultipleChoiceFilter(choices=LeadStage.choices, label=_("stage"))
    source = django_filters.ChoiceFilter(choices=LeadSource.choices, label=_("source"))

    class Meta:
        model = Lead
        fields = ["q", "stage", "source", "chain", "node", "town", "owner"]


class LeadActivityFilterSet(BaseFilterSet):
    """Activities by lead, kind and date."""

    search_fields = ("lead__enterprise__name", "notes")
    kind = django_filters.ChoiceFilter(choices=ActivityKind.choices, label=_("kind"))
    date_after = django_filters.DateFilter(field_name="date", lookup_expr="gte",
                                           label=_("From date"))

    class Meta:
        model = LeadActivity
        fields = ["q", "lead", "kind", "date_after"]


class EventFilterSet(BaseFilterSet):
    """Events by name, kind, town and chain."""

    search_fields = ("name", "place", "organiser")
    kind = django_filters.ChoiceFilter(choices=EventKind.choices, label=_("kind"))

    class Meta:
        model = Event
        fields = ["q", "kind", "town", "chains"]


class RecommendationFilterSet(BaseFilterSet):
    """Saved recommendations by node, firm and chain."""

    search_fields = ("enterprise__name", "node__name")
    chain = django_filters.NumberFilter(field_name="node__map__chain", label=_("chain"))

    class Meta:
        model = Recommendation
        fields = ["q", "node", "chain", "is_current", "manual"]
