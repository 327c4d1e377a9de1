"""The issue's acceptance line: a 镇街用户 scoped to 九龙街道 cannot see, change or
export 胶西街道's objects through any path (UI, API, export, import, audit), and a
refused request leaks nothing about them. Also: chain-scoped leaders read but do not
write; read-only users never add."""

import io

import pytest
from django.contrib.contenttypes.models import ContentType
from django.urls import reverse
from openpyxl import load_workbook

from lianzhang.chains.models import Chain
from lianzhang.core.context import change_context
from lianzhang.core.models import ObjectChange
from lianzhang.core.testing.helpers import Snapshot, api_for, client_for, csv_bytes, upload
from lianzhang.regions.models import Region

# Words that must never appear in a town-A user's responses about town B.
SECRETS = ("胶西", "370281009")


@pytest.fixture
def parks(world):
    """A park in each town, created by the administrator (so audit records exist)."""
    with change_context(user=world.user("admin")):
        park_a = Region.objects.create(name="九龙家电产业园", code="370281006401", level="park",
                                       parent=world.town_a)
        park_b = Region.objects.create(name="胶西储能产业园", code="370281009401", level="park",
                                       parent=world.town_b, description="胶西内部说明")
    return park_a, park_b


def assert_no_leak(response, echo=()):
    """No name or code of a town-B object in the body (apart from the user's own
    input echoed back in a form, `echo`)."""
    body = response.content.decode("utf-8", "replace")
    for text in echo:
        body = body.replace(text, "")
    for secret in SECRETS:
        assert secret not in body, f"{response.request['PATH_INFO']} leaks {secret!r}"


def b_objects(world, parks):
    return [world.town_b, parks[1]]


@pytest.mark.parametrize("user", ["town_a", "scoped"])
def test_it_hides_town_b_from_ui_pages(world, parks, user):
    client = client_for(world, user)
    for path in ("/", "/regions/regions/", f"/regions/regions/?parent={world.town_b.pk}",
                 "/regions/regions/?q=储能", "/regions/regions/?code=370281009401",
                 "/core/jobs/", "/chains/chains/"):
        response = client.get(path)
        # Filtering by an out-of-scope town is an invalid filter, as for an unknown one.
        assert response.status_code == (400 if "parent=" in path else 200), path
        assert_no_leak(response, echo=["370281009401"])
    assert "九龙家电产业园" in client.get("/regions/regions/").content.decode()
    for obj in b_objects(world, parks):
        for view in ("", "changelog/", "edit/", "delete/"):
            response = client.get(f"/regions/regions/{obj.pk}/{view}")
            assert response.status_code in (403, 404), (obj, view)
            assert_no_leak(response)


@pytest.mark.parametrize("user", ["town_a", "scoped"])
def test_it_refuses_ui_changes_to_town_b(world, parks, user):
    client = client_for(world, user)
    park_b = parks[1]
    before = Snapshot(Region)
    response = client.post(f"/regions/regions/{park_b.pk}/edit/", {
        "name": "被篡改", "code": park_b.code, "level": "park", "parent": world.town_a.pk})
    assert response.status_code in (403, 404)
    assert_no_leak(response)
    response = client.post(f"/regions/regions/{park_b.pk}/delete/")
    assert response.status_code in (403, 404)
    assert_no_leak(response)
    park_b.refresh_from_db()
    assert park_b.name == "胶西储能产业园" and park_b.parent == world.town_b
    before.assert_unchanged()


def test_it_refuses_moving_or_creating_objects_into_town_b_by_ui(world, parks):
    """The scoped secretariat may edit town A's park, but not put it under town B."""
    client = client_for(world, "scoped")
    park_a = parks[0]
    before = Snapshot(Region)
    response = client.post(f"/regions/regions/{park_a.pk}/edit/", {
        "name": park_a.name, "code": park_a.code, "level": "park", "parent": world.town_b.pk})
    assert response.status_code == 400
    assert "parent" in response.context["form"].errors
    response = client.post("/regions/regions/add/", {
        "name": "新园区", "code": "370281009402", "level": "park", "parent": world.town_b.pk})
    assert response.status_code == 400
    assert_no_leak(response, echo=["370281009402"])
    park_a.refresh_from_db()
    assert park_a.parent == world.town_a
    before.assert_unchanged()
    # …while a change inside the scope works.
    response = client.post(f"/regions/regions/{park_a.pk}/edit/", {
        "name": "九龙家电产业园二期", "code": park_a.code, "level": "park",
        "parent": world.town_a.pk})
    assert response.status_code == 302


