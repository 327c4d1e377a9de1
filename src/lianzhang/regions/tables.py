"""Tables for regions."""

import django_tables2 as tables

from lianzhang.core.tables import BaseTable

from .models import Region

__all__ = ["RegionTable"]


class RegionTable(BaseTable):
    """Region list columns."""

    name = tables.Column(linkify=True)
    parent = tables.Column(linkify=True)
    main_chain = tables.Column(linkify=True)

    class Meta(BaseTable.Meta):
        model = Region
        fields = ("name", "code", "level", "parent", "main_chain", "main_industry")
