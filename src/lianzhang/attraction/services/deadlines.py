"""Lead service deadlines (DESIGN §4, configurable): respond within 1 day (a first
activity or stage change after the lead is recorded), assess within 3 days (the lead
leaves 线索: contacted, put on hold or dropped), follow up at least every 14 days (an
activity or stage change on every open lead). Settings:
`LIANZHANG_LEAD_RESPOND_DAYS`, `LIANZHANG_LEAD_ASSESS_DAYS`,
`LIANZHANG_LEAD_FOLLOW_UP_DAYS`."""

from __future__ import annotations

import datetime
from collections import defaultdict
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.core.mail import send_mail
from django.db.models import Max, Min
from django.utils import timezone
from django.utils.translation import gettext as _

from ..choices import OPEN_STAGES, LeadStage

__all__ = ["Deadlines", "Overdue", "deadlines", "overdue", "reminders", "send_reminders"]


@dataclass(frozen=True)
class Deadlines:
    """Days allowed for each service step."""

    respond: int
    assess: int
    follow_up: int


def _days(name: str, default: int) -> int:
    value = getattr(settings, name, default)
    if not isinstance(value, int) or isinstance(value, bool) or value < 0:
        raise ImproperlyConfigured(f"{name} 必须是非负整数（天），收到：{value!r}")
    return value


def deadlines() -> Deadlines:
    """The configured deadlines (1 / 3 / 14 days by default)."""
    return Deadlines(_days("LIANZHANG_LEAD_RESPOND_DAYS", 1),
                     _days("LIANZHANG_LEAD_ASSESS_DAYS", 3),
                     _days("LIANZHANG_LEAD_FOLLOW_UP_DAYS", 14))


@dataclass(frozen=True)
class Overdue:
    """One missed deadline of one lead."""

    lead: Any
    kind: str  # respond / assess / follow_up
    due: datetime.date
    days: int

    @property
    def label(self) -> str:
        """What was missed, in the active language."""
        return {"respond": _("respond"), "assess": _("assess"),
                "follow_up": _("follow up")}[self.kind]


def overdue(leads: Any, today: datetime.date | None = None) -> list[Overdue]:
    """Missed deadlines of the open leads in `leads` (a queryset), most overdue first."""
    today = today or timezone.localdate()
    rules = deadlines()
    rows = leads.filter(stage__in=OPEN_STAGES).annotate(
        first_activity=Min("activities__date"), first_change=Min("stage_changes__date"),
        last_change=Max("stage_changes__date")).select_related("enterprise", "town", "owner")
    out = []
    for lead in rows:
        recorded = timezone.localdate(lead.created)
        touched = [d for d in (lead.first_activity, lead.first_change) if d]
        if not touched and today > (due := recorded + datetime.timedelta(rules.respond)):
            out.append(Overdue(lead, "respond", due, (today - due).days))
        if lead.stage == LeadStage.LEAD and today > (
                due := recorded + datetime.timedelta(rules.assess)):
            out.append(Overdue(lead, "assess", due, (today - due).days))
        last = max([d for d in (lead.last_activity_on, lead.last_change) if d] or [recorded])
        if touched and today > (due := last + datetime.timedelta(rules.follow_up)):
            out.append(Overdue(lead, "follow_up", due, (today - due).days))
    return sorted(out, key=lambda o: (-o.days, o.lead.pk, o.kind))


def reminders(leads: Any, today: datetime.date | None = None) -> dict[Any, list[Overdue]]:
    """Missed deadlines grouped by the lead's owner (None: leads without an owner)."""
    grouped: dict[Any, list[Overdue]] = defaultdict(list)
    for item in overdue(leads, today):
        grouped[item.lead.owner].append(item)
    return dict(grouped)


def send_reminders(leads: Any, today: datetime.date | None = None) -> dict[str, int]:
    """E-mail each owner with an address their overdue leads; returns counts. An e-mail
    the mail server refused counts as failed, not sent (the server may be absent on an
    intranet: the reminders stay on the overdue page either way)."""
    sent = failed = listed = 0
    for owner, items in reminders(leads, today).items():
        listed += len(items)
        if owner is None or not owner.email:
            continue
        lines = [_("%(lead)s: %(what)s overdue by %(days)d day(s) (due %(due)s)") % {
            "lead": o.lead, "what": o.label, "days": o.days, "due": o.due} for o in items]
        delivered = send_mail(_("Leads overdue: %(count)d") % {"count": len(items)},
                              "\n".join(lines), None, [owner.email], fail_silently=True)
        sent += delivered
        failed += 1 - delivered
    return {"overdue": listed, "emails": sent, "emails_failed": failed}
