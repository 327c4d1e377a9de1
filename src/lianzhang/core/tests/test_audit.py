"""The audit log: every create/update/delete through UI, API or code writes a record
with user, request id and before/after; no path edits or deletes a record; bulk
writes that would skip the log are refused; the global list filters and is closed
to town users."""

import datetime

import pytest
from django.contrib import admin
from django.contrib.contenttypes.models import ContentType
from django.test import Client
from django.utils import timezone

from lianzhang.chains.models import Chain
from lianzhang.core.audit import audited_bulk_create, audited_bulk_update
from lianzhang.core.context import change_context
from lianzhang.core.models import ImmutableError, ObjectChange, Tag
from lianzhang.core.querysets import AuditBypassError
from lianzhang.core.testing.helpers import Snapshot, api_for, client_for
from lianzhang.regions.models import Region


def changes_of(obj, action=None):
    qs = ObjectChange.objects.filter(
        content_type=ContentType.objects.get_for_model(type(obj)), object_id=str(obj.pk))
    return qs.filter(action=action) if action else qs


@pytest.fixture
def change(world):
    with change_context(user=world.user("admin")):
        park = Region.objects.create(name="审计园区", code="370281006401", level="park",
                                     parent=world.town_a)
    return ObjectChange.objects.for_object(park).get()


# --- every path writes a record ---------------------------------------------------------

def test_it_records_ui_create_update_delete_with_user_request_and_diff(world):
    client = client_for(world, "secretariat")
    data = {"name": "界面园区", "code": "370281006402", "level": "park",
            "parent": world.town_a.pk, "main_industry": "家电配套"}
    response = client.post("/regions/regions/add/", data)
    assert response.status_code == 302
    park = Region.objects.get(code="370281006402")
    created = changes_of(park, "create").get()
    assert created.user.username == "secretariat" and created.user_name == "secretariat"
    assert str(created.request_id) == response["X-Request-ID"]
    assert created.prechange_data is None
    assert created.postchange_data["name"] == "界面园区"
    assert created.postchange_data["parent"] == world.town_a.pk
    assert timezone.now() - created.time < datetime.timedelta(minutes=1)

    response = client.post(f"/regions/regions/{park.pk}/edit/", {**data, "main_industry": "芯片"})
    assert response.status_code == 302
    updated = changes_of(park, "update").get()
    assert str(updated.request_id) == response["X-Request-ID"] != str(created.request_id)
    assert updated.diff() == [("main_industry", "家电配套", "芯片")]

    response = client.post(f"/regions/regions/{park.pk}/delete/")
    assert response.status_code == 302
    deleted = changes_of(park, "delete").get()
    assert deleted.prechange_data["main_industry"] == "芯片" and deleted.postchange_data is None
    assert deleted.object_repr == "界面园区" and deleted.user.username == "secretariat"
    assert str(deleted.request_id) == response["X-Request-ID"]


def test_it_records_api_create_patch_delete_with_the_token_user(world):
    api = api_for(world, "secretariat")
    response = api.post("/api/regions/regions/", {
        "name": "接口园区", "code": "370281006403", "level": "park",
        "parent": world.town_a.pk}, format="json")
    assert response.status_code == 201
    park = Region.objects.get(pk=response.json()["id"])
    created = changes_of(park, "create").get()
    assert created.user.username == "secretariat"
    assert str(created.request_id) == response["X-Request-ID"]

    response = api.patch(f"/api/regions/regions/{park.pk}/", {"name": "接口园区二期"},
                         format="json")
    assert response.status_code == 200
    updated = changes_of(park, "update").get()
    assert (updated.prechange_data["name"], updated.postchange_data["name"]) == (
        "接口园区", "接口园区二期")
    assert updated.user.username == "secretariat"

    assert api.delete(f"/api/regions/regions/{park.pk}/").status_code == 204
    deleted = changes_of(park, "delete").get()
    assert deleted.prechange_data["name"] == "接口园区二期"
    assert str(deleted.request_id) != str(created.request_id)


def test_it_writes_no_record_for_a_save_that_changes_nothing(world):
    audit = ObjectChange.objects.count()
    world.town_a.save()
    assert ObjectChange.objects.count() == audit


def test_it_records_tag_changes_from_both_sides(world):
    tag = Tag.objects.create(name="重点", slug="key")
    with change_context(user=world.user("admin")):
        world.town_a.tags.add(tag)
        tag.regions_region_set.add(world.town_b)
        tag.regions_region_set.remove(world.town_a)
        world.town_b.tags.clear()
    a_changes = [(c.prechange_data, c.postchange_data)
                 for c in changes_of(world.town_a, "update").order_by("pk")]
    assert a_changes == [({"tags": []}, {"tags": [tag.pk]}), ({"tags": [tag.pk]}, {"tags": []})]
    b_changes = [(c.prechange_data, c.postchange_data)
                 for c in changes_of(world.town_b, "update").order_by("pk")]
    assert b_changes == [({"tags": []}, {"tags": [tag.pk]}), ({"tags": [tag.pk]}, {"tags": []})]
    assert all(c.user.username == "admin" for c in changes_of(world.town_a, "update"))


