"""`lianzhang project_reminders [--month YYYY-MM]`: towns and projects that have not
submitted a month's reports by the due day (LIANZHANG_REPORT_DUE_DAY)."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from lianzhang.projects.forms import parse_month
from lianzhang.projects.models import month_label
from lianzhang.projects.reminders import due_date, overdue_month, reminder_lines


class Command(BaseCommand):
    """Print one reminder line per town with missing reports."""

    help = "List towns and projects whose monthly reports are overdue."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--month", default="", help="YYYY-MM (default: the latest overdue month)")

    def handle(self, *args: Any, **options: Any) -> None:
        month = parse_month(options["month"]) if options["month"] else overdue_month(
            timezone.localdate())
        if month is None:
            raise CommandError(f"--month {options['month']!r}: expected YYYY-MM")
        lines = reminder_lines(month)
        self.stdout.write(f"{month_label(month)} (due {due_date(month).isoformat()}): "
                          f"{len(lines)} town(s) with missing reports")
        for line in lines:
            self.stdout.write(line)
