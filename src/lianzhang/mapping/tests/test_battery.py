"""The standard batteries for the mapping app."""

from lianzhang.core.testing.battery import ObjectBattery
from lianzhang.mapping.models import MappingRun, NodeLink
from lianzhang.mapping.views import MappingRunType, NodeLinkType

from .helpers import make_firm, publish_map

NAMES = ["海岳", "青蓝", "胶澳", "琴岛", "崂峰", "沧口", "浮山", "鳌山", "灵珠", "珠山", "大珠",
         "小珠", "凤凰", "铁橛", "华楼", "棋盘", "马濠", "云溪", "少海", "艾山", "三里", "九龙",
         "洋河", "里岔", "铺集", "胶莱", "李哥", "阜安", "中云", "北岭"]


def _leaf(chain):
    version = chain.published_map() or publish_map(chain, {"压缩机": ["压缩机"]})
    return version.nodes.get(name="压缩机")


def _firm(town, n):
    from lianzhang.enterprises.models import Enterprise

    name = f"青岛{NAMES[n % len(NAMES)]}压缩机有限公司"
    return Enterprise.objects.filter(name=name).first() or make_firm(town, name)


class TestNodeLinkBattery(ObjectBattery):
    """Links are scoped by the firm's town and the node's chain."""

    object_type = NodeLinkType

    def make(self, world, town, chain, n):
        return NodeLink.objects.create(enterprise=_firm(town, n), node=_leaf(chain))

    def form_data(self, world, town, chain, n):
        return {"enterprise": _firm(town, n).name, "node": _leaf(chain).pk,
                "status": "confirmed"}

    def api_data(self, world, town, chain, n):
        return {"enterprise": _firm(town, n).pk, "node": _leaf(chain).pk, "status": "confirmed"}

    def edit_change(self):
        return "status", "rejected"

    def search_text(self, obj):
        return obj.enterprise.name


class TestMappingRunBattery(ObjectBattery):
    """Runs are scoped by chain; creating one starts its job."""

    object_type = MappingRunType

    def make(self, world, town, chain, n):
        return MappingRun.objects.create(chain=chain, note=f"运行{n}")

    def form_data(self, world, town, chain, n):
        return {"chain": chain.pk, "full": "on", "tau_high": "0.6", "tau_low": "0.3",
                "note": f"手动运行{n}"}

    def api_data(self, world, town, chain, n):
        return {"chain": chain.pk, "full": True, "note": f"接口运行{n}"}

    def edit_change(self):
        return "note", "已修改的说明"

    def search_text(self, obj):
        return obj.chain.name
