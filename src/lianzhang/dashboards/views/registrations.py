"""Object types of the dashboards app: 重点事项, 重点短板需求, snapshots."""

import django_filters
import django_tables2 as tables
from django.utils.translation import gettext_lazy as _

from lianzhang.chains.models import Chain
from lianzhang.core.api.serializers import serializer_for
from lianzhang.core.filtersets import BaseFilterSet
from lianzhang.core.forms import NaturalKeyChoiceField, ScopedModelForm
from lianzhang.core.navigation import register_link
from lianzhang.core.registry import ObjectType, register
from lianzhang.core.tables import BaseTable

from ..choices import ItemStatus, NeedKind
from ..models import ChainSnapshot, GapNeed, KeyMatter

__all__ = ["KeyMatterType", "GapNeedType", "ChainSnapshotType"]


class KeyMatterFilterSet(BaseFilterSet):
    """Key matters by chain and status."""

    search_fields = ("title", "owner_unit")
    status = django_filters.ChoiceFilter(choices=ItemStatus.choices, label=_("status"))

    class Meta:
        model = KeyMatter
        fields = ["q", "chain", "status"]


class KeyMatterForm(ScopedModelForm):
    """A key matter."""

    chain = NaturalKeyChoiceField(queryset=Chain.objects.all(), to_field_name="code",
                                  label=_("chain"))

    class Meta:
        model = KeyMatter
        fields = ["chain", "title", "owner_unit", "due", "status", "description"]


class KeyMatterTable(BaseTable):
    """Key matters."""

    title = tables.Column(linkify=True)

    class Meta(BaseTable.Meta):
        model = KeyMatter
        fields = ("title", "chain", "owner_unit", "due", "status")


class GapNeedFilterSet(BaseFilterSet):
    """Gap needs by chain, node, kind and status."""

    search_fields = ("title", "owner_unit")
    kind = django_filters.ChoiceFilter(choices=NeedKind.choices, label=_("kind"))

    class Meta:
        model = GapNeed
        fields = ["q", "chain", "node", "kind", "status"]


class GapNeedForm(ScopedModelForm):
    """A 短板需求 linked to a node."""

    chain = NaturalKeyChoiceField(queryset=Chain.objects.all(), to_field_name="code",
                                  label=_("chain"))

    class Meta:
        model = GapNeed
        fields = ["chain", "node", "kind", "title", "owner_unit", "status", "description"]

    def clean(self):
        data = super().clean()
        node, chain = data.get("node"), data.get("chain")
        if node and chain and node.map.chain_id != chain.pk:
            self.add_error("node", _("The node belongs to another chain."))
        return data


class GapNeedTable(BaseTable):
    """Gap needs."""

    title = tables.Column(linkify=True)

    class Meta(BaseTable.Meta):
        model = GapNeed
        fields = ("title", "chain", "node", "kind", "owner_unit", "status")


class ChainSnapshotFilterSet(BaseFilterSet):
    """Snapshots by chain."""

    search_fields = ("chain__name",)

    class Meta:
        model = ChainSnapshot
        fields = ["q", "chain", "as_of"]


class ChainSnapshotForm(ScopedModelForm):
    """Snapshots are made by the button or the periodic job; the form exists for
    corrections by the secretariat."""

    chain = NaturalKeyChoiceField(queryset=Chain.objects.all(), to_field_name="code",
                                  label=_("chain"))

    class Meta:
        model = ChainSnapshot
        fields = ["chain", "as_of", "figures"]


class ChainSnapshotTable(BaseTable):
    """Snapshots."""

    as_of = tables.Column(linkify=True)

    class Meta(BaseTable.Meta):
        model = ChainSnapshot
        fields = ("chain", "as_of", "created")


@register
class KeyMatterType(ObjectType):
    """重点事项."""

    model = KeyMatter
    filterset = KeyMatterFilterSet
    table = KeyMatterTable
    form = KeyMatterForm
    serializer = serializer_for(KeyMatter, ["chain", "title", "owner_unit", "due", "status",
                                            "description"])


@register
class GapNeedType(ObjectType):
    """重点短板需求."""

    model = GapNeed
    filterset = GapNeedFilterSet
    table = GapNeedTable
    form = GapNeedForm
    serializer = serializer_for(GapNeed, ["chain", "node", "kind", "title", "owner_unit",
                                          "status", "description"])


@register
class ChainSnapshotType(ObjectType):
    """Frozen chain figures."""

    model = ChainSnapshot
    filterset = ChainSnapshotFilterSet
    table = ChainSnapshotTable
    form = ChainSnapshotForm
    serializer = serializer_for(ChainSnapshot, ["chain", "as_of", "figures"])


register_link("reports", 0, label=_("City and towns"), url_name="dashboards:city",
              permission_model="regions.region")
register_link("chains", 10, object_type="dashboards.keymatter")
register_link("chains", 11, object_type="dashboards.gapneed")
register_link("chains", 12, object_type="dashboards.chainsnapshot")
