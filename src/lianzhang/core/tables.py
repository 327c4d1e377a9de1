"""Table bases (django-tables2) and the audit list table."""

from __future__ import annotations

import django_tables2 as tables
from django.utils.translation import gettext_lazy as _

from .models import ObjectChange

__all__ = ["BaseTable", "ObjectChangeTable"]


class BaseTable(tables.Table):
    """Common table settings: the object's name links to its detail page."""

    class Meta:
        attrs = {"class": "table table-vcenter card-table table-striped lz-list"}
        empty_text = _("No objects match.")
        template_name = "django_tables2/bootstrap5-responsive.html"


class ObjectChangeTable(BaseTable):
    """Rows of the global audit list."""

    time = tables.DateTimeColumn(format="Y-m-d H:i:s", linkify=lambda record: record.get_url())
    user_name = tables.Column(verbose_name=_("User"), accessor="actor_label",
                              order_by=("user_name",))
    action = tables.Column()
    content_type = tables.Column(verbose_name=_("Object type"),
                                 accessor="content_type__name")
    object_repr = tables.Column()
    request_id = tables.Column(verbose_name=_("Request id"))

    class Meta(BaseTable.Meta):
        model = ObjectChange
        fields = ("time", "user_name", "action", "content_type", "object_repr", "request_id")