def test_it_records_links_removed_by_deleting_a_tag(world):
    tag = Tag.objects.create(name="将删除", slug="to-delete")
    world.town_a.tags.add(tag)
    tag_pk = tag.pk
    with change_context(user=world.user("secretariat")):
        tag.delete()
    change = changes_of(world.town_a, "update").latest("pk")
    assert (change.prechange_data["tags"], change.postchange_data["tags"]) == ([tag_pk], [])
    assert change.user.username == "secretariat"
    assert ObjectChange.objects.filter(object_id=str(tag_pk), action="delete",
                                       object_repr="将删除").exists()


def test_it_records_role_scope_changes(world):
    assignment = world.user("town_a").assignments.get()
    with change_context(user=world.user("admin")):
        assignment.towns.add(world.town_b)
    change = changes_of(assignment, "update").latest("pk")
    assert change.user.username == "admin"
    assert change.postchange_data == {"towns": sorted([world.town_a.pk, world.town_b.pk])}


def test_it_records_objects_changed_by_a_delete(world):
    """Deleting a chain clears the towns' main chain: those towns' records say so."""
    chain = Chain.objects.create(name="临时产业链", code="temp-chain")
    world.town_a.main_chain = chain
    world.town_a.save()
    chain_pk = chain.pk
    with change_context(user=world.user("admin")):
        chain.delete()
    world.town_a.refresh_from_db()
    assert world.town_a.main_chain is None
    change = changes_of(world.town_a, "update").latest("pk")
    assert change.prechange_data["main_chain"] == chain_pk
    assert change.postchange_data["main_chain"] is None
    assert change.user.username == "admin"


def test_it_records_queryset_deletes(world):
    with change_context(user=world.user("admin")):
        for n in range(3):
            Region.objects.create(name=f"批量园区{n}", code=f"37028100640{n}", level="park",
                                  parent=world.town_a)
        Region.objects.filter(code__startswith="3702810064").delete()
    assert ObjectChange.objects.filter(action="delete", object_repr__startswith="批量园区"
                                       ).count() == 3


# --- bulk writes that would skip the log -------------------------------------------------

def test_it_refuses_bulk_writes_that_skip_the_audit_log(world):
    before = Snapshot(Region, Chain)
    with pytest.raises(AuditBypassError):
        Region.objects.update(name="全部改名")
    with pytest.raises(AuditBypassError):
        Region.objects.filter(pk=world.town_a.pk).update(main_industry="x")
    with pytest.raises(AuditBypassError):
        Chain.objects.all().update(name="x")
    with pytest.raises(AuditBypassError):
        Region.objects.bulk_create([Region(name="批量", code="370281006499", level="park",
                                           parent=world.town_a)])
    world.town_a.main_industry = "偷偷修改"
    with pytest.raises(AuditBypassError):
        Region.objects.bulk_update([world.town_a], ["main_industry"])
    world.town_a.refresh_from_db()
    assert world.town_a.main_industry == ""
    before.assert_unchanged()


def test_it_audits_the_bulk_helpers(world):
    with change_context(user=world.user("admin")):
        parks = audited_bulk_create(Region, [
            Region(name=f"快速园区{n}", code=f"37028100645{n}", level="park", parent=world.town_a)
            for n in range(3)])
        for park in parks:
            park.main_industry = "物流"
        assert audited_bulk_update(Region, parks, ["main_industry"]) == 3
    for park in parks:
        assert changes_of(park, "create").get().user.username == "admin"
        assert changes_of(park, "update").get().diff() == [("main_industry", "", "物流")]


# --- records are immutable on every path --------------------------------------------------

def test_it_refuses_to_edit_or_delete_records_through_the_model(change):
    change.user_name = "伪造"
    with pytest.raises(ImmutableError):
        change.save()
    with pytest.raises(ImmutableError):
        change.delete()
    with pytest.raises(ImmutableError):
        ObjectChange.objects.filter(pk=change.pk).update(user_name="伪造")
    with pytest.raises(ImmutableError):
        ObjectChange.objects.filter(pk=change.pk).delete()
    with pytest.raises(ImmutableError):
        ObjectChange.objects.all().delete()
    with pytest.raises(ImmutableError):
        ObjectChange.objects.bulk_update([change], ["user_name"])
    with pytest.raises(ImmutableError):
        ObjectChange.objects.update_or_create(pk=change.pk, defaults={"user_name": "伪造"})
    stored = ObjectChange.objects.get(pk=change.pk)
    assert stored.user_name == "admin"


@pytest.mark.parametrize("user", ["admin", "secretariat", "town_a"])
def test_it_refuses_to_write_records_through_the_api(world, change, user):
    api = api_for(world, user)
    before = Snapshot()
    payload = {"user_name": "伪造", "action": "delete", "object_repr": "x"}
    detail = f"/api/core/changes/{change.pk}/"
    for response in (api.post("/api/core/changes/", payload, format="json"),
                     api.put(detail, payload, format="json"),
                     api.patch(detail, payload, format="json"),
                     api.delete(detail),
                     api.delete("/api/core/changes/")):
        assert response.status_code in (403, 404, 405), response.status_code
    if user != "town_a":
        assert api.get(detail).json()["user_name"] == "admin"
    before.assert_unchanged()
    assert ObjectChange.objects.get(pk=change.pk).user_name == "admin"


