"""Small published chain maps and firms for mapping tests."""

from chainkit import chainmap as ck
from lianzhang.chains.services import load_into_draft, publish
from lianzhang.enterprises.models import Enterprise, Product


def publish_map(chain, leaves: dict[str, list[str]], parent: str = "核心零部件"):
    """Publish a map for `chain`: 上游/<parent>/<leaf> with the given keywords."""
    nodes = [ck.MapNode(path=("上游",), name="上游", segment="upstream"),
             ck.MapNode(path=("上游", parent), name=parent, segment="upstream")]
    for name, keywords in leaves.items():
        nodes.append(ck.MapNode(path=("上游", parent, name), name=name, segment="upstream",
                                keywords=keywords, is_core=True))
    parsed = ck.ChainMap(name=chain.name, code=chain.code, nodes=nodes)
    return publish(load_into_draft(chain, parsed), None)


def make_firm(town, name, products=(), scope="", code=""):
    """A local firm with products."""
    firm = Enterprise.objects.create(name=name, town=town, business_scope=scope,
                                     industry_code=code)
    for product in products:
        Product.objects.create(enterprise=firm, name=product)
    return firm
