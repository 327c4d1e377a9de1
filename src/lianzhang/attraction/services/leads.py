"""The lead stage machine: 线索 → 接洽 → 考察 → 洽谈 → 签约 → 落地, or 搁置/放弃.

Rules (each refused with a message, nothing written):
- 搁置 and 放弃 need a reason; so does moving back to an earlier live stage (from a
  side stage, "earlier" means before the stage the lead was in when it left the line);
- signing needs the investment amount (the lead's total investment, or given now);
- 落地 only after 签约;
- a stage change cannot be dated before the lead's previous one.
Stages may be skipped forward (a firm can sign at its first meeting). Every change is a
`LeadStageChange` row plus the lead's own audited save, in one transaction."""

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

__all__ = ["LeadMoveError", "move", "last_live_stage", "is_backwards", "stage_label"]


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
         on: datetime.date | None = None, investment: Decimal | None = None) -> LeadStageChange:
    """Move `lead` to stage `to` on date `on` (today by default); `investment` (万元)
    sets the total investment when signing. Raises LeadMoveError."""
    reason = (reason or "").strip()
    on = on or timezone.localdate()
    _check(lead, to, reason, on)
    if to == LeadStage.SIGNED:
        if investment is not None:
            if investment <= 0:
                raise LeadMoveError(_("The investment amount must be greater than zero."))
            lead.total_investment = investment
        if not lead.total_investment:
            raise LeadMoveError(_(
                "Signing needs the investment amount: enter the total investment first."))
    change = LeadStageChange.objects.create(
        lead=lead, from_stage=lead.stage, to_stage=to, date=on, reason=reason,
        user=user if getattr(user, "pk", None) else None)
    if to in LIVE_STAGES and LIVE_STAGES.index(to) >= LIVE_STAGES.index(LeadStage.CONTACT):
        lead.first_contact_on = lead.first_contact_on or on
    if to == LeadStage.SIGNED and lead.signed_on is None:
        lead.signed_on = on
    elif to in LIVE_STAGES and LIVE_STAGES.index(to) < LIVE_STAGES.index(LeadStage.SIGNED):
        lead.signed_on = None  # the signing fell through: it is no longer signed
    lead.stage, lead.stage_reason, lead.stage_changed_at = to, reason, timezone.now()
    lead.save()
    return change
