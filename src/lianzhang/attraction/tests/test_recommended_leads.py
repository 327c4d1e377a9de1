"""A lead made from a recommendation takes its gap type and node from the
recommendation's node, and the form names the recommendation instead of its id."""

import re

from django.urls import reverse

from lianzhang.attraction.models import Lead, Recommendation
from lianzhang.core.testing.helpers import client_for
from lianzhang.dashboards.tests.conftest import build_chain_world

from .helpers import outside_firm


def _recommendation(node, n):
    firm = outside_firm(n, products=(node.name,))
    return Recommendation.objects.create(node=node, enterprise=firm, rank=1, score=0.9,
                                         is_current=True)


def test_it_takes_the_gap_type_from_a_weak_node_and_hides_the_raw_id(world):
    cw = build_chain_world(world)
    weak, missing = cw["nodes"]["显示面板"], cw["nodes"]["压缩机"]
    client = client_for(world, "town_a")
    rec = _recommendation(weak, 1)
    url = reverse("attraction:lead_from_recommendation", args=[rec.pk])
    page = client.get(url)
    form = page.context["form"]
    assert (form.initial["gap_kind"], form.initial["node"]) == ("weak", weak.pk)
    html = page.content.decode()
    assert f'<input type="hidden" name="recommendation" value="{rec.pk}"' in html
    assert not re.search(r'<input type="text" name="recommendation"', html)
    assert rec.get_absolute_url() in html and rec.enterprise.name in html
    data = {k: v for k, v in form.initial.items() if v is not None}
    response = client.post(url, data | {"summary": "液晶屏配套项目", "town": world.town_a.pk})
    assert response.status_code == 302, response.context["form"].errors
    lead = Lead.objects.get()
    assert (lead.gap_kind, lead.node, lead.recommendation) == ("weak", weak, rec)
    other = client.get(reverse("attraction:lead_from_recommendation",
                               args=[_recommendation(missing, 2).pk]))
    assert other.context["form"].initial["gap_kind"] == "missing"