@pytest.mark.parametrize("user", ["town_a", "scoped"])
def test_it_hides_and_protects_town_b_over_the_api(world, parks, user):
    api = api_for(world, user)
    park_b = parks[1]
    before = Snapshot(Region)
    listing = api.get("/api/regions/regions/?limit=500")
    assert listing.status_code == 200
    ids = {row["id"] for row in listing.json()["results"]}
    assert parks[0].pk in ids and not ids & {world.town_b.pk, park_b.pk}
    assert_no_leak(listing)
    for query in (f"?parent={world.town_b.pk}", "?q=储能", "?code=370281009401"):
        response = api.get("/api/regions/regions/" + query)
        assert response.status_code in (200, 400)
        assert_no_leak(response)
    url = f"/api/regions/regions/{park_b.pk}/"
    for response in (api.get(url),
                     api.patch(url, {"name": "被篡改"}, format="json"),
                     api.put(url, {"name": "被篡改", "code": park_b.code, "level": "park",
                                   "parent": world.town_a.pk}, format="json"),
                     api.delete(url)):
        assert response.status_code in (403, 404), response.content
        assert_no_leak(response)
    response = api.post("/api/regions/regions/", {
        "name": "新胶西园区", "code": "370281009402", "level": "park",
        "parent": world.town_b.pk}, format="json")
    assert response.status_code in (400, 403)
    assert_no_leak(response)
    park_b.refresh_from_db()
    assert park_b.name == "胶西储能产业园"
    before.assert_unchanged()


def test_it_refuses_moving_an_object_into_town_b_over_the_api(world, parks):
    api = api_for(world, "scoped")
    park_a = parks[0]
    before = Snapshot(Region)
    response = api.patch(f"/api/regions/regions/{park_a.pk}/", {"parent": world.town_b.pk},
                         format="json")
    assert response.status_code == 400
    assert "parent" in response.json()
    park_a.refresh_from_db()
    assert park_a.parent == world.town_a
    before.assert_unchanged()


@pytest.mark.parametrize("user", ["town_a", "scoped"])
def test_it_keeps_town_b_out_of_exports(world, parks, user):
    client = client_for(world, user)
    for query in ("", f"parent={world.town_b.pk}&", "q=储能&", "code=370281009401&"):
        # An out-of-scope town is an invalid filter: 400, and no file at all.
        status = 400 if "parent=" in query else 200
        csv_response = client.get(f"/regions/regions/?{query}export=csv")
        assert csv_response.status_code == status
        assert_no_leak(csv_response)
        xlsx_response = client.get(f"/regions/regions/?{query}export=xlsx")
        assert xlsx_response.status_code == status
        if status == 400:
            assert_no_leak(xlsx_response)
            continue
        cells = [str(c) for row in load_workbook(io.BytesIO(xlsx_response.content)).active
                 .iter_rows(values_only=True) for c in row]
        assert not any(s in c for c in cells for s in SECRETS), query
    text = client.get("/regions/regions/?export=csv").content.decode("utf-8-sig")
    assert "九龙家电产业园" in text


