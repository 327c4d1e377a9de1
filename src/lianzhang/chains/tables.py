"""Tables for chains."""

import django_tables2 as tables

from lianzhang.core.tables import BaseTable

from .models import Chain

__all__ = ["ChainTable"]


class ChainTable(BaseTable):
    """Chain list columns."""

    name = tables.Column(linkify=True)

    class Meta(BaseTable.Meta):
        model = Chain
        fields = ("name", "code", "category", "description")
