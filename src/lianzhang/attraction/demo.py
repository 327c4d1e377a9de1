"""Demo step (order 400): targeted attraction for 智能家电's missing 压缩机 parts.

The registry step (100) creates outside compressor makers; this step ranks them for
the 冰箱压缩机 and 空调压缩机 leaves, turns the best into 九龙街道's leads, moves them
through the stages (one signed 55 days after first contact and converted into a
project), and records events — including the city's reported exhibition aggregate
(DESIGN §5: 538 projects, 2,679亿 intended) as an event note. Deterministic (fixed
dates, engine ranking with id tie-breaks), idempotent (nothing is made when the demo
leads exist), audited (ordinary saves and the stage service)."""

from __future__ import annotations

import datetime
from decimal import Decimal
from typing import Any

from lianzhang.demo.steps import DemoContext, register_demo_step

__all__ = ["load_attraction", "DEMO_NOTE"]

DEMO_NOTE = "演示数据"
D = datetime.date

# (leaf, rank in its list, stage plan [(stage, date, reason)], investment 万元, summary)
PLANS: list[tuple[str, int, list[tuple[str, datetime.date, str]], int, str]] = [
    ("冰箱压缩机", 1, [("contact", D(2025, 3, 3), ""), ("visit", D(2025, 3, 20), ""),
                   ("negotiation", D(2025, 4, 10), ""), ("signed", D(2025, 4, 27), "")],
     100000, "年产600万台高效变频冰箱压缩机生产基地"),
    ("冰箱压缩机", 2, [("contact", D(2025, 4, 8), ""), ("visit", D(2025, 5, 12), ""),
                   ("negotiation", D(2025, 6, 18), "")], 45000, "冰箱压缩机华北配套工厂"),
    ("冰箱压缩机", 3, [("contact", D(2025, 5, 6), ""),
                   ("on_hold", D(2025, 6, 30), "企业产能规划调整，暂缓异地建厂")],
     30000, "冰箱压缩机零部件及总装项目"),
    ("冰箱压缩机", 4, [], 0, "冰箱压缩机配套项目（待接洽）"),
    ("空调压缩机", 1, [("contact", D(2025, 5, 20), ""), ("visit", D(2025, 6, 25), "")],
     80000, "转子式空调压缩机生产线"),
    ("空调压缩机", 2, [("contact", D(2025, 3, 15), ""),
                   ("dropped", D(2025, 5, 9), "企业已在长三角选址，无意向在胶州投资")],
     60000, "涡旋压缩机项目"),
]


def _leaves(chain: Any) -> dict[str, Any]:
    version = chain.published_map()
    if version is None:
        return {}
    nodes = {n.name: n for n in version.nodes.filter(parent__name="压缩机")}
    return {name: node for name, node in nodes.items() if not node.children.exists()}


def _lead(ctx: DemoContext, rec: Any, plan: tuple, town: Any, owner: Any) -> Any:
    from .models import Lead, LeadActivity
    from .services.leads import move

    _leaf, _rank, steps, investment, summary = plan
    lead = Lead(enterprise=rec.enterprise, chain=rec.node.map.chain, node=rec.node,
                recommendation=rec, town=town, owner=owner, source="recommendation",
                gap_kind="missing", summary=summary, description=DEMO_NOTE,
                total_investment=Decimal(investment) if investment else None,
                fixed_investment=Decimal(investment * 8 // 10) if investment else None,
                land_mu=Decimal(investment // 500) if investment else None,
                expected_output=Decimal(investment * 2) if investment else None,
                site_requirements="工业用地，临近九龙街道家电配套产业园",
                coordination="用地指标、双回路供电")
    lead.save()
    if ctx.objects.get("demo_tag") is not None:
        lead.tags.add(ctx.objects["demo_tag"])
    for stage, when, reason in steps:
        move(lead, stage, owner, reason=reason, on=when)
        kind = "visit" if stage in ("visit", "negotiation") else "call"
        LeadActivity(lead=lead, kind=kind, date=when, user=owner,
                     notes=f"{lead.enterprise.name}：{summary}（演示数据）").save()
    return lead


def _events(ctx: DemoContext, chain: Any, town: Any, signed: Any, others: list[Any]) -> int:
    from .models import Event, EventLead

    specs = [
        ("智能家电产业链招商推介会（宁波）", "promotion", D(2025, 4, 27), "宁波", "胶州市投资促进中心",
         town, None, None, [(signed, True)] + [(lead, False) for lead in others[:1]]),
        ("九龙街道智能家电产业路演", "roadshow", D(2025, 6, 12), "九龙街道", "九龙街道办事处",
         town, None, None, [(lead, False) for lead in others[1:3]]),
        ("青岛市重点展会集中签约（2023年汇总）", "exhibition", D(2023, 12, 31), "青岛",
         "青岛市贸促会", None, 538, Decimal("2679"), []),
    ]
    made = 0
    for name, kind, date, place, organiser, where, projects, amount, links in specs:
        event = Event(name=name, kind=kind, date=date, place=place, organiser=organiser,
                      town=where, reported_projects=projects, reported_amount=amount,
                      description=DEMO_NOTE)
        event.save()
        event.chains.set([chain])
        if ctx.objects.get("demo_tag") is not None:
            event.tags.add(ctx.objects["demo_tag"])
        for lead, was_signed in links:
            if lead is not None:
                EventLead(event=event, lead=lead, signed=was_signed).save()
        made += 1
    return made


@register_demo_step(400, "attraction")
def load_attraction(ctx: DemoContext) -> dict[str, int]:
    """Recommendations, leads through their stages, one project and events."""
    from .models import Lead
    from .services.lineage import convert_to_project
    from .services.recommend import refresh_node

    chain = ctx.objects["chains"].get("smart-appliance")
    town = ctx.objects["towns"].get("九龙街道")
    owner = ctx.objects["users"].get("jiulong")
    if chain is None or town is None:
        return {}
    if Lead.objects.filter(chain=chain, description=DEMO_NOTE).exists():
        return {"leads": 0}  # already loaded: a re-run changes nothing
    leaves = _leaves(chain)
    ranked = {name: refresh_node(node) for name, node in leaves.items()}
    leads: list[Any] = []
    for plan in PLANS:
        recs = ranked.get(plan[0], [])
        if len(recs) >= plan[1]:  # fewer outside makers in the pool: fewer leads
            leads.append(_lead(ctx, recs[plan[1] - 1], plan, town, owner))
    projects = 0
    signed = next((lead for lead in leads if lead.stage == "signed"), None)
    if signed is not None:
        convert_to_project(signed, owner)
        projects = 1
    events = _events(ctx, chain, town, signed, [x for x in leads if x is not signed])
    return {"recommendations": sum(len(v) for v in ranked.values()), "leads": len(leads),
            "projects from leads": projects, "events": events}
