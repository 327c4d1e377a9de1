"""Markup planted in names never runs. A chain node, a firm, a project and a lead (and the
chain and town they belong to) carry script payloads; every page that shows those names,
through charts, tooltips, htmx panels or plain tables, is visited and hovered, and the
test checks that nothing ran, that no planted element reached the DOM and that the names
read literally.

The Content-Security-Policy is switched to report-only here: what is proved is the
escaping itself, not the policy catching a mistake. Any violation the pages would cause
is still recorded and must be none."""

import pytest
from django.urls import reverse
from playwright.sync_api import TimeoutError as PlaywrightTimeout

from lianzhang.core.testing.browser import log_in

from .browser_world import Names, seed, violations, watch_violations

pytestmark = pytest.mark.django_db(transaction=True)

IMG = '<img src=x onerror="window.__xss=1">'
SCRIPT = "<script>window.__xss=1</script>"
SVG = "\"'><svg onload=window.__xss=1>"
ALL = IMG + SCRIPT + SVG
NAMES = Names(chain="家电" + ALL, town="九龙" + ALL,
              node="电机" + IMG + SVG,  # a node name cannot hold "/", so no </script>
              firm="甲电机" + ALL, project="项目" + ALL, lead_firm="宁波" + ALL,
              lead="线索" + ALL)

# Elements or handlers only the payloads could have put on the page.
PLANTED = """() => document.querySelectorAll(
  'img[src="x"], [onerror], [onload], script:not([src]):not([type="application/json"])').length"""

# Centres of a chart's drawn items (whose name contains `needle`, or all), in the chart
# element's pixels, read from ECharts' own layout so the mouse goes where a person's would.
ITEMS = """([id, needle]) => {
  const chart = echarts.getInstanceByDom(document.getElementById(id));
  const data = chart.getModel().getSeriesByIndex(0).getData(), out = [];
  for (let i = 0; i < data.count(); i++) {
    const el = data.getItemGraphicEl(i);
    if (!el || (needle && !String(data.getName(i)).includes(needle))) continue;
    const r = el.getBoundingRect().clone();
    r.applyTransform(el.getComputedTransform());
    out.push([Math.round(r.x + r.width / 2), Math.round(r.y + r.height / 2)]);
  }
  return out;
}"""


def _chart_items(page, chart_id, needle=""):
    """Item centres once the chart's entry animation has settled."""
    page.wait_for_function(f"() => window.echarts && echarts.getInstanceByDom("
                           f"document.getElementById('{chart_id}'))")
    page.locator(f"#{chart_id}").scroll_into_view_if_needed()
    before = None
    for _attempt in range(20):
        items = page.evaluate(ITEMS, [chart_id, needle])
        if items and items == before:
            return items
        before = items
        page.wait_for_timeout(150)
    raise AssertionError(f"{chart_id}: no settled chart items named {needle!r}")


def _hover(page, chart_id, needle="", expect=""):
    """Hover over the chart's items (those named with `needle`, or the first few); returns
    the tooltip texts seen, after checking no tooltip ran or planted anything."""
    items = _chart_items(page, chart_id, needle)[:6]
    box = page.locator(f"#{chart_id}").bounding_box()
    tooltip = page.locator(f"#{chart_id} .lz-chart-tooltip")
    texts = []
    for x, y in items:
        page.mouse.move(box["x"] + x, box["y"] + y, steps=2)
        try:
            tooltip.filter(has_text=expect).wait_for(state="visible", timeout=3000)
        except PlaywrightTimeout:
            pass  # checked below: a tooltip that ran markup may show no text at all
        assert page.evaluate("window.__xss") is None, f"{chart_id}: a tooltip ran planted script"
        if tooltip.count():
            assert tooltip.locator("img, svg, script").count() == 0, f"{chart_id}: planted tags"
            texts.append(tooltip.inner_text())
    if expect:
        assert any(expect in t for t in texts), (chart_id, expect, texts)
    return texts


