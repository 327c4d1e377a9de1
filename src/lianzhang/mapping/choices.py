"""Choices of the mapping app."""

from django.db import models
from django.utils.translation import gettext_lazy as _

__all__ = ["LinkSource", "LinkStatus", "RunStatus", "RUN_STAT_LABELS"]


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


# What a mapping run's statistics (MappingRun.stats, the job's result) mean, in words.
RUN_STAT_LABELS = {
    "firms": _("Firms in scope"),
    "mapped": _("Firms mapped"),
    "skipped": _("Firms unchanged (skipped)"),
    "created": _("Links created"),
    "updated": _("Links updated"),
    "removed": _("Links removed"),
    "review": _("Links awaiting review"),
    "nodes": _("Nodes"),
    "chains": _("Chains"),
}