def test_it_offers_no_admin_page_that_edits_records(world, change):
    superuser = world.user("admin")
    superuser.is_staff = superuser.is_superuser = True
    superuser.save()
    client = Client()
    client.force_login(superuser)
    assert ObjectChange not in admin.site._registry
    for path in ("/admin/core/objectchange/", "/admin/core/objectchange/add/",
                 f"/admin/core/objectchange/{change.pk}/change/",
                 f"/admin/core/objectchange/{change.pk}/delete/"):
        assert client.get(path).status_code in (403, 404), path
    response = client.post(f"/admin/core/objectchange/{change.pk}/delete/", {"post": "yes"})
    assert response.status_code in (403, 404)
    assert ObjectChange.objects.filter(pk=change.pk).exists()


def test_it_offers_no_ui_path_that_edits_records(world, change):
    client = client_for(world, "admin")
    page = client.get(f"/core/audit/{change.pk}/")
    assert page.status_code == 200 and "审计园区" in page.content.decode()
    for path in (f"/core/audit/{change.pk}/", "/core/audit/"):
        assert client.post(path, {"user_name": "伪造"}).status_code in (403, 404, 405)
    assert ObjectChange.objects.get(pk=change.pk).user_name == "admin"


# --- the global audit list ----------------------------------------------------------------

@pytest.fixture
def history(world):
    """Changes by two users on two models, one of them back-dated."""
    with change_context(user=world.user("admin")):
        park = Region.objects.create(name="筛选园区", code="370281006470", level="park",
                                     parent=world.town_a)
        park.main_industry = "改过"
        park.save()
    with change_context(user=world.user("secretariat")):
        Tag.objects.create(name="筛选标签", slug="filter-tag")
    old = ObjectChange.objects.for_object(park).get(action="create")
    # Back-date one record (a test-only write beneath the immutable queryset).
    ObjectChange._base_manager.filter(pk=old.pk).update(
        time=timezone.now() - datetime.timedelta(days=10))
    return park


def listed(client, query):
    response = client.get("/core/audit/?" + query)
    assert response.status_code == 200
    return [row.record for row in response.context["table"].page.object_list]


def test_it_filters_the_audit_list(world, history):
    client = client_for(world, "admin")
    everything = listed(client, "")
    assert {c.user_name for c in everything} >= {"admin", "secretariat"}
    by_user = listed(client, "user_name=secretariat")
    assert by_user and all(c.user_name == "secretariat" for c in by_user)
    by_model = listed(client, "content_type=regions.region")
    assert by_model and all(c.content_type.model == "region" for c in by_model)
    assert listed(client, "content_type=tag") == [
        ObjectChange.objects.get(object_repr="筛选标签")]
    updates = listed(client, "action=update")
    assert updates and all(c.action == "update" for c in updates)
    today = timezone.localdate().isoformat()
    recent = listed(client, f"time_after={today}")
    assert all(c.object_repr != "筛选园区" or c.action != "create" for c in recent)
    week_ago = (timezone.localdate() - datetime.timedelta(days=7)).isoformat()
    old = listed(client, f"time_before={week_ago}")
    assert [(c.object_repr, c.action) for c in old] == [("筛选园区", "create")]
    combined = listed(client, f"user_name=admin&content_type=regions.region&action=update"
                              f"&time_after={today}")
    assert [(c.object_repr, c.action) for c in combined] == [("筛选园区", "update")]


@pytest.mark.parametrize("user", ["town_a", "scoped", "leader_a", "readonly", "nobody"])
def test_it_closes_the_audit_list_to_scoped_and_other_users(world, history, user):
    client = client_for(world, user)
    response = client.get("/core/audit/")
    assert response.status_code == 403
    assert "筛选园区" not in response.content.decode()


def test_it_opens_the_audit_list_to_the_city_secretariat(world, history):
    assert client_for(world, "secretariat").get("/core/audit/").status_code == 200


def test_it_shows_an_objects_change_log_tab(world, history):
    response = client_for(world, "town_a").get(f"/regions/regions/{history.pk}/changelog/")
    assert response.status_code == 200
    page = response.content.decode()
    assert "data-changelog" in page and "改过" in page


def test_it_names_a_background_job_as_the_actor_in_words(world):
    with change_context(actor="job:dashboards.snapshot"):
        Tag.objects.create(name="快照标签", slug="kuaizhao")
    change = ObjectChange.objects.get(object_repr="快照标签")
    assert change.user_name == "job:dashboards.snapshot"  # what is stored stays exact
    assert change.actor_label == "后台任务：产业链指标快照"
    home = client_for(world, "admin").get("/").content.decode()
    log = client_for(world, "admin").get("/core/audit/").content.decode()
    assert "后台任务：产业链指标快照" in home and "后台任务：产业链指标快照" in log
    assert "job:dashboards.snapshot" not in home
