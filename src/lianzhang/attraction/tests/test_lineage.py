"""The closed loop (issue 7 "Done when"): a lead created from a recommendation goes
through the stages, becomes a project, and chain → node → lead → project is
queryable; the funnel and cycle times agree with an independent computation."""

import statistics
from decimal import Decimal

import pytest
from django.urls import reverse

from lianzhang.attraction.models import Lead
from lianzhang.attraction.services.leads import move
from lianzhang.attraction.services.lineage import ConversionRefused, convert_to_project
from lianzhang.attraction.services.metrics import pipeline_figures
from lianzhang.attraction.services.recommend import refresh_node
from lianzhang.core.testing.helpers import Snapshot, client_for
from lianzhang.projects.models import Project

from .helpers import day, leaf, make_lead, outside_firm


def test_it_turns_a_recommended_lead_into_a_project_and_keeps_the_line(world):
    node = leaf(world.chain_a)
    outside_firm(1, name="杭州钱江压缩机股份有限公司")
    rec = refresh_node(node)[0]
    officer = world.user("town_a")
    lead = Lead.objects.create(enterprise=rec.enterprise, chain=world.chain_a, node=node,
                               recommendation=rec, town=world.town_a, owner=officer,
                               summary="年产300万台冰箱压缩机", fixed_investment=Decimal("60000"),
                               expected_output=Decimal("150000"))
    with pytest.raises(ConversionRefused, match="签约"):
        convert_to_project(lead)
    for stage, when in (("contact", day(1, 8)), ("visit", day(1, 20)),
                        ("negotiation", day(2, 5))):
        move(lead, stage, officer, on=when)
    move(lead, "signed", officer, on=day(3, 3), investment=Decimal("80000"))
    client = client_for(world, "secretariat")
    response = client.post(reverse("attraction:lead_convert", args=[lead.pk]))
    assert response.status_code == 302
    lead.refresh_from_db()
    project = lead.project
    assert (project.investor, project.chain, project.town, project.total_investment,
            project.fixed_asset_investment, project.stage) == (
        rec.enterprise, world.chain_a, world.town_a, Decimal("80000"), Decimal("60000"),
        "signed")
    assert list(project.nodes.all()) == [node] and project.first_contact == day(1, 8)
    assert project.lead == lead and project.source_ref == f"attraction.lead:{lead.pk}"
    line = Project.objects.filter(lead__node__map__chain=world.chain_a,
                                  lead__node=node, lead__recommendation=rec)
    assert list(line) == [project]
    snap = Snapshot(Project)
    with pytest.raises(ConversionRefused, match=project.code):
        convert_to_project(lead)
    snap.assert_unchanged()
    page = client.get(lead.get_absolute_url()).content.decode()
    assert "data-project" in page and project.code in page
    move(lead, "landed", officer, on=day(9, 1))
    assert Lead.objects.get(pk=lead.pk).stage == "landed"
    roadmap = client.get(reverse("attraction:roadmap", args=[world.chain_a.pk]))
    text = roadmap.content.decode()
    assert "data-roadmap" in text and "杭州钱江压缩机股份有限公司" in text
    assert "落地 1" in text and "签约 1" in text  # the lead by stage, the project by stage


def test_it_agrees_with_an_independent_funnel_and_cycle_computation(world):
    alice, bob = world.user("town_a"), world.user("secretariat")
    plans = [  # (owner, chain, town, [(stage, date)])
        (alice, world.chain_a, world.town_a, [("contact", day(1, 3)), ("visit", day(1, 9)),
                                              ("negotiation", day(2, 1)), ("signed", day(2, 27))]),
        (alice, world.chain_a, world.town_a, [("contact", day(1, 6)), ("visit", day(2, 1)),
                                              ("negotiation", day(3, 1)), ("signed", day(3, 16)),
                                              ("landed", day(5, 1))]),
        (alice, world.chain_b, world.town_a, [("contact", day(2, 2)), ("visit", day(2, 20))]),
        (bob, world.chain_a, world.town_b, [("contact", day(2, 3)), ("dropped", day(2, 9))]),
        (bob, world.chain_b, world.town_b, [("on_hold", day(3, 1))]),
        (bob, world.chain_b, world.town_b, [("contact", day(3, 20)), ("visit", day(3, 25)),
                                            ("negotiation", day(3, 28)), ("signed", day(3, 31))]),
        (bob, world.chain_a, world.town_b, []),
    ]
    for n, (owner, chain, town, steps) in enumerate(plans, start=1):
        lead = make_lead(town, chain, n, owner=owner, total_investment=Decimal("1000"))
        for stage, when in steps:
            move(lead, stage, owner, on=when, reason="测试" if stage in (
                "dropped", "on_hold") else "")
    figures = pipeline_figures(Lead.objects.all())
    order = ["lead", "contact", "visit", "negotiation", "signed", "landed"]
    # Independent: a lead reached every stage up to the furthest live stage it entered.
    expected = dict.fromkeys(order, 0)
    days = []
    for _owner, _chain, _town, steps in plans:
        live = [order.index(s) for s, _d in steps if s in order]
        for stage in order[:max(live, default=0) + 1]:
            expected[stage] += 1
        dates = dict(steps)
        if "signed" in dates:
            contact = dates.get("contact") or dates["signed"]
            days.append((dates["signed"] - contact).days)
    assert figures["funnel"].counts == expected
    assert expected == {"lead": 7, "contact": 5, "visit": 4, "negotiation": 3, "signed": 3,
                        "landed": 1}
    assert figures["funnel"].conversions["signed"] == pytest.approx(3 / 3)
    assert figures["funnel"].overall == pytest.approx(3 / 7)
    assert figures["cycle"].days == tuple(sorted(days)) == (11, 55, 70)
    assert figures["cycle"].median == statistics.median(days)
    officer = {name: f for name, (f, _c) in figures["by_officer"].items()}
    assert officer[str(alice)].counts["signed"] == 2 and officer[str(bob)].counts["lead"] == 4
    chain = {name: c for name, (_f, c) in figures["by_chain"].items()}
    assert chain[world.chain_a.name].days == (55, 70) and chain[world.chain_b.name].days == (11,)
    page = client_for(world, "secretariat").get(reverse("attraction:funnel")).content.decode()
    assert "data-funnel" in page and 'data-by="officer"' in page
    assert "vendor/echarts/echarts.min.js" in page
