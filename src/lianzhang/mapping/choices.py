"""Choices of the mapping app."""

from django.db import models
from django.utils.translation import gettext_lazy as _

__all__ = ["LinkSource", "LinkStatus", "RunStatus"]


class LinkSource(models.TextChoices):
    """Who made a link: a mapping run or a person."""

    AUTO = "auto", _("Automatic")
    MANUAL = "manual", _("Manual")


class LinkStatus(models.TextChoices):
    """Where a link stands: accepted by the run, waiting for review, or decided."""

    AUTO = "auto", _("Auto-accepted")
    REVIEW = "review", _("Awaiting review")
    CONFIRMED = "confirmed", _("Confirmed")
    REJECTED = "rejected", _("Rejected")


class RunStatus(models.TextChoices):
    """State of a mapping run."""

    PENDING = "pending", _("pending")
    RUNNING = "running", _("running")
    COMPLETED = "completed", _("completed")
    FAILED = "failed", _("failed")
    CANCELLED = "cancelled", _("cancelled")
