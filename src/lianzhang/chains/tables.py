"""Tables of the chains app."""

import django_tables2 as tables

from lianzhang.core.tables import BaseTable

from .models import Chain, ChainMaster, ChainNode, ChainRole, MapVersion

__all__ = ["ChainTable", "ChainRoleTable", "ChainMasterTable", "MapVersionTable",
           "ChainNodeTable"]


class ChainTable(BaseTable):
    """Chain list columns."""

    name = tables.Column(linkify=True)

    class Meta(BaseTable.Meta):
        model = Chain
        fields = ("name", "code", "category", "description")


class ChainRoleTable(BaseTable):
    """Roster."""

    person = tables.Column(linkify=True)
    chain = tables.Column(linkify=True)

    class Meta(BaseTable.Meta):
        model = ChainRole
        fields = ("person", "chain", "role", "unit", "title", "since", "until")


class ChainMasterTable(BaseTable):
    """Chain masters."""

    enterprise = tables.Column(linkify=True)
    chain = tables.Column(linkify=True)

    class Meta(BaseTable.Meta):
        model = ChainMaster
        fields = ("enterprise", "chain", "since", "criteria")


class MapVersionTable(BaseTable):
    """Map versions."""

    chain = tables.Column(linkify=True)
    version = tables.Column(linkify=lambda record: record.get_absolute_url())

    class Meta(BaseTable.Meta):
        model = MapVersion
        fields = ("chain", "version", "status", "published_at", "published_by", "note")


class ChainNodeTable(BaseTable):
    """Chain nodes."""

    name = tables.Column(linkify=True)
    map = tables.Column(linkify=True)

    class Meta(BaseTable.Meta):
        model = ChainNode
        fields = ("name", "map", "segment", "level", "is_core", "weight")
