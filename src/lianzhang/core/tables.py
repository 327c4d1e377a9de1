"""Table bases (django-tables2) and the audit list table."""

from __future__ import annotations

import django_tables2 as tables
from django.core.exceptions import FieldDoesNotExist
from django.db.models import Model
from django.utils.translation import gettext_lazy as _

from .models import ObjectChange

__all__ = ["BaseTable", "ObjectChangeTable", "related_columns"]


class BaseTable(tables.Table):
    """Common table settings: the object's name links to its detail page."""

    class Meta:
        attrs = {"class": "table table-vcenter card-table table-striped lz-list"}
        empty_text = _("No objects match.")
        template_name = "django_tables2/bootstrap5-responsive.html"


def related_columns(table_class: type[tables.Table], model: type[Model]) -> list[str]:
    """The foreign-key paths the table's columns read (`town`, `node__map`): a list
    page fetches them with its rows in one query (`select_related`) instead of one query
    per row and column."""
    paths = []
    for name, column in table_class.base_columns.items():
        accessor = str(column.accessor or name).replace(".", "__")
        current, path = model, []
        for part in accessor.split("__"):
            try:
                field = current._meta.get_field(part)
            except FieldDoesNotExist:
                break
            if not (field.many_to_one or field.one_to_one) or not field.concrete:
                break
            path.append(part)
            current = field.related_model
        if path:
            paths.append("__".join(path))
    return sorted(set(paths))


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
