"""Models of the attraction app (靶向招引)."""

from .event import Event, EventLead
from .lead import DuplicateFlag, Lead, LeadActivity, LeadStageChange
from .recommendation import Recommendation

__all__ = ["DuplicateFlag", "Event", "EventLead", "Lead", "LeadActivity", "LeadStageChange",
           "Recommendation"]
