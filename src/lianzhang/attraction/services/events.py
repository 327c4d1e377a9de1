"""Events and their signings: a lead signed at several events counts for the first
one (by date, then by record order), once."""

from __future__ import annotations

from collections import defaultdict
from typing import Any

__all__ = ["signing_credits", "credited_signings"]


def signing_credits(lead_ids: Any = None) -> dict[int, list[int]]:
    """Event id → lead ids whose signing that event is credited with."""
    from ..models import EventLead

    rows = EventLead.objects.filter(signed=True)
    if lead_ids is not None:
        rows = rows.filter(lead_id__in=lead_ids)
    first: dict[int, int] = {}
    for lead_id, event_id in rows.order_by("event__date", "event_id").values_list(
            "lead_id", "event_id"):
        first.setdefault(lead_id, event_id)
    out: dict[int, list[int]] = defaultdict(list)
    for lead_id, event_id in first.items():
        out[event_id].append(lead_id)
    return dict(out)


def credited_signings(event: Any) -> list[Any]:
    """The leads whose signing counts for `event` (signed there and at no earlier event)."""
    from ..models import Lead

    ids = event.event_leads.filter(signed=True).values_list("lead_id", flat=True)
    credited = signing_credits(list(ids)).get(event.pk, [])
    return list(Lead.objects.filter(pk__in=credited).select_related("enterprise"))
