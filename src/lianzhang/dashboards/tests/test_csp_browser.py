"""The Content-Security-Policy as deployed (enforced) breaks nothing: the sign-in page, every
app page of a small seeded world, the object lists of every type, the Django admin, the API
docs (Swagger UI), the browsable API and the JavaScript catalogue load with the policy
header and without a single violation, and what their scripts do still happens (charts
drawn, the htmx node panel, filters that submit themselves, select-all)."""

from urllib.parse import urlsplit

import pytest
from django.urls import reverse

from lianzhang.core.registry import registry
from lianzhang.core.testing.browser import log_in

from .browser_world import Names, seed, violations, watch_violations

pytestmark = pytest.mark.django_db(transaction=True)

CHART = "id => window.echarts && !!echarts.getInstanceByDom(document.getElementById(id))"


def _visit(page, console, url, *charts):
    """Open a page: the policy header is there, nothing was refused, the charts are drawn."""
    response = page.goto(url)
    assert response.ok, url
    assert urlsplit(page.url).path == urlsplit(url).path, url  # not a sign-in redirect
    policy = response.headers.get("content-security-policy", "")
    script_src = next(d for d in policy.split(";") if d.strip().startswith("script-src"))
    assert script_src.split() == ["script-src", "'self'"], (url, policy)
    assert "object-src 'none'" in policy and "frame-ancestors 'none'" in policy
    for chart in charts:
        page.wait_for_function(CHART, arg=chart)
    assert violations(page, console) == [], url


def test_it_runs_every_page_under_the_policy_without_a_violation(world, browser_page,
                                                                   live_server):
    objects = seed(world, Names())
    chain, town, project = objects["chain"], objects["town"], objects["project"]
    page = browser_page
    console = watch_violations(page)
    url = live_server.url

    _visit(page, console, f"{url}{reverse('login')}")
    log_in(page, live_server, "admin")
    _visit(page, console, f"{url}/")

    chain_page = f"{url}{reverse('dashboards:chain', args=[chain.pk])}"
    _visit(page, console, chain_page, "tree", "trend")
    # A click on a node loads its panel through htmx (no eval, no inline script needed).
    page.evaluate("""() => {
      const chart = echarts.getInstanceByDom(document.getElementById("tree"));
      const data = chart.getModel().getSeriesByIndex(0).getData();
      for (let i = 0; i < data.count(); i++) if (data.getName(i) === "电机")
        chart.trigger("click", {data: data.getRawDataItem(i)});
    }""")
    page.locator("[data-node-panel]").filter(has_text="青岛甲电机有限公司").wait_for()
    assert violations(page, console) == []
    _visit(page, console, f"{chain_page}?tab=panorama", "heat")
    for tab in ("roadmap", "innovation", "lists"):
        _visit(page, console, f"{chain_page}?tab={tab}")
    _visit(page, console, f"{url}{reverse('dashboards:town', args=[town.pk])}", "lq")
    _visit(page, console, f"{url}{reverse('dashboards:city')}")
    _visit(page, console, f"{url}{reverse('projects:rollup')}?year={objects['report_year']}",
           "chart-monthly", "chart-funnel")
    _visit(page, console, f"{url}{reverse('attraction:funnel')}", "lz-funnel")
    for name, args in (("projects:monthly", []), ("projects:review", []),
                       ("projects:alerts", []), ("projects:cycle_times", []),
                       ("attraction:kanban", []), ("attraction:overdue", []),
                       ("attraction:duplicates", []), ("attraction:gaps", []),
                       ("attraction:roadmap", [chain.pk]),
                       ("attraction:node_recommendations", [objects["lead"].node_id]),
                       ("mapping:review", []), ("mapping:mappingrun_add", []),
                       ("core:jobs", []), ("core:audit", [])):
        _visit(page, console, f"{url}{reverse(name, args=args)}")
    for object_type in registry.values():
        _visit(page, console, f"{url}{reverse(object_type.url_name('list'))}")
    for path in (project.get_absolute_url(), reverse("projects:project_edit", args=[project.pk]),
                 reverse("enterprises:enterprise_import"), objects["lead"].get_absolute_url()):
        _visit(page, console, f"{url}{path}")

    # Declared behaviour instead of inline handlers: select-all, then a self-submitting filter.
    _visit(page, console, f"{url}{reverse('mapping:review')}")
    page.check("[data-check-all]")
    assert page.locator(".lz-pick:not(:checked)").count() == 0
    with page.expect_navigation():
        page.select_option("select[name=language]", "en")
    assert page.locator("html").get_attribute("lang") == "en"
    assert violations(page, console) == []

    # The JavaScript catalogue loads as a script from this site.
    page.add_script_tag(url=f"{url}{reverse('javascript-catalog')}")
    assert page.evaluate("typeof django.gettext") == "function"
    for path in (reverse("admin:index"), reverse("admin:users_user_changelist"),
                 reverse("admin:users_user_change", args=[world.users["admin"].pk]),
                 reverse("api-projects:api-root"),  # the browsable API
                 reverse("api-projects:projects-project-list"), reverse("api-docs")):
        _visit(page, console, f"{url}{path}")
    # Swagger UI draws the operations from the schema: its scripts ran under the policy.
    page.locator(".opblock").first.wait_for(timeout=20_000)
    assert violations(page, console) == []