def test_it_refuses_import_into_town_b(world, parks):
    header = ["名称", "区划代码", "级别", "上级区划代码"]
    rows = [["九龙新园区", "370281006402", "park", world.town_a.code],
            ["胶西新园区", "370281009402", "park", world.town_b.code]]
    before = Snapshot(Region)
    # The town officer may not import regions at all.
    response = client_for(world, "town_a").post("/regions/regions/import/", {
        "file": upload(csv_bytes(header, rows)), "dry_run": ""})
    assert response.status_code == 403
    # The scoped secretariat may import into town A only: the town B row fails and
    # the town A row is not written either.
    response = client_for(world, "scoped").post("/regions/regions/import/", {
        "file": upload(csv_bytes(header, rows)), "dry_run": ""})
    assert response.status_code == 400
    (error,) = response.context["result"].errors
    assert error.startswith("第3行")  # the town B row
    assert "胶西街道" not in response.content.decode()
    before.assert_unchanged()


@pytest.mark.parametrize("user", ["town_a", "scoped"])
def test_it_hides_town_b_change_records(world, parks, user):
    park_b = parks[1]
    change = ObjectChange.objects.for_object(park_b).get()
    client = client_for(world, user)
    response = client.get(reverse("core:change", args=[change.pk]))
    assert response.status_code == 404
    assert_no_leak(response)
    assert client.get("/core/audit/").status_code == 403
    api = api_for(world, user)
    assert api.get(f"/api/core/changes/{change.pk}/").status_code == 404
    listing = api.get("/api/core/changes/")
    assert listing.status_code == 200
    assert_no_leak(listing)


def test_it_lets_a_chain_leader_view_but_not_change_his_chain(world):
    client = client_for(world, "leader_a")
    chain_a, chain_b = world.chain_a, world.chain_b
    assert client.get(f"/chains/chains/{chain_a.pk}/").status_code == 200
    assert client.get(f"/chains/chains/{chain_b.pk}/").status_code == 404
    listing = client.get("/chains/chains/").content.decode()
    assert chain_a.name in listing and chain_b.name not in listing
    before = Snapshot(Chain)
    data = {"name": "改名", "code": chain_a.code, "category": "advantage", "description": ""}
    assert client.get(f"/chains/chains/{chain_a.pk}/edit/").status_code == 403
    assert client.post(f"/chains/chains/{chain_a.pk}/edit/", data).status_code == 403
    assert client.post(f"/chains/chains/{chain_a.pk}/delete/").status_code == 403
    api = api_for(world, "leader_a")
    assert api.get(f"/api/chains/chains/{chain_a.pk}/").status_code == 200
    assert api.patch(f"/api/chains/chains/{chain_a.pk}/", {"name": "改名"},
                     format="json").status_code == 403
    assert api.delete(f"/api/chains/chains/{chain_a.pk}/").status_code == 403
    chain_a.refresh_from_db()
    assert chain_a.name == "智能家电"
    before.assert_unchanged()


def test_it_never_lets_readonly_add(world):
    client = client_for(world, "readonly")
    api = api_for(world, "readonly")
    before = Snapshot(Region, Chain)
    assert client.get("/regions/regions/").status_code == 200  # reading is fine
    assert client.get("/regions/regions/add/").status_code == 403
    response = client.post("/regions/regions/add/", {
        "name": "只读园区", "code": "370281006403", "level": "park", "parent": world.town_a.pk})
    assert response.status_code == 403
    assert client.post("/chains/chains/add/", {"name": "只读链", "code": "ro-chain",
                                                "category": "emerging"}).status_code == 403
    response = api.post("/api/regions/regions/", {
        "name": "只读园区", "code": "370281006403", "level": "park",
        "parent": world.town_a.pk}, format="json")
    assert response.status_code == 403
    before.assert_unchanged()


def test_it_scopes_restrict_itself(world, parks):
    """The one permission path, checked directly."""
    park_a, park_b = parks
    town_a = world.user("town_a")
    visible = set(Region.objects.restrict(town_a, "view"))
    assert visible == {world.town_a, park_a}
    assert not Region.objects.restrict(town_a, "change").exists()
    scoped = world.user("scoped")
    assert set(Region.objects.restrict(scoped, "change")) == {world.town_a, park_a}
    assert set(Chain.objects.restrict(scoped, "view")) == {world.chain_a}
    assert not Region.objects.restrict(world.user("nobody"), "view").exists()
    assert ContentType.objects.get_for_model(Region)  # the content type exists for audit
