"""The pipeline board in a real browser: drag and drop moves leads, the server's rules
hold, and a refused or cancelled move changes nothing."""

from decimal import Decimal

import pytest

from lianzhang.attraction.models import Lead, LeadStageChange
from lianzhang.core.testing.browser import log_in

from .helpers import make_lead

pytestmark = pytest.mark.django_db(transaction=True)


def _drag(page, lead, stage, answer=None):
    """Drag the lead's card onto a column; answer (or dismiss, with "") any prompt."""
    if answer is not None:
        page.once("dialog", lambda d: d.accept(answer) if answer else d.dismiss())
    page.drag_and_drop(f".lz-card[data-lead='{lead.pk}']", f".lz-col[data-stage='{stage}']")


def test_it_moves_leads_by_drag_and_drop_under_the_servers_rules(world, browser_page,
                                                                 live_server):
    lead = make_lead(world.town_a, world.chain_a, 1)
    page = browser_page
    page.set_viewport_size({"width": 2400, "height": 900})  # every column on screen
    log_in(page, live_server, "admin")
    page.goto(f"{live_server.url}/attraction/pipeline/")
    card = f".lz-card[data-lead='{lead.pk}']"

    _drag(page, lead, "contact")
    page.wait_for_selector(f".lz-col[data-stage='contact'] {card}")
    assert Lead.objects.get(pk=lead.pk).stage == "contact"

    _drag(page, lead, "signed", answer="0")  # refused by the server: amount must be > 0
    error = page.locator("#lz-board-error")
    error.wait_for()
    assert "大于" in error.inner_text() or "greater" in error.inner_text()
    assert page.locator(f".lz-col[data-stage='contact'] {card}").count() == 1
    assert Lead.objects.get(pk=lead.pk).stage == "contact"
    assert LeadStageChange.objects.filter(lead=lead, to_stage="signed").count() == 0

    _drag(page, lead, "signed", answer="5000")
    page.wait_for_selector(f".lz-col[data-stage='signed'] {card}")
    signed = Lead.objects.get(pk=lead.pk)
    assert (signed.stage, signed.total_investment) == ("signed", Decimal("5000"))
    assert error.is_hidden()

    _drag(page, lead, "contact", answer="")  # moving back asks for a reason; cancelled
    page.wait_for_timeout(500)
    assert Lead.objects.get(pk=lead.pk).stage == "signed"
    assert page.locator(f".lz-col[data-stage='signed'] {card}").count() == 1
