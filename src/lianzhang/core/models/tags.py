"""Tags shared by all primary models."""

from django.db import models
from django.utils.translation import gettext_lazy as _

from .base import OrganizationalModel

__all__ = ["Tag"]


class Tag(OrganizationalModel):
    """A free label (e.g. 演示数据) that any primary object can carry."""

    color = models.CharField(_("color"), max_length=7, default="#206bc4")

    class Meta(OrganizationalModel.Meta):
        verbose_name = _("tag")
        verbose_name_plural = _("tags")
