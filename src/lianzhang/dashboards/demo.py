"""Demo step: key matters (重点事项) and gap needs (重点短板需求) of the two chains the
public reports describe (DESIGN §5), so the six lists are not empty on the first
`make run`. The wording is synthetic (demo data); the parts named are the reported gaps."""

from __future__ import annotations

from datetime import date

from lianzhang.chains.models import Chain
from lianzhang.demo.steps import DemoContext, register_demo_step

from .choices import ItemStatus, NeedKind
from .models import GapNeed, KeyMatter

__all__ = ["load_lists"]

# (chain code, title, responsible unit, due, status)
MATTERS = [
    ("smart-appliance", "九龙街道智能家电千亿级集群建设方案（2027）", "九龙街道、市工业和信息化局",
     date(2027, 12, 31), ItemStatus.IN_PROGRESS),
    ("smart-appliance", "核心零部件本地配套率 2025 年达到 50%", "智能家电产业链工作专班",
     date(2025, 12, 31), ItemStatus.IN_PROGRESS),
    ("smart-appliance", "冰箱压缩机、空调电机等 10 类零部件靶向招引", "市投资促进局",
     date(2025, 6, 30), ItemStatus.OPEN),
    ("smart-manufacturing-equipment", "数控机床关键功能部件补链：滚珠丝杠、数控刀架、转台、主轴",
     "阜安街道、智能制造装备产业链工作专班", date(2025, 12, 31), ItemStatus.OPEN),
]
# (chain code, node name or "", kind, title, responsible unit)
NEEDS = [
    ("smart-appliance", "冰箱压缩机", NeedKind.TECHNOLOGY, "变频压缩机电机与控制技术攻关",
     "市科学技术局"),
    ("smart-appliance", "控制芯片", NeedKind.TALENT, "家电主控芯片设计与嵌入式软件人才",
     "市人力资源和社会保障局"),
    ("smart-appliance", "液晶面板", NeedKind.FINANCE, "显示面板配套项目固定资产投资融资",
     "市地方金融监督管理局"),
    ("smart-appliance", "", NeedKind.POLICY, "链主企业本地采购奖励政策", "市工业和信息化局"),
    ("smart-manufacturing-equipment", "滚珠丝杠", NeedKind.TECHNOLOGY, "高精度滚珠丝杠磨削工艺",
     "市科学技术局"),
    ("smart-manufacturing-equipment", "主轴", NeedKind.FINANCE, "电主轴产线技术改造贷款贴息",
     "市地方金融监督管理局"),
]


@register_demo_step(400, "six lists")
def load_lists(ctx: DemoContext) -> dict[str, int]:
    """Create the key matters and gap needs that are not there yet (safe to repeat)."""
    chains = {c.code: c for c in Chain.objects.filter(
        code__in={m[0] for m in MATTERS} | {n[0] for n in NEEDS})}
    matters = needs = 0
    for code, title, unit, due, status in MATTERS:
        if code in chains and not KeyMatter.objects.filter(chain=chains[code],
                                                           title=title).exists():
            KeyMatter.objects.create(chain=chains[code], title=title, owner_unit=unit, due=due,
                                     status=status, description="演示数据")
            matters += 1
    for code, node_name, kind, title, unit in NEEDS:
        chain = chains.get(code)
        if chain is None or GapNeed.objects.filter(chain=chain, title=title).exists():
            continue
        version = chain.published_map()
        node = version.nodes.filter(name=node_name).first() if version and node_name else None
        GapNeed.objects.create(chain=chain, node=node, kind=kind, title=title, owner_unit=unit,
                               description="演示数据")
        needs += 1
    return {"key matters": matters, "gap needs": needs}
