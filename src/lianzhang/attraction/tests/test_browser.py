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

    _drag(page, lead, "signed", answer="5000")  # a jump over 考察 and 洽谈: refused
    error = page.locator("#lz-board-error")
    error.wait_for()
    assert "不能从接洽直接跳到签约" in error.inner_text()
    assert page.locator(f".lz-col[data-stage='contact'] {card}").count() == 1
    assert Lead.objects.get(pk=lead.pk).stage == "contact"
    assert LeadStageChange.objects.filter(lead=lead).exclude(to_stage="contact").count() == 0

    for stage in ("visit", "negotiation"):  # one stage at a time
        _drag(page, lead, stage)
        page.wait_for_selector(f".lz-col[data-stage='{stage}'] {card}")
    _drag(page, lead, "signed", answer="0")  # refused by the server: amount must be > 0
    page.wait_for_function("""() => /大于|greater/.test(
        document.querySelector("#lz-board-error").innerText)""", timeout=5000)
    assert page.locator(f".lz-col[data-stage='negotiation'] {card}").count() == 1
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


def test_it_scrolls_the_board_to_reach_a_column_off_screen(world, browser_page, live_server):
    lead = make_lead(world.town_a, world.chain_a, 1)
    page = browser_page
    page.set_viewport_size({"width": 900, "height": 800})  # a normal screen: 3 columns
    log_in(page, live_server, "admin")
    page.goto(f"{live_server.url}/attraction/pipeline/")
    target = page.locator(".lz-col[data-stage='dropped']")
    assert target.bounding_box()["x"] > 900  # off screen to the right
    card = page.locator(f".lz-card[data-lead='{lead.pk}']").bounding_box()
    board = page.locator("[data-board]").bounding_box()
    page.once("dialog", lambda d: d.accept("企业决定不再投资"))
    page.mouse.move(card["x"] + 20, card["y"] + 10)
    page.mouse.down()
    # Hold the card at the board's right edge. A real browser keeps firing dragover
    # while the pointer rests; Playwright fires one now and then as the mouse moves,
    # so wiggle it by a pixel. Once the board starts scrolling it goes on by itself.
    edge = board["x"] + board["width"] - 20
    scrolled = "document.querySelector(\"[data-board]\").scrollLeft"
    for step in range(100):
        page.mouse.move(edge - step % 2, board["y"] + 60)
        if page.evaluate(scrolled) > 0:
            break
    page.wait_for_function("""() => document.querySelector(".lz-col[data-stage='dropped']")
        .getBoundingClientRect().right < 900""", timeout=5000)
    box = target.bounding_box()
    page.mouse.move(box["x"] + box["width"] / 2, box["y"] + 60)
    page.mouse.up()
    page.wait_for_selector(f".lz-col[data-stage='dropped'] .lz-card[data-lead='{lead.pk}']")
    assert Lead.objects.get(pk=lead.pk).stage == "dropped"
