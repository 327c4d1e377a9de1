"""Optimistic locking: every recorded change raises an object's revision (saves, links,
audited bulk writes by jobs); a save from a stale copy is refused with nothing
written; the person is told who changed the object and when, with a link that opens."""

import json

import pytest
from django.db import transaction
from django.test import RequestFactory
from django.urls import reverse

from lianzhang.core.audit import audited_bulk_update
from lianzhang.core.context import change_context
from lianzhang.core.locking import check_revision
from lianzhang.core.middleware import ChangeContextMiddleware
from lianzhang.core.models import ObjectChange, StaleObjectError, Tag
from lianzhang.core.testing.helpers import (
    Snapshot,
    client_for,
    form_post_data,
    requires_zh_catalogue,
)
from lianzhang.regions.models import Region

from ..api.viewsets import if_match_revision


def fresh(obj):
    return type(obj)._base_manager.get(pk=obj.pk)


def test_it_raises_the_revision_once_per_recorded_change(world):
    park = Region.objects.create(name="锁园区", code="370281006501", level="park",
                                 parent=world.town_a)
    assert park.revision == 1
    park.description = "改一次"
    park.save()
    assert park.revision == fresh(park).revision == 2
    park.save()  # changes nothing: no record, no new revision
    assert fresh(park).revision == 2
    park.tags.add(Tag.objects.create(name="锁", slug="lock"))  # a link is a change too
    assert park.revision == fresh(park).revision == 3
    records = ObjectChange.objects.for_object(park).exclude(action="create").count()
    assert records == 2 == fresh(park).revision - 1


def test_it_refuses_a_save_from_a_stale_copy_and_writes_nothing(world):
    first, second = fresh(world.town_a), fresh(world.town_a)
    first.description = "第一次修改"
    first.save()
    snapshot = Snapshot(Region)
    second.description = "过时的修改"
    # Like an IntegrityError, the refusal ends the transaction it happens in.
    with pytest.raises(StaleObjectError) as caught, transaction.atomic():
        second.save()
    assert not caught.value.deleted and second.revision == caught.value.expected
    snapshot.assert_unchanged()
    assert fresh(world.town_a).description == "第一次修改"


def test_it_does_not_bring_back_an_object_deleted_meanwhile(world):
    park = Region.objects.create(name="将删园区", code="370281006502", level="park",
                                 parent=world.town_a)
    fresh(park).delete()
    park.description = "还在吗"
    with pytest.raises(StaleObjectError) as caught, transaction.atomic():
        park.save()
    assert caught.value.deleted
    assert not Region.objects.filter(pk=park.pk).exists()


def test_it_bumps_changed_objects_in_audited_bulk_writes_and_refuses_stale_ones(world):
    a, b = fresh(world.town_a), fresh(world.town_b)
    a.description = "批量修改"
    assert audited_bulk_update(Region, [a, b], ["description"]) == 2
    assert (fresh(a).revision, fresh(b).revision) == (2, 1)  # b did not change
    assert a.revision == 2
    stale = fresh(world.town_b)
    b.description = "别人先改了"
    b.save()
    snapshot = Snapshot(Region)
    stale.description = "过时的批量修改"
    with pytest.raises(StaleObjectError), transaction.atomic():
        audited_bulk_update(Region, [fresh(world.town_a), stale], ["description"])
    snapshot.assert_unchanged()
    assert fresh(b).description == "别人先改了"


def test_it_tells_a_user_editing_what_a_background_job_changed_meanwhile(world):
    client = client_for(world, "secretariat")
    url = reverse("regions:region_edit", args=[world.town_a.pk])
    data = form_post_data(client.get(url).context["form"])
    with change_context(actor="job:mapping.run"):  # a job saves the object meanwhile
        town = fresh(world.town_a)
        town.description = "任务写入"
        town.save()
    data["description"] = "用户的修改"
    response = client.post(url, data)
    assert response.status_code == 409
    change = ObjectChange.objects.for_object(town).first()
    page = response.content.decode()
    assert change.actor_label in page and reverse("core:change", args=[change.pk]) in page
    assert fresh(world.town_a).description == "任务写入"


