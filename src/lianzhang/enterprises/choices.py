"""Choices for enterprises and their places."""

from django.db import models
from django.utils.translation import gettext_lazy as _

__all__ = ["EnterpriseStatus", "NameKind", "PlatformLevel", "PlatformType", "ReviewStatus",
           "ACTIVE_STATUSES", "FIRM_FLAGS"]


class EnterpriseStatus(models.TextChoices):
    """Registration status (登记状态)."""

    EXISTING = "existing", _("Existing")  # 存续
    OPERATING = "operating", _("Operating")  # 在业
    REVOKED = "revoked", _("Licence revoked")  # 吊销
    CANCELLED = "cancelled", _("Deregistered")  # 注销
    MOVED_OUT = "moved_out", _("Moved out")  # 迁出


ACTIVE_STATUSES = (EnterpriseStatus.EXISTING, EnterpriseStatus.OPERATING)


class NameKind(models.TextChoices):
    """Other names a firm is known by."""

    SHORT = "short", _("Short name")
    FORMER = "former", _("Former name")
    ALIAS = "alias", _("Alias")


class PlatformLevel(models.TextChoices):
    """Level of an innovation platform or park."""

    NATIONAL = "national", _("National")
    PROVINCIAL = "provincial", _("Provincial")
    MUNICIPAL = "municipal", _("Municipal")


class PlatformType(models.TextChoices):
    """Kinds of innovation platform (重点创新平台)."""

    LAB = "lab", _("Key laboratory")
    ENGINEERING = "engineering", _("Engineering research centre")
    ENTERPRISE_TECH = "enterprise_tech", _("Enterprise technology centre")
    MANUFACTURING = "manufacturing", _("Manufacturing innovation centre")
    INDUSTRIAL_DESIGN = "design", _("Industrial design centre")
    OTHER = "other", _("Other")


class ReviewStatus(models.TextChoices):
    """State of a name-resolution review item."""

    PENDING = "pending", _("Pending")
    LINKED = "linked", _("Linked to an existing firm")
    CREATED = "created", _("Created as a new firm")
    DISMISSED = "dismissed", _("Dismissed")


# Boolean firm tags (规上, 专精特新 …): field name → label.
FIRM_FLAGS = {
    "is_above_scale": _("Above designated size"),
    "is_specialised": _("Specialised and sophisticated SME"),
    "is_little_giant": _("Little giant"),
    "is_high_tech": _("High-tech enterprise"),
    "is_gazelle": _("Gazelle"),
    "is_unicorn": _("Unicorn"),
    "is_listed": _("Listed"),
}
