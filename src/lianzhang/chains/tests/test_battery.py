"""The standard batteries for the chains app."""

from lianzhang.chains.models import Chain, ChainMaster, ChainNode, ChainRole, MapVersion
from lianzhang.chains.views import (
    ChainMasterType,
    ChainNodeType,
    ChainRoleType,
    ChainType,
    MapVersionType,
)
from lianzhang.core.testing.battery import ObjectBattery
from lianzhang.enterprises.models import Enterprise

FIRMS = ["海岳", "青蓝", "胶澳", "琴岛", "崂峰", "沧口", "浮山", "鳌山", "灵珠", "珠山", "大珠",
         "小珠", "凤凰", "铁橛", "华楼", "棋盘"]


def firm(town, n):
    return Enterprise.objects.get_or_create(name=f"青岛{FIRMS[n % len(FIRMS)]}电器有限公司",
                                            defaults={"town": town})[0]


class TestChainBattery(ObjectBattery):
    """A chain's scope is the chain itself."""

    object_type = ChainType
    scoped_can_create = False

    def make(self, world, town, chain, n):
        return chain

    def form_data(self, world, town, chain, n):
        return {"name": f"样例产业链{n}", "code": f"sample-chain-{n}", "category": "emerging",
                "description": ""}

    def api_data(self, world, town, chain, n):
        return self.form_data(world, town, chain, n)


class TestChainRoleBattery(ObjectBattery):
    """Roster entries are scoped by chain."""

    object_type = ChainRoleType

    def make(self, world, town, chain, n):
        return ChainRole.objects.create(chain=chain, role="leader", person=f"链长{n}号")

    def form_data(self, world, town, chain, n):
        return {"chain": chain.code, "role": "deputy", "person": f"副链长{n}号", "unit": "市工信局",
                "title": "", "phone": "", "since": "2024-01-01", "until": ""}

    def api_data(self, world, town, chain, n):
        return {"chain": chain.pk, "role": "taskforce", "person": f"专班{n}号"}

    def edit_change(self):
        return "unit", "市发改委"

    def search_text(self, obj):
        return obj.person


class TestChainMasterBattery(ObjectBattery):
    """Chain masters are scoped by chain and by the firm's town."""

    object_type = ChainMasterType

    def make(self, world, town, chain, n):
        return ChainMaster.objects.create(chain=chain, enterprise=firm(town, n))

    def form_data(self, world, town, chain, n):
        return {"chain": chain.code, "enterprise": firm(town, n).name, "since": "",
                "criteria": "营业收入≥50亿"}

    def api_data(self, world, town, chain, n):
        return {"chain": chain.pk, "enterprise": firm(town, n).pk}

    def edit_change(self):
        return "criteria", "本地配套企业≥20家"

    def search_text(self, obj):
        return obj.enterprise.name


class TestMapVersionBattery(ObjectBattery):
    """Map versions are scoped by chain; each test draft gets a chain of its own."""

    object_type = MapVersionType
    scoped_can_create = False

    def make(self, world, town, chain, n):
        return MapVersion.objects.create(chain=chain, version=f"{n}.0", status="published")

    def _chain(self, n):
        return Chain.objects.create(name=f"测试链{n}", code=f"test-chain-{n}")

    def form_data(self, world, town, chain, n):
        return {"chain": self._chain(n).code, "note": f"草稿{n}"}

    def api_data(self, world, town, chain, n):
        return {"chain": self._chain(n).pk, "note": f"接口草稿{n}"}

    def edit_change(self):
        return "note", "已修改的草稿说明"

    def search_text(self, obj):
        return obj.chain.name


class TestChainNodeBattery(ObjectBattery):
    """Nodes are scoped by their map's chain; only drafts take new nodes."""

    object_type = ChainNodeType

    def _draft(self, chain):
        return MapVersion.objects.get_or_create(chain=chain, status="draft")[0]

    def make(self, world, town, chain, n):
        return ChainNode.objects.create(map=self._draft(chain), name=f"压缩机{n}",
                                        segment="upstream", keywords=["压缩机"])

    def form_data(self, world, town, chain, n):
        return {"map": self._draft(chain).pk, "parent": "", "name": f"电机{n}",
                "segment": "upstream", "keywords": "电机|马达", "negative_keywords": "电机维修",
                "industry_codes": "3813", "weight": "1", "is_core": "on", "description": ""}

    def api_data(self, world, town, chain, n):
        return {"map": self._draft(chain).pk, "name": f"芯片{n}", "segment": "upstream",
                "keywords": ["芯片"], "industry_codes": ["3973"]}