@requires_zh_catalogue
def test_it_does_not_delete_an_object_changed_after_the_confirmation_was_shown(world):
    park = Region.objects.create(name="待删园区", code="370281006503", level="park",
                                 parent=world.town_a)
    client = client_for(world, "admin")
    url = reverse("regions:region_delete", args=[park.pk])
    page = client.get(url).content.decode()
    assert f'name="revision" value="{park.revision}"' in page
    shown = park.revision
    park.description = "确认页之后的修改"
    park.save()
    response = client.post(url, {"revision": shown}, follow=True)
    change = ObjectChange.objects.for_object(park).first()
    text = " ".join(str(m) for m in response.context["messages"])
    assert reverse("core:change", args=[change.pk]) in text and "未删除任何内容" in text
    assert Region.objects.filter(pk=park.pk).exists()
    assert client.post(url, {"revision": park.revision}).status_code == 302
    assert not Region.objects.filter(pk=park.pk).exists()


def test_it_opens_the_linked_change_record_for_whoever_may_view_the_object(world):
    for town in (world.town_a, world.town_b):
        obj = fresh(town)
        obj.description = "改"
        obj.save()
    mine = ObjectChange.objects.for_object(world.town_a).first()
    other = ObjectChange.objects.for_object(world.town_b).first()
    client = client_for(world, "town_a")
    assert client.get(reverse("core:change", args=[mine.pk])).status_code == 200
    assert client.get(reverse("core:change", args=[other.pk])).status_code == 404


def test_it_checks_and_locks_a_revision_for_writes_that_are_not_a_save(world):
    town = fresh(world.town_a)
    check_revision(town, None)
    check_revision(town, town.revision)
    with pytest.raises(StaleObjectError), transaction.atomic():
        check_revision(town, town.revision + 1)


def test_it_answers_a_race_lost_in_any_view_with_a_409_not_a_500(world):
    town = fresh(world.town_a)
    town.description = "赢家"
    town.save()
    error = StaleObjectError(Region, town.pk, 1)
    middleware = ChangeContextMiddleware(lambda request: None)
    request = RequestFactory().post("/x/", HTTP_ACCEPT="application/json")
    response = middleware.process_exception(request, error)
    assert response.status_code == 409 and "error" in json.loads(response.content)
    request = RequestFactory().post("/x/")
    request.user = world.user("secretariat")
    response = middleware.process_exception(request, error)
    assert response.status_code == 409
    change = ObjectChange.objects.for_object(town).first()
    page = response.content.decode()
    assert reverse("core:change", args=[change.pk]) in page and "data-conflict" in page
    assert middleware.process_exception(request, ValueError()) is None


@pytest.mark.parametrize(("header", "expected"), [
    (None, None), ("", None), ('"4"', 4), ('"3", "4"', 4), ("*", 4), ('W/"4"', 0),
    ('"3"', 3), ("junk", 0), ('"x"', 0)])
def test_it_reads_if_match_strongly(header, expected):
    assert if_match_revision(header, 4) == expected


def test_it_describes_locking_truthfully_in_the_openapi_schema(world):
    from drf_spectacular.generators import SchemaGenerator
    from drf_spectacular.validation import validate_schema

    schema = SchemaGenerator().get_schema(request=None, public=True)
    validate_schema(schema)  # a valid OpenAPI 3 document
    item = schema["paths"]["/api/regions/regions/{id}/"]
    for method in ("get", "put", "patch"):
        assert "ETag" in item[method]["responses"]["200"]["headers"], method
    for method, codes in (("put", {"409", "412"}), ("patch", {"409", "412"}),
                          ("delete", {"400", "409", "412"})):
        header = [p for p in item[method]["parameters"] if p["name"] == "If-Match"]
        assert header and header[0]["in"] == "header" and not header[0].get("required")
        assert codes <= set(item[method]["responses"]), method
    assert "If-Match" not in {p["name"] for p in item["get"].get("parameters", [])}
    revision = schema["components"]["schemas"]["Region"]["properties"]["revision"]
    assert revision["type"] == "integer" and revision["minimum"] == 1
