"""The access table in the cases that were found open: a town writing another chain's
map, a chain's people writing firms, batch actions reaching other chains, a firm user
reading the city, and role assignments whose scope does not fit the role."""

import pytest
from django.urls import reverse

from chainkit import chainmap as ck
from lianzhang.attraction.models import Recommendation
from lianzhang.attraction.tests.helpers import leaf, outside_firm
from lianzhang.chains.models import ChainNode, MapVersion
from lianzhang.chains.services import load_into_draft, publish
from lianzhang.core.models import Job
from lianzhang.core.permissions import allowed_for, user_can
from lianzhang.core.testing.fixtures import make_user
from lianzhang.core.testing.helpers import Snapshot, api_for, client_for
from lianzhang.dashboards.models import ChainSnapshot, KeyMatter
from lianzhang.enterprises.models import Enterprise, SupplyTie, YearlyFigure
from lianzhang.mapping.models import MappingRun, NodeLink
from lianzhang.users.forms import RoleAssignmentForm
from lianzhang.users.models import User
from lianzhang.users.roles import Role


@pytest.fixture
def chains(world):
    """Published maps of both chains (a 压缩机 leaf on A, a 滚珠丝杠 leaf on B) and a
    deputy and a task force member of chain A."""
    leaf(world.chain_a)
    publish(load_into_draft(world.chain_b, ck.ChainMap(
        name=world.chain_b.name, code=world.chain_b.code, nodes=[
            ck.MapNode(path=("上游",), name="上游", segment="upstream"),
            ck.MapNode(path=("上游", "滚珠丝杠"), name="滚珠丝杠", segment="upstream",
                       keywords=["滚珠丝杠"])])), None)
    make_user("deputy_a", Role.DEPUTY, [], [world.chain_a])
    make_user("zhuanban_a", Role.TASKFORCE, [], [world.chain_a])
    world.users.update(deputy_a=User.objects.get(username="deputy_a"),
                       zhuanban_a=User.objects.get(username="zhuanban_a"))
    return world.chain_a.published_map(), world.chain_b.published_map()


def test_it_keeps_a_town_officer_off_every_chains_map(world, chains):
    _map_a, map_b = chains
    node = map_b.nodes.get(name="滚珠丝杠")
    client = client_for(world, "town_a")
    before = Snapshot(MapVersion, ChainNode, ChainSnapshot, KeyMatter)
    assert client.get(reverse("chains:chainnode", args=[node.pk])).status_code == 200  # reads
    assert client.post(reverse("chains:map_new_draft", args=[map_b.pk])).status_code == 403
    assert client.post(reverse("chains:chainnode_edit", args=[node.pk]),
                       {"name": "被改名"}).status_code == 403
    assert client.post(reverse("dashboards:snapshot", args=[world.chain_b.pk])).status_code == 403
    assert client.post(reverse("dashboards:keymatter_add"), {
        "chain": world.chain_b.code, "title": "越权事项", "status": "open"}).status_code == 403
    assert client.post(reverse("mapping:mappingrun_add"), {
        "chain": world.chain_b.pk, "tau_high": "0.6", "tau_low": "0.3"}).status_code == 403
    api = api_for(world, "town_a")
    assert api.patch(f"/api/chains/chainnodes/{node.pk}/", {"name": "被改名"},
                     format="json").status_code == 403
    before.assert_unchanged()


def test_it_lets_a_chains_people_keep_their_chain_but_no_firm(world, chains):
    map_a, map_b = chains
    firm = Enterprise.objects.create(name="青岛九龙电器有限公司", town=world.town_a)
    deputy = world.user("deputy_a")
    assert allowed_for(deputy, ChainNode, "change", chain_id=world.chain_a.pk)
    assert not allowed_for(deputy, ChainNode, "change", chain_id=world.chain_b.pk)
    assert Enterprise.objects.restrict(deputy, "view").filter(pk=firm.pk).exists()  # reads
    assert not user_can(deputy, Enterprise, "change")
    before = Snapshot(Enterprise)
    response = client_for(world, "deputy_a").post(
        reverse("enterprises:enterprise_edit", args=[firm.pk]), {"name": "被改名"})
    assert response.status_code == 403
    before.assert_unchanged()


def test_it_starts_a_chain_users_mapping_run_only_for_his_chain(world, chains):
    client, api = client_for(world, "zhuanban_a"), api_for(world, "zhuanban_a")
    before = Snapshot(MappingRun, Job)
    for chain in (world.chain_b.pk, ""):  # another chain, or all chains
        response = client.post(reverse("mapping:mappingrun_add"), {
            "chain": chain, "tau_high": "0.6", "tau_low": "0.3"})
        assert response.status_code == 400
        assert "只能对您负责的产业链发起挂链运行" in response.content.decode()
        response = api.post("/api/mapping/mappingruns/", {"chain": chain or None},
                            format="json")
        # Chain B is not even a valid choice for him (400); all chains is refused (403).
        assert response.status_code == (400 if chain else 403), response.content
    before.assert_unchanged()
    response = client.post(reverse("mapping:mappingrun_add"), {
        "chain": world.chain_a.pk, "tau_high": "0.6", "tau_low": "0.3"})
    assert response.status_code == 302
    assert MappingRun.objects.get().chain == world.chain_a


