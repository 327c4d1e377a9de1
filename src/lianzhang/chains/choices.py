"""Choices for chains."""

from django.db import models
from django.utils.translation import gettext_lazy as _

__all__ = ["ChainCategory"]


class ChainCategory(models.TextChoices):
    """Category of an industrial chain in the city's plan."""

    ADVANTAGE = "advantage", _("Advantage industry")
    EMERGING = "emerging", _("Emerging industry")
    FUTURE = "future", _("Future industry")
