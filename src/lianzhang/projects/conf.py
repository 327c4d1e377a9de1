"""Settings of the projects app, read from the environment (DESIGN §6.11).

`LIANZHANG_REPORT_DUE_DAY` (1–28, default 10): a month's reports are due by this day
of the following month; reminders list what is still missing after it. Django
settings may override it (`settings.LIANZHANG_REPORT_DUE_DAY`)."""

from __future__ import annotations

from django.conf import settings

from lianzhang.conf import env_int

__all__ = ["REPORT_DUE_DAY", "report_due_day"]

REPORT_DUE_DAY = env_int("LIANZHANG_REPORT_DUE_DAY", 10, 1, 28)


def report_due_day() -> int:
    """The configured due day (settings first, then the environment)."""
    return int(getattr(settings, "LIANZHANG_REPORT_DUE_DAY", REPORT_DUE_DAY))
