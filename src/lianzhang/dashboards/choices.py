"""Choices of the dashboards app."""

from django.db import models
from django.utils.translation import gettext_lazy as _

__all__ = ["NeedKind", "ItemStatus"]


class NeedKind(models.TextChoices):
    """Kinds of 短板需求 in the 六清单."""

    TECHNOLOGY = "technology", _("Technology")
    TALENT = "talent", _("Talent")
    FINANCE = "finance", _("Finance")
    POLICY = "policy", _("Policy")


class ItemStatus(models.TextChoices):
    """Open or done."""

    OPEN = "open", _("Open")
    IN_PROGRESS = "in_progress", _("In progress")
    DONE = "done", _("Done")