def test_it_runs_the_recommendation_batch_only_over_the_users_chains(world, chains):
    outside_firm(8, products=("精密滚珠丝杠",), name="南京工艺装备制造有限公司",
                 region="江苏省南京市")
    outside_firm(9)  # makes 冰箱压缩机
    client = client_for(world, "zhuanban_a")
    response = client.post(reverse("attraction:gaps"))
    assert response.status_code == 302
    job = Job.objects.get()
    assert job.status == Job.Status.COMPLETED, job.log
    chains_written = set(Recommendation.objects.values_list("node__map__chain", flat=True))
    assert chains_written == {world.chain_a.pk}
    node_b = chains[1].nodes.get(name="滚珠丝杠")
    assert client.post(reverse("attraction:node_recommendations", args=[node_b.pk])
                       ).status_code in (403, 404)
    assert not Recommendation.objects.filter(node=node_b).exists()


def test_it_refuses_a_review_reassignment_onto_another_chain(world, chains):
    map_a, map_b = chains
    firm = Enterprise.objects.create(name="青岛海岳压缩机有限公司", town=world.town_a)
    link = NodeLink.objects.create(enterprise=firm, node=map_a.nodes.get(name="压缩机"),
                                   status="review")
    before = Snapshot(NodeLink)
    response = client_for(world, "deputy_a").post(reverse("mapping:review"), {
        "action": "reassign", "links": [link.pk], "node": map_b.nodes.get(name="滚珠丝杠").pk},
        follow=True)
    # Chain B's node is not among his choices: the form refuses it and says so.
    assert "alert-danger" in response.content.decode() or response.status_code == 403
    before.assert_unchanged()


def test_it_shows_a_firm_user_its_own_firm_only(world, chains):
    own = Enterprise.objects.create(name="青岛海岳压缩机有限公司", town=world.town_a)
    rival = Enterprise.objects.create(name="青岛琴岛压缩机有限公司", town=world.town_a)
    master = Enterprise.objects.create(name="海尔智家股份有限公司", town=world.town_a)
    for firm, revenue in ((own, 1200), (rival, 3400)):
        YearlyFigure.objects.create(enterprise=firm, year=2024, revenue=revenue, source="年报")
    SupplyTie.objects.create(supplier=own, customer=master, year=2024, annual_value=800)
    SupplyTie.objects.create(supplier=rival, customer=master, year=2024, annual_value=950)
    user = world.users["qiye"] = make_user("qiye", Role.FIRM)
    user.assignments.get().enterprises.set([own])
    client, api = client_for(world, "qiye"), api_for(world, "qiye")
    assert client.get("/").url == reverse("enterprises:enterprise", args=[own.pk])
    figures = api.get("/api/enterprises/yearlyfigures/").json()["results"]
    assert [row["enterprise"] for row in figures] == [own.pk]
    ties = api.get("/api/enterprises/supplyties/").json()["results"]
    assert [(row["supplier"], row["annual_value"]) for row in ties] == [(own.pk, "800.00")]
    export = client.get("/enterprises/yearlyfigures/?export=csv").content.decode("utf-8-sig")
    rows = export.strip().splitlines()[1:]
    assert len(rows) == 1 and "1200.00" in rows[0] and "3400" not in export
    assert client.get(reverse("enterprises:enterprise", args=[rival.pk])).status_code == 404
    assert api.patch(f"/api/enterprises/enterprises/{own.pk}/", {"name": "改名"},
                     format="json").status_code == 403


def test_it_gives_a_firm_user_without_a_firm_nothing(world):
    user = world.users["qiye"] = make_user("qiye", Role.FIRM)
    Enterprise.objects.create(name="青岛海岳压缩机有限公司", town=world.town_a)
    assert not Enterprise.objects.restrict(user, "view").exists()
    assert client_for(world, "qiye").get("/enterprises/enterprises/").status_code == 403


@pytest.mark.parametrize(("role", "towns", "chains", "firm", "field", "message"), [
    (Role.FIRM, False, False, False, "enterprises", "企业用户必须指定其所代表的企业"),
    (Role.FIRM, True, False, True, "towns", "企业用户的范围是其所代表的企业"),
    (Role.TOWN, True, False, True, "enterprises", "只有企业用户才能按企业设定范围"),
])
def test_it_refuses_a_role_scope_that_does_not_fit_the_role(world, role, towns, chains, firm,
                                                            field, message):
    enterprise = Enterprise.objects.create(name="青岛海岳压缩机有限公司", town=world.town_a)
    form = RoleAssignmentForm(data={
        "role": role, "towns": [world.town_a.pk] if towns else [],
        "chains": [world.chain_a.pk] if chains else [],
        "enterprises": [enterprise.pk] if firm else []})
    assert not form.is_valid()
    assert message in " ".join(form.errors[field])
    assert RoleAssignmentForm(data={"role": Role.FIRM, "enterprises": [enterprise.pk]}).is_valid()
