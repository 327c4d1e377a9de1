"""The chain page in a real browser: clicking a node of the ECharts tree opens its panel."""

import pytest
from playwright.sync_api import TimeoutError as PlaywrightTimeout

from lianzhang.core.testing.browser import log_in

pytestmark = pytest.mark.django_db(transaction=True)

# The pixel position of a named node in the rendered tree, read from ECharts' own layout
# so the test clicks where a person would.
NODE_XY = """name => {
  const chart = echarts.getInstanceByDom(document.getElementById("tree"));
  const series = chart.getModel().getSeriesByIndex(0), data = series.getData();
  const origin = series.layoutInfo;  // the tree is laid out inside the left/top margins
  for (let i = 0; i < data.count(); i++) {
    if (data.getName(i) === name) { const l = data.getItemLayout(i); return [origin.x + l.x, origin.y + l.y]; }
  }
  return null;
}"""


def test_it_opens_the_node_panel_when_a_tree_node_is_clicked(world, chain_world, browser_page,
                                                              live_server):
    page = browser_page
    log_in(page, live_server, "admin")
    page.goto(f"{live_server.url}/dashboards/chain/{world.chain_a.pk}/")
    page.wait_for_function("() => window.echarts && echarts.getInstanceByDom("
                           "document.getElementById('tree'))")
    xy = page.evaluate(NODE_XY, "电机")
    assert xy is not None
    page.locator("#tree").scroll_into_view_if_needed()
    box = page.locator("#tree").bounding_box()
    panel = page.locator("[data-node-panel]")
    # The tree animates in from its root; click where the node ends up until it is there.
    for _attempt in range(10):
        page.mouse.click(box["x"] + xy[0], box["y"] + xy[1])
        try:
            panel.wait_for(timeout=1000)
            break
        except PlaywrightTimeout:
            continue
    text = panel.inner_text()
    assert "电机" in text and "强链" in text  # 1000万 local output ≥ 400万 demand
    assert "青岛甲电机有限公司" in text and "青岛乙电机有限公司" in text
    assert "青岛丙光电有限公司" not in text  # the panel is the clicked node's, not another's
