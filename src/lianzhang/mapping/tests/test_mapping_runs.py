"""Behaviour of mapping runs and the review queue (issue 4, app side)."""

import pytest
from django.test import Client
from django.urls import reverse

from chainkit.mapping import MappingCancelled
from lianzhang.core.models import Job, ObjectChange
from lianzhang.mapping.choices import LinkSource, LinkStatus
from lianzhang.mapping.jobs import start_run
from lianzhang.mapping.models import MappingRun, NodeLink
from lianzhang.mapping.services import run_mapping

from .helpers import make_firm, publish_map


def _links(firm):
    return {link.node.name: link for link in NodeLink.objects.filter(enterprise=firm)}


def test_it_maps_firms_as_a_job_with_evidence_on_each_link(world, mapped):
    nodes, firms = mapped
    run = start_run(world.user("admin"), chain=world.chain_a, full=True)
    run.refresh_from_db()
    assert run.status == "completed" and run.job.status == Job.Status.COMPLETED
    comp = _links(firms["comp"])["压缩机"]
    assert comp.source == LinkSource.AUTO and comp.status == LinkStatus.AUTO
    keywords = {hit["keyword"] for hit in comp.evidence["keywords"]}
    assert "冰箱压缩机" in keywords
    assert "电机" in _links(firms["motor"])
    assert not _links(firms["food"]).get("压缩机")
    page = Client()
    page.force_login(world.user("admin"))
    detail = page.get(reverse("mapping:nodelink", args=[comp.pk])).content.decode()
    assert "data-evidence" in detail and "冰箱压缩机" in detail
    assert ObjectChange.objects.filter(content_type__model="nodelink", action="create").count() \
        == NodeLink.objects.count()


def test_it_shows_a_finished_runs_statistics_in_words_and_refreshes_once(world, mapped):
    run = start_run(world.user("admin"), chain=world.chain_a, full=True)
    run.refresh_from_db()
    client = Client()
    client.force_login(world.user("admin"))
    page = client.get(reverse("mapping:mappingrun", args=[run.pk])).content.decode()
    stats = page.split("data-run-stats", 1)[1].split("</table>", 1)[0]
    assert "新增挂链" in stats and "范围内企业" in stats and "created" not in stats
    assert "<dd class=\"col-sm-9\">是</dd>" in page  # 全量运行: a boolean in words
    url = reverse("core:job_progress", args=[run.job_id])
    polled = client.get(url + "?poll=1", HTTP_HX_REQUEST="true")
    assert polled["HX-Refresh"] == "true"  # the bar saw the end: reload the page once
    first = client.get(url, HTTP_HX_REQUEST="true")  # the reloaded page's first load
    assert "HX-Refresh" not in first
    body = first.content.decode()
    assert "data-result" in body and "待复核挂链" in body and "'review'" not in body


def test_it_never_overwrites_decided_links_and_drops_stale_auto_ones(world, mapped):
    nodes, firms = mapped
    run_mapping(MappingRun.objects.create(chain=world.chain_a, full=True))
    comp = _links(firms["comp"])["压缩机"]
    comp.status = LinkStatus.REJECTED
    comp.save()
    manual = NodeLink.objects.create(enterprise=firms["food"], node=nodes["显示面板"])
    motor = _links(firms["motor"])["电机"]
    motor.status = LinkStatus.CONFIRMED
    motor.save()
    run_mapping(MappingRun.objects.create(chain=world.chain_a, full=True))
    assert NodeLink.objects.get(pk=comp.pk).status == LinkStatus.REJECTED
    assert NodeLink.objects.get(pk=manual.pk).source == LinkSource.MANUAL
    assert NodeLink.objects.get(pk=motor.pk).status == LinkStatus.CONFIRMED


def test_it_maps_only_new_or_changed_firms_unless_full(world, mapped):
    nodes, firms = mapped
    first = run_mapping(MappingRun.objects.create(chain=world.chain_a))
    assert first["mapped"] == 4
    assert run_mapping(MappingRun.objects.create(chain=world.chain_a))["mapped"] == 0
    firms["food"].products.create(name="电机")
    again = run_mapping(MappingRun.objects.create(chain=world.chain_a))
    assert again["mapped"] == 1 and "电机" in _links(firms["food"])
    assert run_mapping(MappingRun.objects.create(chain=world.chain_a, full=True))["mapped"] == 4


def test_it_learns_from_the_review_queue(world):
    """Nodes without keywords: only people's decisions can teach the run."""
    version = publish_map(world.chain_a, {"冷凝部件": [], "控制部件": []}, parent="部件")
    cold, ctrl = (version.nodes.get(name=n) for n in ("冷凝部件", "控制部件"))
    words = ["海岳", "青蓝", "胶澳", "琴岛", "崂峰", "沧口", "浮山", "鳌山"]
    for i, word in enumerate(words):
        make_firm(world.town_a, f"青岛{word}热交换有限公司", [f"翅片式换热器{i}型", "铜管蒸发器"])
        make_firm(world.town_a, f"青岛{word}电子有限公司", [f"主控电路板{i}型", "变频控制器"])
    probe = make_firm(world.town_a, "青岛灵珠科技有限公司", ["微通道换热器", "铜管蒸发器"])

    def score(node):
        link = NodeLink.objects.filter(enterprise=probe, node=node).first()
        return link.score if link else 0.0

    run_mapping(MappingRun.objects.create(chain=world.chain_a, full=True, tau_low=0.0))
    before = score(cold)
    reviewer = world.user("admin")
    for firm in NodeLink.objects.model.enterprise.field.related_model.objects.exclude(pk=probe.pk):
        node = cold if "热交换" in firm.name else ctrl
        link, _ = NodeLink.objects.get_or_create(enterprise=firm, node=node)
        link.status, link.reviewed_by = LinkStatus.CONFIRMED, reviewer
        link.save()
    run_mapping(MappingRun.objects.create(chain=world.chain_a, full=True, tau_low=0.0))
    after = score(cold)
    assert after > before
    assert after > score(ctrl)


