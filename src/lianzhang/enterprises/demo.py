"""Demo step: the generated registry (`lianzhang.demo.generator`) written to the database.

Firms are matched by USCC, parks and platforms by name, supply ties by (supplier,
customer, node, year, product) and chain masters by (chain, firm), so a second load
creates nothing and records nothing. Every write goes through the audit path: bulk
inserts through `audited_bulk_create`, the few single objects through `save()`.

Later steps find the registry in the context: `registry` (the generator's plain data),
`registry_truth` (USCC → the template leaves each local firm makes: the ground truth
for evaluating 挂链) and `enterprise_ids` (USCC → primary key)."""

from __future__ import annotations

import datetime
from collections.abc import Iterable, Iterator
from decimal import Decimal
from itertools import islice
from typing import Any

from django.utils.translation import gettext as _

from lianzhang.chains.models import Chain, ChainMaster, ChainNode
from lianzhang.core.audit import audited_bulk_create, audited_bulk_m2m_add
from lianzhang.core.models import Tag
from lianzhang.demo.generator import MIN_ENTERPRISES, SOURCE, FirmSpec, Registry, generate
from lianzhang.demo.steps import DemoContext, register_demo_step

from .models import Enterprise, InnovationPlatform, Park, Product, SupplyTie, YearlyFigure

__all__ = ["load_registry", "BATCH"]

BATCH = 2000
_CRITERIA = "链主企业（演示数据）：营业收入居全市本链首位，带动本地配套企业"


def _money(value: float | None) -> Decimal | None:
    return None if value is None else Decimal(f"{value:.2f}")


def _batches(items: Iterable[FirmSpec], size: int) -> Iterator[list[FirmSpec]]:
    it = iter(items)
    while batch := list(islice(it, size)):
        yield batch


def _node_ids(chains: dict[str, Chain]) -> dict[tuple[str, str], int]:
    """(chain code, node path) → id of the node in the chain's published map."""
    found: dict[tuple[str, str], int] = {}
    for code, chain in chains.items():
        version = chain.published_map()
        if version is None:
            continue
        rows = {pk: (parent, name) for pk, parent, name in ChainNode._base_manager.filter(
            map=version).values_list("pk", "parent_id", "name")}
        for pk in rows:
            parts, cursor = [], pk
            while cursor is not None:
                parent, name = rows[cursor]
                parts.append(name)
                cursor = parent
            found[(code, "/".join(reversed(parts)))] = pk
    return found


def _enterprise(spec: FirmSpec, towns: dict, parks: dict[str, Park]) -> Enterprise:
    return Enterprise(
        uscc=spec.uscc, name=spec.name, short_name=spec.short_name,
        established=spec.established, registered_capital=_money(spec.registered_capital),
        status=spec.status, town=towns[spec.town] if spec.town else None,
        region_name=spec.region_name, address=spec.address,
        park=parks.get(spec.park) if spec.park else None, industry_code=spec.industry_code,
        business_scope=spec.business_scope, stock_code=spec.stock_code, **spec.flags)


def _tag(firms: list[Enterprise], tag: Tag) -> None:
    """Mark new firms as demo data, audited as `tags.add()` would be, in bulk."""
    audited_bulk_m2m_add(firms, "tags", tag)


def _write_firms(registry: Registry, ctx: DemoContext, parks: dict[str, Park],
                 counts: dict[str, int]) -> dict[str, int]:
    towns, tag = ctx.objects["towns"], ctx.objects["demo_tag"]
    ids = dict(Enterprise._base_manager.exclude(uscc=None).values_list("uscc", "pk"))
    for batch in _batches(registry.iter_firms(), BATCH):
        new = [spec for spec in batch if spec.uscc not in ids]
        if not new:
            continue
        firms = audited_bulk_create(Enterprise, [_enterprise(s, towns, parks) for s in new])
        ids.update((f.uscc, f.pk) for f in firms)
        _tag(firms, tag)
        by_uscc = {f.uscc: f for f in firms}  # instances, so str(product) needs no query
        products = [Product(enterprise=by_uscc[s.uscc], name=name,
                            revenue_share=Decimal(f"{share:.4f}"))
                    for s in new for name, share in s.products]
        figures = [YearlyFigure(enterprise=by_uscc[s.uscc], year=year, output_value=_money(out),
                                revenue=_money(rev), tax=_money(tax), employees=staff,
                                rd_spend=_money(rd), exports=_money(exports), source=SOURCE)
                   for s in new for year, out, rev, tax, staff, rd, exports in s.figures]
        audited_bulk_create(Product, products)
        audited_bulk_create(YearlyFigure, figures)
        counts["enterprises"] += len(firms)
        counts["products"] += len(products)
        counts["yearly figures"] += len(figures)
    return ids


def _write_parks(registry: Registry, ctx: DemoContext, counts: dict[str, int]) -> dict[str, Park]:
    towns, chains, tag = ctx.objects["towns"], ctx.objects["chains"], ctx.objects["demo_tag"]
    parks = {p.name: p for p in Park._base_manager.filter(name__in=[s.name for s in registry.parks])}
    for spec in registry.parks:
        if spec.name in parks or spec.town not in towns:
            continue
        park = Park(name=spec.name, town=towns[spec.town], level=spec.level,
                    area_mu=Decimal(f"{spec.area_mu:.2f}"))
        park.save()
        park.tags.add(tag)
        park.chains.set([chains[c] for c in spec.chains if c in chains])
        parks[spec.name] = park
        counts["parks"] += 1
    return parks


