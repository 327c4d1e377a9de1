"""The review queue in a real browser: keyboard shortcuts accept and reject links."""

import pytest

from lianzhang.core.testing.browser import log_in
from lianzhang.mapping.choices import LinkStatus
from lianzhang.mapping.models import MappingRun, NodeLink
from lianzhang.mapping.services import run_mapping

pytestmark = pytest.mark.django_db(transaction=True)


def test_it_accepts_and_rejects_with_keyboard_shortcuts(world, mapped, browser_page,
                                                        live_server):
    run_mapping(MappingRun.objects.create(chain=world.chain_a, full=True, tau_high=1.01))
    queued = set(NodeLink.objects.filter(status=LinkStatus.REVIEW).values_list("pk", flat=True))
    assert len(queued) >= 3
    page = browser_page
    log_in(page, live_server, "admin")
    page.goto(f"{live_server.url}/mapping/review/?chain={world.chain_a.pk}")
    rows = page.locator(".lz-row .lz-pick")
    second = int(rows.nth(1).get_attribute("value"))
    with page.expect_navigation():
        page.keyboard.press("j")  # move to the second row
        page.keyboard.press("a")  # accept it
    assert NodeLink.objects.get(pk=second).status == LinkStatus.CONFIRMED
    first = int(page.locator(".lz-row .lz-pick").first.get_attribute("value"))
    with page.expect_navigation():
        page.keyboard.press("r")  # reject the (new) first row
    assert NodeLink.objects.get(pk=first).status == LinkStatus.REJECTED
    untouched = queued - {first, second}
    assert set(NodeLink.objects.filter(pk__in=untouched).values_list("status", flat=True)) == {
        LinkStatus.REVIEW}
    shown = {int(v) for v in page.locator(".lz-row .lz-pick").evaluate_all(
        "boxes => boxes.map(b => b.value)")}
    assert shown == untouched  # reviewed links leave the queue


def test_it_starts_a_mapping_run_from_the_ui_and_shows_its_progress(world, mapped, browser_page,
                                                                    live_server):
    page = browser_page
    log_in(page, live_server, "admin")
    page.goto(f"{live_server.url}/mapping/mappingruns/add/")
    page.check("input[name=full]")
    page.click("button.btn-primary[type=submit]")
    page.wait_for_url("**/mapping/mappingruns/*/")
    bar = page.locator("#job-progress .progress-bar")
    bar.wait_for()
    # The test backend runs the job inside the request, so the bar is already full.
    assert bar.inner_text().strip() == "100%"
    assert "已完成" in page.locator("#job-progress").inner_text()
    run = MappingRun.objects.get()
    assert run.status == "completed" and run.stats["mapped"] == 4
    assert "范围内企业" in page.locator("[data-run-stats]").inner_text()
    assert NodeLink.objects.filter(enterprise__name="青岛海岳压缩机有限公司").exists()