def test_it_leaves_previous_links_intact_when_a_run_is_cancelled(world, mapped):
    nodes, firms = mapped
    run_mapping(MappingRun.objects.create(chain=world.chain_a, full=True))
    snapshot = sorted(NodeLink.objects.values_list("enterprise", "node", "status", "score"))
    changes = ObjectChange.objects.count()
    firms["food"].products.create(name="压缩机")
    run = MappingRun.objects.create(chain=world.chain_a, full=True)
    with pytest.raises(MappingCancelled):
        run_mapping(run, should_stop=lambda: True)
    assert sorted(NodeLink.objects.values_list("enterprise", "node", "status", "score")) == snapshot
    # Only the product and the run row above were recorded: no link changes.
    assert ObjectChange.objects.count() == changes + 2
    run.refresh_from_db()
    assert run.status == "pending" and not run.stats


def test_it_accepts_rejects_and_reassigns_from_the_review_queue(world, mapped):
    nodes, firms = mapped
    run_mapping(MappingRun.objects.create(chain=world.chain_a, full=True, tau_high=1.01))
    queued = NodeLink.objects.filter(status=LinkStatus.REVIEW)
    assert queued.exists()
    client = Client()
    client.force_login(world.user("admin"))
    url = reverse("mapping:review") + f"?chain={world.chain_a.pk}"
    page = client.get(url).content.decode()
    assert "data-review" in page and "lz-accept" in page and "j/k" in page
    comp = _links(firms["comp"])["压缩机"]
    motor = _links(firms["motor"])["电机"]
    client.post(url, {"action": "accept", "links": [comp.pk]})
    client.post(url, {"action": "reassign", "links": [motor.pk], "node": nodes["显示面板"].pk})
    assert NodeLink.objects.get(pk=comp.pk).status == LinkStatus.CONFIRMED
    assert NodeLink.objects.get(pk=motor.pk).status == LinkStatus.REJECTED
    moved = NodeLink.objects.get(enterprise=firms["motor"], node=nodes["显示面板"])
    assert (moved.source, moved.status) == (LinkSource.MANUAL, LinkStatus.CONFIRMED)
    response = client.post(url, {"action": "reassign", "links": [comp.pk]})
    assert NodeLink.objects.get(pk=comp.pk).status == LinkStatus.CONFIRMED
    assert response.status_code == 200


def test_it_limits_the_review_queue_to_the_users_scope(world, mapped):
    nodes, firms = mapped
    run_mapping(MappingRun.objects.create(chain=world.chain_a, full=True, tau_high=1.01))
    client = Client()
    client.force_login(world.user("town_a"))
    page = client.get(reverse("mapping:review")).content.decode()
    assert "海岳压缩机" in page and "浮山光电" not in page
    panel = _links(firms["panel"])["显示面板"]
    client.post(reverse("mapping:review"), {"action": "accept", "links": [panel.pk]})
    assert NodeLink.objects.get(pk=panel.pk).status == LinkStatus.REVIEW
    readonly = Client()
    readonly.force_login(world.user("readonly"))
    assert readonly.get(reverse("mapping:review")).status_code == 403


def test_it_shows_the_models_rank_not_a_flat_probability_before_it_is_calibrated(world, mapped):
    nodes, firms = mapped
    run_mapping(MappingRun.objects.create(chain=world.chain_a, full=True))
    link = NodeLink.objects.filter(evidence__model__isnull=False).first()
    assert link is not None and link.evidence["model"]["calibrated"] is False  # no confirmed links
    client = Client()
    client.force_login(world.user("admin"))
    badge = client.get(reverse("mapping:nodelink", args=[link.pk])).content.decode()
    badge = badge.split("data-evidence", 1)[1]
    assert f"模型排名第 {link.evidence['model']['rank']}" in badge and "p=" not in badge
    fields = {hit["field"] for hit in link.evidence.get("keywords", [])}
    words = {"products": "·主营产品", "text": "·经营范围", "name": "·企业名称"}
    assert fields and all(words[f] in badge for f in fields)
    link.evidence["model"]["calibrated"] = True  # what a calibrated run writes
    link.save()
    badge = client.get(reverse("mapping:nodelink", args=[link.pk])).content.decode()
    assert "p=" in badge.split("data-evidence", 1)[1] and "模型排名" not in badge


def test_it_names_the_node_code_only_when_a_prefix_matched():
    from django.template.loader import render_to_string

    html = render_to_string("mapping/evidence.html", {"evidence": {"codes": [
        {"rule": "344", "code": "3442", "strength": 0.8},
        {"rule": "3240", "code": "3240", "strength": 0.85}]}})
    assert "行业代码 3442（节点代码 344）" in html
    assert "行业代码 3240</span>" in html
