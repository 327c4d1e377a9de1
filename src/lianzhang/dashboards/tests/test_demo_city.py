"""Issue 5's "done when" on the demo city: masters, missing and weak core parts, the
supporting rate with its definition, 九龙街道's LQ, the 智能制造装备 gaps, and the
figures against an independent SQL computation."""

import pytest
from django.core.management import call_command
from django.test import Client
from django.urls import reverse

from lianzhang.chains.models import Chain
from lianzhang.dashboards.data import chain_summary, figure_year, town_lqs
from lianzhang.enterprises.models import Enterprise
from lianzhang.regions.models import Region

from .test_chain_figures import _sql_figures


@pytest.mark.slow
def test_it_shows_the_demo_city_as_design_describes(db):
    call_command("load_demo", verbosity=0)
    appliance = Chain.objects.get(code="smart-appliance")
    figures = chain_summary(appliance)["figures"]
    masters = set(Enterprise.objects.filter(pk__in=figures["masters"]).values_list("name",
                                                                                  flat=True))
    assert {"海尔智家股份有限公司", "海信家电集团股份有限公司", "澳柯玛股份有限公司"} <= masters
    status = {g["name"]: g for g in figures["gaps"]["nodes"]}
    missing = {n for n, g in status.items() if g["status"] == "缺链" and g["is_core"]}
    weak = {n for n, g in status.items() if g["status"] == "短板" and g["is_core"]}
    assert any("压缩机" in n for n in missing)
    assert any("电机" in n or "芯片" in n or "面板" in n for n in weak)
    assert figures["supporting_kind"] == "value" and 0 < figures["supporting_rate"] < 0.5
    completeness, rate = _sql_figures(appliance.pk, figure_year())
    assert figures["completeness"] == pytest.approx(completeness)
    assert figures["supporting_rate"] == pytest.approx(rate)

    lqs = [i for i in town_lqs().for_chain(appliance.pk) if i.lq is not None]
    best = max(lqs, key=lambda i: i.lq)
    assert Region.objects.get(pk=best.town_id).name == "九龙街道"

    machines = chain_summary(Chain.objects.get(code="smart-manufacturing-equipment"))["figures"]
    gaps = {g["name"] for g in machines["gaps"]["nodes"] if g["status"] == "缺链"}
    for part in ("滚珠丝杠", "数控刀架", "主轴"):
        assert part in gaps
    assert any("转台" in name for name in gaps)

    client = Client()
    client.post(reverse("login"), {"username": "lianzhang", "password": "Lianzhang@2026"})
    page = client.get(reverse("dashboards:chain", args=[appliance.pk])).content.decode()
    assert "海尔" in page and "data-supporting-kind=\"value\"" in page
    # The six lists are filled on the demo: key matters and the 短板需求 by kind.
    lists = client.get(reverse("dashboards:chain", args=[appliance.pk]) + "?tab=lists"
                       ).content.decode()
    assert "千亿级集群" in lists and "变频压缩机电机与控制技术攻关" in lists
    assert "链主企业本地采购奖励政策" in lists
