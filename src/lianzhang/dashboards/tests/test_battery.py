"""The standard batteries for the dashboards app's editable lists and snapshots."""

import datetime

from lianzhang.core.testing.battery import ObjectBattery
from lianzhang.dashboards.models import ChainSnapshot, GapNeed, KeyMatter
from lianzhang.dashboards.views import ChainSnapshotType, GapNeedType, KeyMatterType


class TestKeyMatterBattery(ObjectBattery):
    """重点事项 are scoped by chain."""

    object_type = KeyMatterType

    def make(self, world, town, chain, n):
        return KeyMatter.objects.create(chain=chain, title=f"协调用地事项{n}")

    def form_data(self, world, town, chain, n):
        return {"chain": chain.code, "title": f"推动配套事项{n}", "owner_unit": "市工信局",
                "due": "2026-12-31", "status": "open", "description": ""}

    def api_data(self, world, town, chain, n):
        return {"chain": chain.pk, "title": f"接口事项{n}"}

    def search_text(self, obj):
        return obj.title


class TestGapNeedBattery(ObjectBattery):
    """重点短板需求 are scoped by chain."""

    object_type = GapNeedType

    def make(self, world, town, chain, n):
        return GapNeed.objects.create(chain=chain, kind="technology", title=f"压缩机技术需求{n}")

    def form_data(self, world, town, chain, n):
        return {"chain": chain.code, "node": "", "kind": "talent", "title": f"人才需求{n}",
                "owner_unit": "市人社局", "status": "open", "description": ""}

    def api_data(self, world, town, chain, n):
        return {"chain": chain.pk, "kind": "finance", "title": f"融资需求{n}"}

    def search_text(self, obj):
        return obj.title


class TestChainSnapshotBattery(ObjectBattery):
    """Snapshots are scoped by chain."""

    object_type = ChainSnapshotType

    def make(self, world, town, chain, n):
        return ChainSnapshot.objects.create(chain=chain, as_of=datetime.date(2025, 1, n),
                                            figures={"completeness": 0.5})

    def form_data(self, world, town, chain, n):
        return {"chain": chain.code, "as_of": f"2025-02-{n:02d}",
                "figures": '{"completeness": 0.6}'}

    def api_data(self, world, town, chain, n):
        return {"chain": chain.pk, "as_of": f"2025-03-{n:02d}", "figures": {"completeness": 0.7}}

    def edit_change(self):
        return "as_of", "2025-04-30"

    def search_text(self, obj):
        return obj.chain.name
