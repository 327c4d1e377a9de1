"""The demo registry generator and its demo step: deterministic, idempotent, and the
chain facts DESIGN §5 and issue 5 need are there (masters, gaps, weak and single-source
nodes, common suppliers, supporting rate, 九龙街道's specialisation)."""

from collections import defaultdict
from decimal import Decimal

import pytest
from django.db.models import Q, Sum

from chainkit.uscc import validate_uscc
from lianzhang.chains.models import ChainMaster
from lianzhang.core.models import ObjectChange
from lianzhang.demo import loader
from lianzhang.demo.generator import MIN_ENTERPRISES, generate
from lianzhang.demo.generator.catalog import LOCAL_FORBIDDEN
from lianzhang.demo.loader import load_demo
from lianzhang.enterprises.models import (
    Enterprise,
    InnovationPlatform,
    Park,
    Product,
    SupplyTie,
    YearlyFigure,
)

SA = "smart-appliance"
SME_GAPS = ("滚珠丝杠", "数控刀架", "转台", "主轴")


@pytest.fixture(scope="module")
def registry():
    return generate(2024, 600)


@pytest.fixture(scope="module")
def firms(registry):
    return list(registry.iter_firms())


def _sa_masters(registry):
    return [i for chain, i in registry.masters if chain == SA]


def test_it_generates_the_same_registry_from_the_same_seed(registry):
    assert generate(2024, 600).digest() == registry.digest()
    assert generate(2025, 600).digest() != registry.digest()


def test_it_respects_the_scale():
    small = generate(7, 450)
    assert len(small.slots) == 450
    assert sum(s.local for s in small.slots) == 300  # a third in the national pool
    with pytest.raises(ValueError):
        generate(7, MIN_ENTERPRISES - 1)


def test_it_gives_every_firm_a_valid_unique_uscc_and_name(firms):
    usccs = [f.uscc for f in firms]
    assert all(validate_uscc(u) is None for u in usccs)
    assert len(set(usccs)) == len(usccs)
    assert len({f.name for f in firms}) == len(firms)
    assert all(f.uscc[2:8] == "370281" for f in firms if f.town)
    assert all(100 <= len(f.business_scope) <= 300 for f in firms)
    assert all(sum(share for _n, share in f.products) <= 1 for f in firms)


def test_it_makes_compressors_and_machine_tool_parts_outside_only(registry, firms):
    def mentions(firm, term):
        return any(term in text for text in (firm.name, firm.business_scope,
                                             *[p for p, _s in firm.products]))

    for term in ("压缩机", *SME_GAPS):
        assert not any(mentions(f, term) for f in firms if f.town), term
        assert any(mentions(f, term) for f in firms if not f.town), term
    truth = registry.truth()
    made = {path.rsplit("/", 1)[1] for leaves in truth.values() for _c, path in leaves}
    assert not made & {"冰箱压缩机", "空调压缩机", "滚珠丝杠", "数控刀架", "数控转台", "主轴"}
    assert {"直线导轨", "数控系统", "伺服电机与驱动器", "精密轴承"} <= made


def test_it_shapes_the_smart_appliance_supply_picture(registry, firms):
    masters = _sa_masters(registry)
    assert [firms[i].short_name for i in masters] == ["海尔智家", "海信家电", "澳柯玛"]
    assert all(firms[i].town == "九龙街道" for i in masters)
    ties = [t for t in registry.ties if t.customer in masters]
    assert all(t.value > 0 and t.year == 2024 for t in ties)
    for m in masters:
        mine = [t for t in ties if t.customer == m]
        local = sum(t.value for t in mine if registry.slots[t.supplier].local)
        assert 0.35 <= local / sum(t.value for t in mine) <= 0.45
    served = defaultdict(set)
    by_node = defaultdict(set)
    demand = defaultdict(float)
    for t in ties:
        served[t.supplier].add(t.customer)
        by_node[t.path.rsplit("/", 1)[1]].add(t.supplier)
        demand[t.path.rsplit("/", 1)[1]] += t.value
    assert sum(len(c) >= 2 for c in served.values()) >= 22
    assert {n for n, s in by_node.items() if len(s) == 1} >= {"洗衣机离合器"}
    assert all(not registry.slots[s].local for s in by_node["冰箱压缩机"] | by_node["空调压缩机"])
    # weak: a few local makers whose output stays below what the masters buy
    for node in ("空调电机", "控制芯片", "液晶面板"):
        makers = [f for f in firms if f.town and any(p.endswith("/" + node) for _c, p in f.nodes)]
        assert 1 <= len(makers) <= 3, node
        assert sum(f.figures[-1][1] for f in makers) < demand[node], node


