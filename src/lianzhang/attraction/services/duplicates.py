"""Duplicate leads: the same investor on the same gap node in two towns is flagged to
the secretariat (a `DuplicateFlag`), never silently kept twice. The same town twice is
refused by the lead form instead."""

from __future__ import annotations

from typing import Any

from django.db.models import Q

from ..choices import FlagStatus, LeadStage

__all__ = ["flag_duplicates", "same_town_duplicate", "resolve_flag"]


def flag_duplicates(lead: Any) -> int:
    """Flag every other town's live lead on the same investor and node (once per pair);
    returns the number of new flags."""
    from ..models import DuplicateFlag, Lead

    if not lead.node_id or lead.stage == LeadStage.DROPPED:
        return 0
    others = Lead.objects.filter(enterprise_id=lead.enterprise_id, node_id=lead.node_id).exclude(
        pk=lead.pk).exclude(town_id=lead.town_id).exclude(stage=LeadStage.DROPPED)
    created = 0
    for other in others:
        pair = Q(lead=lead, other=other) | Q(lead=other, other=lead)
        if not DuplicateFlag.objects.filter(pair).exists():
            DuplicateFlag.objects.create(lead=lead, other=other)
            created += 1
    return created


def same_town_duplicate(enterprise_id: int, node_id: int | None, town_id: int,
                        exclude_pk: int | None = None) -> Any:
    """A live lead of the same town on the same investor and node, if any."""
    from ..models import Lead

    if not (enterprise_id and node_id and town_id):
        return None
    return Lead.objects.filter(enterprise_id=enterprise_id, node_id=node_id,
                               town_id=town_id).exclude(pk=exclude_pk).exclude(
        stage=LeadStage.DROPPED).first()


def resolve_flag(flag: Any, user: Any, keep_both: bool, note: str = "") -> Any:
    """The secretariat's decision: keep both leads, or mark the flag resolved after one
    lead was dropped (dropping goes through the stage machine with its reason)."""
    flag.status = FlagStatus.KEPT if keep_both else FlagStatus.MERGED
    flag.note, flag.decided_by = note, user if getattr(user, "pk", None) else None
    flag.save()
    return flag
