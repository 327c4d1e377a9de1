"""The standard battery for chains."""

from lianzhang.chains.views import ChainType
from lianzhang.core.testing.battery import ObjectBattery


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
