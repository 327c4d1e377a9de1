"""`lianzhang lead-reminders`: list leads with missed service deadlines and e-mail
their owners (run daily, e.g. from cron or as the job of the same name)."""

from __future__ import annotations

import datetime
from typing import Any

from django.core.management.base import BaseCommand
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from lianzhang.core.context import change_context

from ...models import Lead
from ...services.deadlines import overdue, send_reminders

__all__ = ["Command"]


class Command(BaseCommand):
    """Prints the overdue list, then sends the reminders."""

    help = gettext_lazy("List leads past their service deadlines and remind their owners.")

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--date", help=gettext_lazy("As of this date (YYYY-MM-DD)"))
        parser.add_argument("--no-email", action="store_true")

    def handle(self, *args: Any, **options: Any) -> None:
        today = datetime.date.fromisoformat(options["date"]) if options["date"] else None
        for item in overdue(Lead.objects.all(), today):
            self.stdout.write(_("%(lead)s: %(what)s overdue by %(days)d day(s) (due %(due)s)")
                              % {"lead": item.lead, "what": item.label, "days": item.days,
                                 "due": item.due})
        if not options["no_email"]:
            with change_context(actor="lead-reminders"):
                stats = send_reminders(Lead.objects.all(), today)
            self.stdout.write(_("%(overdue)d overdue deadline(s); %(emails)d reminder e-mail(s) "
                                "sent.") % stats)
            if stats["emails_failed"]:
                self.stderr.write(_("%(emails_failed)d reminder e-mail(s) could not be sent: "
                                    "check the mail server settings.") % stats)
