"""Pages of the attraction app: the object types (generic pages, API, batteries) are
declared and registered here; the app's own pages live in the submodules."""

from __future__ import annotations

from django.utils.translation import gettext_lazy

from lianzhang.core.navigation import register_link
from lianzhang.core.registry import ObjectType, register

from .. import filtersets as fs
from .. import forms
from .. import tables as tb
from ..api import serializers as sz
from ..models import Event, Lead, LeadActivity, Recommendation

__all__ = ["LeadType", "LeadActivityType", "EventType", "RecommendationType"]


@register
class LeadType(ObjectType):
    """Leads (招商线索) with their stage machine, activities and lineage."""

    model = Lead
    filterset = fs.LeadFilterSet
    table = tb.LeadTable
    form = forms.LeadForm
    serializer = sz.LeadSerializer
    detail_template = "attraction/lead_detail.html"


@register
class LeadActivityType(ObjectType):
    """Visits, calls and meetings on leads."""

    model = LeadActivity
    filterset = fs.LeadActivityFilterSet
    table = tb.LeadActivityTable
    form = forms.LeadActivityForm
    serializer = sz.LeadActivitySerializer


@register
class EventType(ObjectType):
    """Roadshows, promotion conferences, exhibitions and investment conferences."""

    model = Event
    filterset = fs.EventFilterSet
    table = tb.EventTable
    form = forms.EventForm
    serializer = sz.EventSerializer
    detail_template = "attraction/event_detail.html"


@register
class RecommendationType(ObjectType):
    """Saved recommendations (ranked outside firms per gap node, with reasons)."""

    model = Recommendation
    filterset = fs.RecommendationFilterSet
    table = tb.RecommendationTable
    form = forms.RecommendationForm
    serializer = sz.RecommendationSerializer
    detail_template = "attraction/recommendation_detail.html"


register_link("attraction", 0, label=gettext_lazy("Gaps to attract for"),
              url_name="attraction:gaps", permission_model="attraction.recommendation")
register_link("attraction", 1, object_type="attraction.lead")
register_link("attraction", 2, label=gettext_lazy("Pipeline board"),
              url_name="attraction:kanban", permission_model="attraction.lead")
register_link("attraction", 3, label=gettext_lazy("Funnel and cycle times"),
              url_name="attraction:funnel", permission_model="attraction.lead")
register_link("attraction", 4, label=gettext_lazy("Overdue leads"),
              url_name="attraction:overdue", permission_model="attraction.lead")
register_link("attraction", 5, label=gettext_lazy("Duplicate leads"),
              url_name="attraction:duplicates", permission_model="attraction.duplicateflag")
register_link("attraction", 6, object_type="attraction.leadactivity")
register_link("attraction", 7, object_type="attraction.event")
register_link("attraction", 8, object_type="attraction.recommendation")
