"""Leads move through the stages in order: a jump over stages is refused unless the
real date of each skipped stage is given, and the funnel and cycle times then count
only the stages that happened, on their dates."""

from decimal import Decimal

import pytest
from django.urls import reverse

from lianzhang.attraction.models import Lead, LeadActivity, LeadStageChange
from lianzhang.attraction.services.leads import LeadMoveError, move
from lianzhang.attraction.services.metrics import pipeline_figures
from lianzhang.core.testing.helpers import Snapshot, client_for

from .helpers import day, make_lead


def test_it_refuses_a_jump_from_lead_to_signed_on_the_board_and_writes_nothing(world):
    lead = make_lead(world.town_a, world.chain_a, 1, total_investment=Decimal("5000"))
    client = client_for(world, "town_a")
    snap = Snapshot(Lead, LeadStageChange, LeadActivity)
    response = client.post(reverse("attraction:lead_move", args=[lead.pk]),
                           {"stage": "signed", "revision": lead.revision},
                           HTTP_ACCEPT="application/json")
    assert response.status_code == 400
    error = response.json()["error"]
    assert "不能从线索直接跳到签约" in error and "接洽、考察、洽谈" in error
    snap.assert_unchanged()
    lead.refresh_from_db()
    assert (lead.stage, lead.first_contact_on, lead.signed_on) == ("lead", None, None)
    # The lead page's form says the same, as a message, and writes nothing either.
    page = client.post(reverse("attraction:lead_move", args=[lead.pk]),
                       {"stage": "negotiation", "revision": lead.revision}, follow=True)
    assert "不能从线索直接跳到洽谈" in page.content.decode()
    snap.assert_unchanged()


def test_it_moves_one_stage_and_logs_it(world):
    lead = make_lead(world.town_a, world.chain_a, 1)
    client = client_for(world, "town_a")
    response = client.post(reverse("attraction:lead_move", args=[lead.pk]),
                           {"stage": "contact", "date": "2024-03-01",
                            "revision": lead.revision}, HTTP_ACCEPT="application/json")
    assert response.status_code == 200 and response.json()["stage"] == "contact"
    lead.refresh_from_db()
    assert (lead.stage, lead.first_contact_on) == ("contact", day(3, 1))
    assert list(lead.stage_changes.values_list("from_stage", "to_stage", "date")) == [
        ("lead", "contact", day(3, 1))]


def test_it_records_skipped_stages_on_their_real_dates_and_counts_only_those(world):
    lead = make_lead(world.town_a, world.chain_a, 1, total_investment=Decimal("5000"))
    client = client_for(world, "town_a")
    response = client.post(reverse("attraction:lead_move", args=[lead.pk]), {
        "stage": "signed", "date": "2024-04-20", "revision": lead.revision,
        "date_contact": "2024-03-01", "date_visit": "2024-03-10",
        "date_negotiation": "2024-04-01"}, HTTP_ACCEPT="application/json")
    assert response.status_code == 200, response.content
    lead.refresh_from_db()
    assert (lead.stage, lead.first_contact_on, lead.signed_on) == ("signed", day(3, 1),
                                                                   day(4, 20))
    assert list(lead.stage_changes.values_list("to_stage", "date")) == [
        ("contact", day(3, 1)), ("visit", day(3, 10)), ("negotiation", day(4, 1)),
        ("signed", day(4, 20))]
    cycle = pipeline_figures(Lead.objects.filter(pk=lead.pk))["cycle"]
    assert cycle.days == (50,)  # 03-01 → 04-20, not a 0-day entry stamped on the jump day


def test_it_refuses_skipped_dates_out_of_order_and_writes_nothing(world):
    lead = make_lead(world.town_a, world.chain_a, 1)
    move(lead, "contact", on=day(3, 1))
    snap = Snapshot(Lead, LeadStageChange)
    with pytest.raises(LeadMoveError) as refused:
        move(lead, "negotiation", on=day(3, 10), skipped={"visit": day(3, 20)})
    assert "顺序" in refused.value.messages[0] and "考察" in refused.value.messages[0]
    with pytest.raises(LeadMoveError, match="考察"):
        move(lead, "negotiation", on=day(3, 10), skipped={"visit": day(2, 20)})
    snap.assert_unchanged()
    assert Lead.objects.get(pk=lead.pk).stage == "contact"
