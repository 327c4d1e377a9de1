"""The lead stage machine: 线索 → 接洽 → 考察 → 洽谈 → 签约 → 落地, or 搁置/放弃.

Rules (each refused with a message, nothing written):
- 搁置 and 放弃 need a reason; so does moving back to an earlier live stage (from a
  side stage, "earlier" means before the stage the lead was in when it left the line);
- signing needs the investment amount (the lead's total investment, or given now);
- 落地 only after 签约;
- a stage change cannot be dated before the lead's previous one;
- stages are not jumped over: moving forward past live stages the lead never reached
  (线索 → 签约) needs the real date of each skipped stage, recorded as its own change,
  so the funnel and cycle times never count a stage that did not happen or stamp first
  contact with the signing day.
Every change is a `LeadStageChange` row plus the lead's own audited save, in one
transaction."""

from __future__ import annotations

import datetime
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from ..choices import LIVE_STAGES, SIDE_STAGES, LeadStage
from ..models import Lead, LeadStageChange

__all__ = ["LeadMoveError", "move", "last_live_stage", "is_backwards", "stage_label",
           "skipped_stages"]


class LeadMoveError(ValidationError):
    """A stage change the rules refuse."""


def stage_label(stage: str) -> str:
    """The stage's display name in the active language."""
    return str(LeadStage(stage).label)


def last_live_stage(lead: Lead) -> str:
    """The live stage the lead is in, or was in before it was put on hold or dropped."""
    if lead.stage in LIVE_STAGES:
        return lead.stage
    change = lead.stage_changes.filter(to_stage__in=LIVE_STAGES).order_by(
        "-date", "-pk").first() if lead.pk else None
    return change.to_stage if change else LeadStage.LEAD


def is_backwards(lead: Lead, to: str) -> bool:
    """Whether moving to `to` goes back along the line."""
    if to not in LIVE_STAGES:
        return False
    return LIVE_STAGES.index(to) < LIVE_STAGES.index(last_live_stage(lead))


def skipped_stages(lead: Lead, to: str) -> list[str]:
    """Live stages between the lead's stage (or the one it left the line from) and `to`
    that the lead never reached: moving to `to` jumps over them."""
    if to not in LIVE_STAGES:
        return []
    start, end = LIVE_STAGES.index(last_live_stage(lead)), LIVE_STAGES.index(to)
    if end <= start + 1:
        return []
    reached = set(lead.stage_changes.values_list("to_stage", flat=True)) if lead.pk else set()
    return [s for s in LIVE_STAGES[start + 1:end] if s not in reached]


def _check_skipped(lead: Lead, to: str, on: datetime.date,
                   dates: dict[str, datetime.date]) -> list[tuple[str, datetime.date]]:
    """The skipped stages with their dates, in order; refuses a jump without them."""
    skipped = skipped_stages(lead, to)
    missing = [s for s in skipped if not dates.get(s)]
    if missing:
        raise LeadMoveError(_(
            "A lead moves through the stages in order: it cannot jump from %(current)s to "
            "%(stage)s. Move it one stage at a time, or give the real date of each skipped "
            "stage (%(skipped)s).") % {
                "current": stage_label(last_live_stage(lead)), "stage": stage_label(to),
                "skipped": "、".join(stage_label(s) for s in missing)})
    steps = [(s, dates[s]) for s in skipped]
    previous = lead.stage_changes.order_by("-date", "-pk").first() if lead.pk else None
    floor = (previous.to_stage, previous.date) if previous is not None else None
    for stage, when in steps + [(to, on)]:
        if floor is not None and when < floor[1]:
            raise LeadMoveError(_(
                "The dates must follow the stages in order: %(stage)s (%(date)s) is before "
                "%(before)s (%(previous)s).") % {
                    "stage": stage_label(stage), "date": when.isoformat(),
                    "before": stage_label(floor[0]), "previous": floor[1].isoformat()})
        floor = (stage, when)
    return steps


def _check(lead: Lead, to: str, reason: str, on: datetime.date) -> None:
    if to not in LeadStage.values:
        raise LeadMoveError(_("“%(stage)s” is not a lead stage.") % {"stage": to})
    if to == lead.stage:
        raise LeadMoveError(_("The lead is already at stage %(stage)s.") % {
            "stage": stage_label(to)})
    if to in SIDE_STAGES and not reason:
        raise LeadMoveError(_("Moving a lead to %(stage)s needs a reason.") % {
            "stage": stage_label(to)})
    if is_backwards(lead, to) and not reason:
        raise LeadMoveError(_(
            "Moving a lead back from %(current)s to %(stage)s needs a reason.") % {
                "current": stage_label(last_live_stage(lead)), "stage": stage_label(to)})
    if to == LeadStage.LANDED and lead.signed_on is None:
        raise LeadMoveError(_("A lead can land only after it is signed."))
    previous = lead.stage_changes.order_by("-date", "-pk").first() if lead.pk else None
    if previous is not None and on < previous.date:
        raise LeadMoveError(_(
            "The date %(date)s is before the lead's previous stage change (%(previous)s).") % {
                "date": on.isoformat(), "previous": previous.date.isoformat()})


@transaction.atomic
def move(lead: Lead, to: str, user: Any = None, reason: str = "",
         on: datetime.date | None = None, investment: Decimal | None = None,
         skipped: dict[str, datetime.date] | None = None) -> LeadStageChange:
    """Move `lead` to stage `to` on date `on` (today by default); `investment` (万元)
    sets the total investment when signing; `skipped` gives the real date of each live
    stage the move passes over (each becomes its own change). Raises LeadMoveError."""
    reason = (reason or "").strip()
    on = on or timezone.localdate()
    _check(lead, to, reason, on)
    steps = _check_skipped(lead, to, on, skipped or {})
    if to == LeadStage.SIGNED:
        if investment is not None:
            if investment <= 0:
                raise LeadMoveError(_("The investment amount must be greater than zero."))
            lead.total_investment = investment
        if not lead.total_investment:
            raise LeadMoveError(_(
                "Signing needs the investment amount: enter the total investment first."))
    who = user if getattr(user, "pk", None) else None
    from_stage = lead.stage
    for stage, when in steps:  # the stages passed over, each on its real date
        LeadStageChange.objects.create(
            lead=lead, from_stage=from_stage, to_stage=stage, date=when, user=who,
            reason=_("Date given when the lead was moved on to %(stage)s.") % {
                "stage": stage_label(to)})
        from_stage = stage
    change = LeadStageChange.objects.create(
        lead=lead, from_stage=from_stage, to_stage=to, date=on, reason=reason, user=who)
    if to in LIVE_STAGES and LIVE_STAGES.index(to) >= LIVE_STAGES.index(LeadStage.CONTACT):
        # First contact is the day the lead reached 接洽, not the day of a later stage.
        lead.first_contact_on = lead.first_contact_on or dict(steps).get(LeadStage.CONTACT, on)
    if to == LeadStage.SIGNED and lead.signed_on is None:
        lead.signed_on = on
    elif to in LIVE_STAGES and LIVE_STAGES.index(to) < LIVE_STAGES.index(LeadStage.SIGNED):
        lead.signed_on = None  # the signing fell through: it is no longer signed
    lead.stage, lead.stage_reason, lead.stage_changed_at = to, reason, timezone.now()
    lead.save()
    return change
