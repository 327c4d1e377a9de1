"""Choices for chains, rosters and chain maps."""

from django.db import models
from django.utils.translation import gettext_lazy as _

__all__ = ["ChainCategory", "RosterRole", "Segment", "MapStatus"]


class ChainCategory(models.TextChoices):
    """Category of an industrial chain in the city's plan."""

    ADVANTAGE = "advantage", _("Advantage industry")
    EMERGING = "emerging", _("Emerging industry")
    FUTURE = "future", _("Future industry")


class RosterRole(models.TextChoices):
    """Positions in a chain's organisation (链长制)."""

    LEADER = "leader", _("Chain leader")
    DEPUTY = "deputy", _("Deputy chain leader")
    TASKFORCE = "taskforce", _("Task force member")
    SECRETARIAT = "secretariat", _("Secretariat contact")


class Segment(models.TextChoices):
    """Position of a node in the chain."""

    UPSTREAM = "upstream", _("Upstream")
    MIDSTREAM = "midstream", _("Midstream")
    DOWNSTREAM = "downstream", _("Downstream")


class MapStatus(models.TextChoices):
    """A chain map version is edited as a draft and frozen when published."""

    DRAFT = "draft", _("Draft")
    PUBLISHED = "published", _("Published")
