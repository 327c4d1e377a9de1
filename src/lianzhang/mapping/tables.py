"""Tables of the mapping app."""

import django_tables2 as tables

from lianzhang.core.tables import BaseTable

from .models import MappingRun, NodeLink

__all__ = ["NodeLinkTable", "MappingRunTable"]


class NodeLinkTable(BaseTable):
    """Links."""

    enterprise = tables.Column(linkify=True)
    node = tables.Column(linkify=True)
    score = tables.Column(linkify=lambda record: record.get_absolute_url())

    class Meta(BaseTable.Meta):
        model = NodeLink
        fields = ("enterprise", "node", "source", "status", "score")


class MappingRunTable(BaseTable):
    """Mapping runs."""

    id = tables.Column(linkify=True)
    chain = tables.Column(linkify=True)

    class Meta(BaseTable.Meta):
        model = MappingRun
        fields = ("id", "chain", "full", "status", "tau_high", "tau_low", "created")
