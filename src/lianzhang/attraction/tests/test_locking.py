"""A lead moved on a stale kanban board or lead page: the move is refused (409 for
the board's script) with who changed the lead and a link; nothing is written."""

from django.urls import reverse

from lianzhang.attraction.models import Lead, LeadStageChange
from lianzhang.core.models import ObjectChange
from lianzhang.core.testing.helpers import Snapshot, client_for, requires_zh_catalogue

from .helpers import make_lead

pytestmark = requires_zh_catalogue


def test_it_refuses_a_move_from_a_stale_board_card(world):
    lead = make_lead(world.town_a, world.chain_a, 1)
    client = client_for(world, "town_a")
    board = client.get(reverse("attraction:kanban")).content.decode()
    assert f'data-revision="{lead.revision}"' in board
    shown = lead.revision
    other = Lead.objects.get(pk=lead.pk)
    other.summary = "对方已改为扩产项目"
    other.save()
    snapshot = Snapshot(Lead, LeadStageChange)
    url = reverse("attraction:lead_move", args=[lead.pk])
    response = client.post(url, {"stage": "contact", "revision": shown},
                           HTTP_ACCEPT="application/json")
    assert response.status_code == 409 and "线索未移动" in response.json()["error"]
    snapshot.assert_unchanged()
    response = client.post(url, {"stage": "contact", "revision": shown}, follow=True)
    change = ObjectChange.objects.for_object(other).first()
    text = " ".join(str(m) for m in response.context["messages"])
    assert reverse("core:change", args=[change.pk]) in text
    snapshot.assert_unchanged()
    moved = client.post(url, {"stage": "contact", "revision": other.revision},
                        HTTP_ACCEPT="application/json")
    assert moved.status_code == 200 and moved.json()["revision"] == other.revision + 1
    assert Lead.objects.get(pk=lead.pk).stage == "contact"