def _write_masters(registry: Registry, ctx: DemoContext, ids: dict[str, int],
                   counts: dict[str, int]) -> None:
    chains = ctx.objects["chains"]
    have = set(ChainMaster._base_manager.values_list("chain_id", "enterprise_id"))
    for code, index in registry.masters:
        chain, firm_id = chains.get(code), ids.get(registry.uscc(index))
        if chain is None or firm_id is None or (chain.pk, firm_id) in have:
            continue
        ChainMaster(chain=chain, enterprise_id=firm_id, since=datetime.date(2021, 1, 1),
                    criteria=_CRITERIA).save()
        counts["chain masters"] += 1


def _write_ties(registry: Registry, ctx: DemoContext, ids: dict[str, int],
                counts: dict[str, int]) -> None:
    nodes = _node_ids(ctx.objects["chains"])
    have = set(SupplyTie._base_manager.values_list(
        "supplier_id", "customer_id", "node_id", "year", "product"))
    usccs = {i: registry.uscc(i) for t in registry.ties for i in (t.supplier, t.customer)}
    # instances (name only), so str(tie) in the change record needs no query
    firms = Enterprise._base_manager.only("pk", "name").in_bulk(
        sorted({ids[u] for u in usccs.values() if u in ids}))
    new = []
    for tie in registry.ties:
        supplier = ids.get(usccs[tie.supplier])
        customer = ids.get(usccs[tie.customer])
        node = nodes.get((tie.chain, tie.path))
        key = (supplier, customer, node, tie.year, tie.product)
        if supplier is None or customer is None or key in have:
            continue
        have.add(key)
        new.append(SupplyTie(supplier=firms[supplier], customer=firms[customer], node_id=node,
                             product=tie.product, year=tie.year,
                             annual_value=_money(tie.value)))
    audited_bulk_create(SupplyTie, new)
    counts["supply ties"] += len(new)


def _write_platforms(registry: Registry, ctx: DemoContext, ids: dict[str, int],
                     counts: dict[str, int]) -> None:
    towns, chains, tag = ctx.objects["towns"], ctx.objects["chains"], ctx.objects["demo_tag"]
    nodes = _node_ids({c: chains[c] for s in registry.platforms for c in s.chains
                       if c in chains})
    have = set(InnovationPlatform._base_manager.values_list("name", flat=True))
    for spec in registry.platforms:
        if spec.name in have:
            continue
        host = ids.get(registry.uscc(spec.host)) if spec.host is not None else None
        platform = InnovationPlatform(name=spec.name, level=spec.level, type=spec.type,
                                      host_id=host, town=towns.get(spec.town))
        platform.save()
        platform.tags.add(tag)
        platform.chains.set([chains[c] for c in spec.chains if c in chains])
        platform.nodes.set([nodes[k] for k in spec.nodes if k in nodes])
        counts["innovation platforms"] += 1


@register_demo_step(100, "enterprises")
def load_registry(ctx: DemoContext) -> dict[str, int]:
    """Generate the registry at the context's seed and scale and write what is missing."""
    if ctx.enterprises < MIN_ENTERPRISES:
        raise ValueError(_("The demo registry needs at least %(count)s enterprises.")
                         % {"count": MIN_ENTERPRISES})
    registry = generate(ctx.seed, ctx.enterprises)
    counts = dict.fromkeys(("parks", "enterprises", "products", "yearly figures",
                            "chain masters", "supply ties", "innovation platforms"), 0)
    parks = _write_parks(registry, ctx, counts)
    ids = _write_firms(registry, ctx, parks, counts)
    _write_masters(registry, ctx, ids, counts)
    _write_ties(registry, ctx, ids, counts)
    _write_platforms(registry, ctx, ids, counts)
    objects: dict[str, Any] = ctx.objects  # type: ignore[assignment]
    objects.update(registry=registry, registry_truth=registry.truth(), enterprise_ids=ids)
    return counts


@register_demo_step(250, "firm user")
def give_the_firm_user_its_firm(ctx: DemoContext) -> dict[str, int]:
    """The demo's enterprise user (`qiye`) speaks for one local supplier of 九龙街道's
    chain masters (after mapping, so the firm's links exist): the first by name among
    firms with supply ties, yearly figures and links. Left as it is when already set."""
    from lianzhang.users.models import RoleAssignment
    from lianzhang.users.roles import Role

    user = ctx.objects["users"].get("qiye")
    town = ctx.objects["towns"].get("九龙街道")
    assignment = RoleAssignment.objects.filter(user=user, role=Role.FIRM).first()
    if user is None or town is None or assignment is None or assignment.enterprises.exists():
        return {}
    firm = (Enterprise._base_manager.filter(town=town, supplies__isnull=False,
                                            figures__isnull=False, node_links__isnull=False)
            .exclude(master_of__isnull=False).distinct().order_by("name").first())
    if firm is None:
        return {}
    assignment.enterprises.set([firm])
    return {"firm user scopes": 1}