def _check(page, console, *literal):
    """Nothing ran, nothing was planted, no violation, and each name reads literally."""
    assert page.evaluate("window.__xss") is None, page.url
    assert page.evaluate(PLANTED) == 0, page.url
    assert violations(page, console) == [], page.url
    body = page.locator("body").inner_text()
    for text in literal:
        assert text in body, (page.url, text)


def test_it_shows_planted_markup_as_text_everywhere_and_runs_none_of_it(world, browser_page,
                                                                         live_server, settings):
    settings.CONTENT_SECURITY_POLICY_REPORT_ONLY = settings.CONTENT_SECURITY_POLICY
    settings.CONTENT_SECURITY_POLICY = None
    # The seeded chain's output is tiny: no minimum base, so its LQ bar is drawn.
    settings.LIANZHANG_GAP_SETTINGS = {"lq_min_town_output": 0, "lq_min_city_output": 0}
    objects = seed(world, NAMES)
    chain, town = objects["chain"], objects["town"]
    page = browser_page
    page.set_viewport_size({"width": 1600, "height": 1000})
    console = watch_violations(page)
    log_in(page, live_server, "admin")
    url = live_server.url

    page.goto(f"{url}/dashboards/chain/{chain.pk}/")
    assert NAMES.chain in page.title()
    _hover(page, "tree", "电机", expect=NAMES.node)
    _hover(page, "tree", "家电", expect=NAMES.chain)
    # Clicking the node loads its panel through htmx: the firm's and node's names as text.
    x, y = _chart_items(page, "tree", "电机")[0]
    box = page.locator("#tree").bounding_box()
    page.mouse.click(box["x"] + x, box["y"] + y)
    page.locator("[data-node-panel]").filter(has_text=NAMES.firm).wait_for()
    assert NAMES.node in page.locator("[data-node-panel] h3").inner_text()
    _hover(page, "trend")
    _check(page, console, NAMES.chain)

    page.goto(f"{url}/dashboards/chain/{chain.pk}/?tab=panorama")
    _hover(page, "heat", "九龙", expect=NAMES.town)
    _check(page, console)
    page.goto(f"{url}/dashboards/chain/{chain.pk}/?tab=roadmap")
    _check(page, console, NAMES.lead_firm)
    page.goto(f"{url}/dashboards/chain/{chain.pk}/?tab=lists")
    _check(page, console, NAMES.firm, NAMES.project)

    page.goto(f"{url}/dashboards/towns/{town.pk}/")
    _hover(page, "lq", "家电", expect=NAMES.chain)
    _check(page, console, NAMES.town, NAMES.node, NAMES.project)

    page.goto(f"{url}{reverse('attraction:kanban')}")
    page.hover(f".lz-card[data-lead='{objects['lead'].pk}']")
    _check(page, console, NAMES.lead_firm, NAMES.town)
    page.goto(f"{url}{reverse('attraction:funnel')}")
    _hover(page, "lz-funnel")
    _check(page, console, NAMES.chain)

    page.goto(f"{url}{reverse('mapping:review')}")
    page.hover(".lz-row")
    _check(page, console, NAMES.firm, NAMES.chain)

    page.goto(f"{url}{reverse('projects:rollup')}?year={objects['report_year']}")
    _hover(page, "chart-monthly")
    _hover(page, "chart-funnel")
    _check(page, console, NAMES.town, NAMES.chain)
    page.goto(f"{url}{reverse('projects:monthly')}?month={objects['month']:%Y-%m}")
    _check(page, console, NAMES.project)
    page.goto(f"{url}{reverse('projects:review')}")
    _check(page, console, NAMES.project)

    for name, literal in (("enterprises:enterprise_list", NAMES.firm),
                          ("projects:project_list", NAMES.project),
                          ("attraction:lead_list", NAMES.lead_firm),
                          ("chains:chainnode_list", NAMES.node)):
        page.goto(f"{url}{reverse(name)}")
        _check(page, console, literal)
    page.goto(f"{url}{objects['lead'].get_absolute_url()}")
    _check(page, console, NAMES.lead, NAMES.lead_firm)