def test_it_makes_jiulong_the_smart_appliance_town(registry, firms):
    total, in_chain = defaultdict(float), defaultdict(float)
    for slot, firm in zip(registry.slots, firms, strict=True):
        if firm.town and firm.figures:
            total[firm.town] += firm.figures[-1][1]
            if slot.chain == SA:
                in_chain[firm.town] += firm.figures[-1][1]
    share = {town: in_chain[town] / total[town] for town in total}
    assert max(share, key=share.get) == "九龙街道"


def _db_counts():
    models = (Enterprise, Product, YearlyFigure, SupplyTie, ChainMaster, Park, InnovationPlatform)
    return {m.__name__: m._base_manager.count() for m in models}


@pytest.mark.django_db
def test_it_loads_the_registry_once_and_audited(registry, monkeypatch):
    # only this step (later apps' steps are tested by their own apps and test_load_demo)
    monkeypatch.setattr(loader, "demo_steps", [s for s in loader.demo_steps
                                               if s[1] == "enterprises"])
    load_demo(seed=2024, enterprises=600)
    counts, changes = _db_counts(), ObjectChange.objects.count()
    assert counts["Enterprise"] == 600
    assert Enterprise.objects.filter(uscc__in=[registry.uscc(i) for i in range(600)]).count() == 600
    assert counts["SupplyTie"] == len(registry.ties)
    assert ObjectChange.objects.filter(action="create", content_type__model="enterprise").count() == 600

    summary = load_demo(seed=2024, enterprises=600)
    assert _db_counts() == counts and ObjectChange.objects.count() == changes
    assert not any(summary.created.values())

    # the facts, read back from the database
    masters = ChainMaster.objects.filter(chain__code=SA).values_list("enterprise__name", flat=True)
    assert sorted(masters) == sorted(["海尔智家股份有限公司", "海信家电集团股份有限公司",
                                      "澳柯玛股份有限公司"])
    local = Enterprise.objects.exclude(town=None)
    assert not Product.objects.filter(enterprise__in=local, name__contains="压缩机").exists()
    assert Product.objects.filter(enterprise__town=None, name__contains="压缩机").exists()
    for term in LOCAL_FORBIDDEN:
        assert not local.filter(Q(business_scope__contains=term) | Q(name__contains=term)).exists()
    ties = SupplyTie.objects.filter(customer__master_of__chain__code=SA, year=2024)
    assert ties.exclude(node=None).count() == ties.count() > 50
    assert ties.aggregate(v=Sum("annual_value"))["v"] > Decimal(100_000)
    assert all(e.tags.filter(slug="demo").exists() for e in Enterprise.objects.all()[:50])
    assert YearlyFigure.objects.filter(source="演示数据").count() == counts["YearlyFigure"]
    platform = InnovationPlatform.objects.filter(chains__code=SA).first()
    assert platform is not None and platform.nodes.exists()
    tailifu = Enterprise.objects.get(name="台励福机器设备（青岛）有限公司")
    assert tailifu.town.name == "胶西街道"
    assert tailifu.figures.get(year=2024).revenue == Decimal("65000.00")
    assert tailifu.figures.get(year=2023).revenue == Decimal("50000.00")
