"""Choices for regions."""

from django.db import models
from django.utils.translation import gettext_lazy as _

__all__ = ["RegionLevel", "LEVEL_ORDER"]


class RegionLevel(models.TextChoices):
    """Administrative level of a region (statistical division levels plus parks)."""

    PROVINCE = "province", _("Province")
    CITY = "city", _("City")
    DISTRICT = "district", _("District/County")
    TOWN = "town", _("Town/Subdistrict")
    PARK = "park", _("Park/Functional zone")


# A child must sit strictly below its parent in this order.
LEVEL_ORDER = {
    RegionLevel.PROVINCE: 0, RegionLevel.CITY: 1, RegionLevel.DISTRICT: 2,
    RegionLevel.TOWN: 3, RegionLevel.PARK: 4,
}
