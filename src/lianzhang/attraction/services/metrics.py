"""Pipeline figures for the app: leads become `chainkit.pipeline.LeadRecord`s (stage
history from `LeadStageChange`) and the engine computes the funnel and cycle times."""

from __future__ import annotations

from typing import Any

from django.utils import timezone

from chainkit import pipeline

from ..choices import LIVE_STAGES

__all__ = ["records", "pipeline_figures"]


def records(leads: Any) -> list[pipeline.LeadRecord]:
    """One record per lead of the queryset: the date each live stage was first reached
    (线索 = the day the lead was recorded), first contact and signing dates, and the
    officer / chain / town groups."""
    rows = list(leads.select_related("owner", "chain", "town").prefetch_related(
        "stage_changes"))
    out = []
    for lead in rows:
        reached = {"lead": timezone.localdate(lead.created)}
        for change in sorted(lead.stage_changes.all(), key=lambda c: (c.date, c.pk)):
            if change.to_stage in LIVE_STAGES:
                reached.setdefault(change.to_stage, change.date)
        officer = str(lead.owner) if lead.owner else ""
        out.append(pipeline.LeadRecord(
            id=str(lead.pk), stage=lead.stage, reached=reached,
            first_contact=lead.first_contact_on, signed=lead.signed_on,
            groups={"officer": officer, "chain": lead.chain.name, "town": lead.town.name}))
    return out


def pipeline_figures(leads: Any) -> dict[str, Any]:
    """Funnel and cycle times overall, per officer and per chain."""
    recs = records(leads)
    return {
        "funnel": pipeline.funnel(recs), "cycle": pipeline.cycle_times(recs),
        "by_officer": {k: (pipeline.funnel(v), pipeline.cycle_times(v))
                       for k, v in _grouped(recs, "officer").items()},
        "by_chain": {k: (pipeline.funnel(v), pipeline.cycle_times(v))
                     for k, v in _grouped(recs, "chain").items()},
    }


def _grouped(recs: list[pipeline.LeadRecord], key: str) -> dict[str, list]:
    out: dict[str, list] = {}
    for rec in recs:
        out.setdefault(rec.groups.get(key, ""), []).append(rec)
    return dict(sorted(out.items()))
