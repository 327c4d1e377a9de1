"""Chain pages: declared object types (chains, roster, masters, map versions, nodes)."""

from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from lianzhang.core.navigation import register_link
from lianzhang.core.registry import ObjectType, register

from . import filtersets as fs
from . import forms
from . import tables as tb
from .api import serializers as sz
from .choices import MapStatus
from .models import Chain, ChainMaster, ChainNode, ChainRole, MapVersion

__all__ = ["ChainType", "ChainRoleType", "ChainMasterType", "MapVersionType", "ChainNodeType"]


@register
class ChainType(ObjectType):
    """Key industrial chains."""

    model = Chain
    filterset = fs.ChainFilterSet
    table = tb.ChainTable
    form = forms.ChainForm
    serializer = sz.ChainSerializer
    natural_key = "code"
    detail_template = "chains/chain_detail.html"


@register
class ChainRoleType(ObjectType):
    """链长, 副链长, 专班 and 秘书处 contacts."""

    model = ChainRole
    filterset = fs.ChainRoleFilterSet
    table = tb.ChainRoleTable
    form = forms.ChainRoleForm
    serializer = sz.ChainRoleSerializer


@register
class ChainMasterType(ObjectType):
    """链主企业."""

    model = ChainMaster
    filterset = fs.ChainMasterFilterSet
    table = tb.ChainMasterTable
    form = forms.ChainMasterForm
    serializer = sz.ChainMasterSerializer


@register
class MapVersionType(ObjectType):
    """Chain map versions (draft / published)."""

    model = MapVersion
    filterset = fs.MapVersionFilterSet
    table = tb.MapVersionTable
    form = forms.MapVersionForm
    serializer = sz.MapVersionSerializer
    detail_template = "chains/mapversion_detail.html"
    extra_tabs = (("nodes", _("Nodes"), "chains/mapversion_nodes.html"),)


@register
class ChainNodeType(ObjectType):
    """Nodes of chain maps."""

    model = ChainNode
    filterset = fs.ChainNodeFilterSet
    table = tb.ChainNodeTable
    form = forms.ChainNodeForm
    serializer = sz.ChainNodeSerializer
    locked_actions = "chains/node_locked_actions.html"

    @staticmethod
    def edit_refusal(node: ChainNode) -> str:
        """A published map is a record: its nodes change through a new draft."""
        if node.map.status == MapStatus.DRAFT:
            return ""
        return gettext("%(node)s belongs to a published map version, which cannot be "
                       "edited: create a draft from this version and edit the node there.") % {
            "node": node.name}

for _order, _key in enumerate(["chains.chain", "chains.mapversion", "chains.chainnode",
                               "chains.chainmaster", "chains.chainrole"]):
    register_link("chains", _order, object_type=_key)
