"""The demo city's attraction data (issue 7 "Done when"): 智能家电's missing 压缩机
parts list outside compressor makers with reasons, a recommended lead went through the
stages and became a project, events hold the signing; a second load adds nothing."""

from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.test import Client
from django.urls import reverse

from lianzhang.attraction.demo import DEMO_NOTE
from lianzhang.attraction.models import Event, Lead, Recommendation
from lianzhang.core.models import ObjectChange
from lianzhang.projects.models import Project


def test_it_loads_the_compressor_line_on_the_demo_city(db):
    call_command("load_demo", "--enterprises", "300", stdout=open("/dev/null", "w"))
    recs = Recommendation.objects.filter(node__name="冰箱压缩机", node__parent__name="压缩机",
                                         node__map__chain__code="smart-appliance",
                                         is_current=True).select_related("enterprise")
    assert recs.count() >= 2
    for rec in recs:
        assert rec.enterprise.town_id is None
        assert any("压缩机" in m["product"] for m in rec.matched)
        assert rec.factors["product_match"]["contribution"] > 0
    leads = Lead.objects.filter(description=DEMO_NOTE)
    assert leads.filter(recommendation__isnull=False).count() == leads.count() >= 2
    signed = leads.get(stage="signed")
    assert (signed.signed_on - signed.first_contact_on).days == 55
    project = Project.objects.get(lead=signed)
    assert project.stage == "signed" and project.investor == signed.enterprise
    expo = Event.objects.get(reported_projects=538)
    assert expo.reported_amount == 2679 and expo.kind == "exhibition"
    assert Event.objects.get(event_leads__lead=signed, event_leads__signed=True)
    client = Client()
    client.force_login(get_user_model().objects.get(username="mishu"))
    page = client.get(reverse(
        "attraction:node_recommendations", args=[recs[0].node_id])).content.decode()
    assert recs[0].enterprise.name in page
    audit = ObjectChange.objects.count()
    call_command("load_demo", "--enterprises", "300", stdout=open("/dev/null", "w"))
    assert ObjectChange.objects.count() == audit and leads.count() == Lead.objects.filter(
        description=DEMO_NOTE).count()
