"""`lianzhang lead-reminders`: alias of `lead_reminders`."""

from .lead_reminders import Command

__all__ = ["Command"]
