"""The standard battery for regions."""

from lianzhang.core.testing.battery import ObjectBattery
from lianzhang.regions.models import Region
from lianzhang.regions.views import RegionType


class TestRegionBattery(ObjectBattery):
    """Regions are scoped by town: a park sits under its town."""

    object_type = RegionType

    def make(self, world, town, chain, n):
        return Region.objects.create(name=f"样例园区{n}", code=f"{town.code[:9]}{400 + n}",
                                     level="park", parent=town)

    def form_data(self, world, town, chain, n):
        return {"name": f"新园区{n}", "code": f"{town.code[:9]}{500 + n}", "level": "park",
                "parent": town.pk, "main_chain": "", "main_industry": "", "description": ""}

    def import_data(self, world, town, chain, n):
        return {**self.form_data(world, town, chain, n), "parent": town.code}

    def api_data(self, world, town, chain, n):
        return {"name": f"接口园区{n}", "code": f"{town.code[:9]}{600 + n}", "level": "park",
                "parent": town.pk}
