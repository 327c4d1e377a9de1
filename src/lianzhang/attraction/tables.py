"""Tables of the attraction app."""

import django_tables2 as tables
from django.utils.translation import gettext_lazy as _

from lianzhang.core.tables import BaseTable

from .models import Event, Lead, LeadActivity, Recommendation

__all__ = ["LeadTable", "LeadActivityTable", "EventTable", "RecommendationTable"]


class LeadTable(BaseTable):
    """Leads."""

    enterprise = tables.Column(linkify=lambda record: record.get_absolute_url(),
                               verbose_name=_("investor"))
    node = tables.Column(linkify=True)

    class Meta(BaseTable.Meta):
        model = Lead
        fields = ("enterprise", "chain", "node", "stage", "town", "owner", "total_investment",
                  "source", "created")


class LeadActivityTable(BaseTable):
    """Activities."""

    lead = tables.Column(linkify=True)
    date = tables.Column(linkify=lambda record: record.get_absolute_url())

    class Meta(BaseTable.Meta):
        model = LeadActivity
        fields = ("date", "lead", "kind", "notes", "user")


class EventTable(BaseTable):
    """Events."""

    name = tables.Column(linkify=True)

    class Meta(BaseTable.Meta):
        model = Event
        fields = ("name", "kind", "date", "place", "organiser", "town")


class RecommendationTable(BaseTable):
    """Saved recommendations."""

    node = tables.Column(linkify=lambda record: record.get_absolute_url())
    enterprise = tables.Column(linkify=True)

    class Meta(BaseTable.Meta):
        model = Recommendation
        fields = ("node", "rank", "enterprise", "score", "is_current", "manual")
