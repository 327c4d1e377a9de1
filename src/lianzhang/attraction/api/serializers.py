"""API serializers of the attraction app (stages change through the stage service,
so they are read-only here)."""

from lianzhang.core.api.serializers import serializer_for

from ..models import Event, Lead, LeadActivity, Recommendation

__all__ = ["LeadSerializer", "LeadActivitySerializer", "EventSerializer",
           "RecommendationSerializer"]

LeadSerializer = serializer_for(Lead, [
    "enterprise", "chain", "node", "extra_nodes", "gap_kind", "summary", "total_investment",
    "fixed_investment", "land_mu", "energy", "expected_output", "expected_tax",
    "site_requirements", "coordination", "source", "referrer", "owner", "town",
    "recommendation", "stage", "stage_reason", "first_contact_on", "signed_on",
    "last_activity_on", "description"],
    read_only=["stage", "stage_reason", "first_contact_on", "signed_on", "last_activity_on"])
LeadActivitySerializer = serializer_for(LeadActivity, ["lead", "kind", "date", "notes", "user"],
                                        read_only=["user"])
EventSerializer = serializer_for(Event, [
    "name", "kind", "date", "place", "organiser", "town", "chains", "reported_projects",
    "reported_amount", "description"])
RecommendationSerializer = serializer_for(Recommendation, [
    "node", "enterprise", "rank", "score", "factors", "matched", "weights", "is_current",
    "manual", "note"], read_only=["score", "factors", "matched", "weights", "is_current", "manual"])
