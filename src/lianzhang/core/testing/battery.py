"""The standard test battery (DESIGN §6.13). A model's tests subclass `ObjectBattery`,
declare how to make sample objects, and get view, API, filter, import, export,
permission (none / full / scoped) and audit tests:

    class TestRegionBattery(ObjectBattery):
        object_type = RegionType

        def make(self, world, town, chain, n): ...
        def form_data(self, world, town, chain, n): ...

`lianzhang.core.tests.test_meta` fails when a registered type has no battery."""

from __future__ import annotations

import csv
import importlib
import io
import pkgutil
from typing import Any

import pytest
from django.contrib.contenttypes.models import ContentType
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from ..exporter import export_columns
from ..models import ObjectChange
from ..registry import ObjectType
from .fixtures import World

__all__ = ["ObjectBattery", "find_batteries"]


class ObjectBattery:
    """Base class of a model's battery (pytest collects subclasses named Test*)."""

    object_type: type[ObjectType]
    #: Whether a user scoped to town A / chain A can create a new object in scope
    #: (False for types whose scope is the object itself, such as chains, and for types
    #: with neither dimension, which only city-wide roles write).
    scoped_can_create: bool = True

    # --- declarations a battery provides -------------------------------------------
    def make(self, world: World, town: Any, chain: Any, n: int) -> Any:
        """Create (or return) a saved object that belongs to `town` and `chain`."""
        raise NotImplementedError

    def form_data(self, world: World, town: Any, chain: Any, n: int) -> dict[str, Any]:
        """Valid edit form data (related objects by pk) for a new object in `town` /
        `chain`; `n` makes unique values."""
        raise NotImplementedError

    def import_data(self, world: World, town: Any, chain: Any, n: int) -> dict[str, str]:
        """Valid import row (import form field names, related objects by natural key);
        the edit form's data by default."""
        return self.form_data(world, town, chain, n)

    def api_data(self, world: World, town: Any, chain: Any, n: int) -> dict[str, Any]:
        """Valid API payload (related objects by id)."""
        raise NotImplementedError

    def edit_change(self) -> tuple[str, str]:
        """A (field, new value) pair the edit test applies."""
        return "description", "已修改的说明"

    def search_text(self, obj: Any) -> str:
        """Text the list's `q` search should find `obj` by."""
        return str(obj)

    def list_text(self, obj: Any) -> str:
        """Text that identifies `obj` in the list page and in exports."""
        return self.search_text(obj)

    # --- helpers --------------------------------------------------------------------
    @property
    def model(self) -> type:
        return self.object_type.model

    @property
    def is_scoped(self) -> bool:
        scope = self.model.scope
        return bool(scope.town or scope.chain)

    def url(self, view: str, *args: Any) -> str:
        return reverse(self.object_type.url_name(view), args=args)

    def api_list_url(self) -> str:
        return f"/api/{self.object_type.app_label()}/{self.object_type.url_plural()}/"

    def client_for(self, world: World, name: str) -> Client:
        client = Client()
        client.force_login(world.user(name))
        return client

    def api_for(self, world: World, name: str) -> APIClient:
        client = APIClient()
        token = Token.objects.create(user=world.user(name))
        client.credentials(HTTP_AUTHORIZATION=f"Token {token.key}")
        return client

    def changes(self, obj_or_pk: Any, action: str | None = None):
        pk = getattr(obj_or_pk, "pk", obj_or_pk)
        qs = ObjectChange.objects.filter(
            content_type=ContentType.objects.get_for_model(self.model), object_id=str(pk))
        return qs.filter(action=action) if action else qs

    def csv_upload(self, rows: list[dict[str, str]], encoding: str = "utf-8-sig"
                   ) -> SimpleUploadedFile:
        labels = dict(export_columns(self.object_type))
        names = list(rows[0])
        buf = io.StringIO()
        writer = csv.writer(buf)
        writer.writerow([labels[n] for n in names])
        for row in rows:
            writer.writerow([row[n] for n in names])
        return SimpleUploadedFile("import.csv", buf.getvalue().encode(encoding), "text/csv")

    @pytest.fixture
    def pair(self, world: World) -> tuple[Any, Any]:
        """One object in scope A and one in scope B."""
        return (self.make(world, world.town_a, world.chain_a, 1),
                self.make(world, world.town_b, world.chain_b, 2))

    # --- permission: none ---------------------------------------------------------
    def test_no_role_is_refused_everywhere(self, world, pair):
        client = self.client_for(world, "nobody")
        a, _b = pair
        for url in (self.url("list"), self.url("detail", a.pk), self.url("add"),
                    self.url("import"), self.url("list") + "?export=csv"):
            assert client.get(url).status_code == 403, url
        api = self.api_for(world, "nobody")
        assert api.get(self.api_list_url()).status_code == 403
        count = self.model.objects.count()
        response = api.post(self.api_list_url(), self.api_data(world, world.town_a,
                                                              world.chain_a, 7), format="json")
        assert response.status_code == 403
        assert self.model.objects.count() == count

    def test_anonymous_is_sent_to_login_and_api_says_401(self, world, pair):
        response = Client().get(self.url("list"))
        assert response.status_code == 302 and reverse("login") in response["Location"]
        assert APIClient().get(self.api_list_url()).status_code in (401, 403)

    # --- permission: scoped -------------------------------------------------------
    def test_scoped_user_sees_only_scope_in_ui_api_and_export(self, world, pair):
        a, b = pair
        client = self.client_for(world, "scoped")
        listing = client.get(self.url("list")).content.decode()
        assert self.list_text(a) in listing
        assert client.get(self.url("detail", a.pk)).status_code == 200
        api = self.api_for(world, "scoped")
        ids = {row["id"] for row in api.get(self.api_list_url()).json()["results"]}
        assert a.pk in ids
        export = client.get(self.url("list") + "?export=csv").content.decode("utf-8-sig")
        if self.is_scoped:
            assert self.list_text(b) not in listing
            assert client.get(self.url("detail", b.pk)).status_code == 404
            assert client.get(self.url("edit", b.pk)).status_code == 404
            assert client.get(self.url("delete", b.pk)).status_code == 404
            assert b.pk not in ids
            assert api.get(f"{self.api_list_url()}{b.pk}/").status_code == 404
            assert api.delete(f"{self.api_list_url()}{b.pk}/").status_code == 404
            assert self.model.objects.filter(pk=b.pk).exists()
            assert self.list_text(b) not in export

    def test_scoped_user_cannot_create_outside_scope(self, world, pair):
        if not self.is_scoped:
            pytest.skip("type has no scope")
        before = self.model.objects.count()
        client = self.client_for(world, "scoped")
        data = self.form_data(world, world.town_b, world.chain_b, 8)
        response = client.post(self.url("add"), data)
        assert response.status_code in (400, 403)
        response = client.post(self.url("import"), {
            "file": self.csv_upload([self.import_data(world, world.town_b, world.chain_b, 9)]),
            "dry_run": ""})
        assert response.status_code in (400, 403)
        api = self.api_for(world, "scoped")
        response = api.post(self.api_list_url(),
                            self.api_data(world, world.town_b, world.chain_b, 10), format="json")
        assert response.status_code in (400, 403)
        assert self.model.objects.count() == before

    def test_scoped_user_can_create_inside_scope(self, world, pair):
        if not self.scoped_can_create:
            pytest.skip("scope is the object itself")
        client = self.client_for(world, "scoped")
        data = self.form_data(world, world.town_a, world.chain_a, 11)
        response = client.post(self.url("add"), data)
        assert response.status_code == 302, getattr(response, "context", None) and response.context.get("form").errors

    # --- full permission: UI CRUD with audit --------------------------------------------
    def test_full_user_creates_edits_deletes_with_audit(self, world, pair):
        client = self.client_for(world, "admin")
        assert client.get(self.url("add")).status_code == 200
        data = self.form_data(world, world.town_a, world.chain_a, 12)
        before = set(self.model.objects.values_list("pk", flat=True))
        response = client.post(self.url("add"), data)
        assert response.status_code == 302, response.context and response.context["form"].errors
        (pk,) = set(self.model.objects.values_list("pk", flat=True)) - before
        created = self.changes(pk, "create").get()
        assert created.user.username == "admin" and created.request_id is not None
        field, value = self.edit_change()
        data[field] = value
        assert client.post(self.url("edit", pk), data).status_code == 302
        # Many-to-many fields set on create are recorded as updates of their own (same
        # request id), so pick the record of this edit.
        (update,) = [c for c in self.changes(pk, "update")
                     if (c.postchange_data or {}).get(field) == value]
        assert update.prechange_data[field] != value
        page = client.get(self.url("changelog", pk)).content.decode()
        assert "data-changelog" in page and value in page
        assert client.get(self.url("delete", pk)).status_code == 200
        assert client.post(self.url("delete", pk)).status_code == 302
        assert not self.model.objects.filter(pk=pk).exists()
        assert self.changes(pk, "delete").get().prechange_data[field] == value

    # --- optimistic locking --------------------------------------------------------------
    def _created_pk(self, client: Client, data: dict[str, Any]) -> int:
        before = set(self.model.objects.values_list("pk", flat=True))
        response = client.post(self.url("add"), data)
        assert response.status_code == 302, response.context and response.context["form"].errors
        (pk,) = set(self.model.objects.values_list("pk", flat=True)) - before
        return pk

    def test_stale_edit_is_refused_with_a_link_and_nothing_written(self, world, pair):
        first, second = self.client_for(world, "admin"), self.client_for(world, "secretariat")
        data = self.form_data(world, world.town_a, world.chain_a, 14)
        pk = self._created_pk(first, data)
        loaded = [c.get(self.url("edit", pk)).context["form"]["revision"].value()
                  for c in (first, second)]
        assert loaded[0] == loaded[1] == self.model.objects.get(pk=pk).revision
        field, value = self.edit_change()
        assert first.post(self.url("edit", pk), {**data, field: value,
                                                 "revision": loaded[0]}).status_code == 302
        stored = self.model.objects.get(pk=pk)
        change = self.changes(pk, "update").order_by("-pk").first()
        audit = ObjectChange.objects.count()
        # The second user saves the page loaded before the first change.
        response = second.post(self.url("edit", pk), {**data, "revision": loaded[1]})
        assert response.status_code == 409
        page = response.content.decode()
        assert reverse("core:change", args=[change.pk]) in page and "admin" in page
        assert ObjectChange.objects.count() == audit
        after = self.model.objects.get(pk=pk)
        assert str(getattr(after, field)) == str(value) and after.revision == stored.revision
        # The input is kept and now carries the current revision: saving again,
        # deliberately, overwrites the first change.
        form = response.context["form"]
        assert str(form[field].value() or "") == str(data.get(field) or "")
        assert form["revision"].value() == str(stored.revision)
        again = second.post(self.url("edit", pk), {**data, "revision": stored.revision})
        assert again.status_code == 302
        assert self.model.objects.get(pk=pk).revision == stored.revision + 1

    def test_api_stale_writes_answer_412_or_409_and_write_nothing(self, world, pair):
        client = self.client_for(world, "admin")
        data = self.form_data(world, world.town_a, world.chain_a, 15)
        pk = self._created_pk(client, data)
        api, url = self.api_for(world, "secretariat"), f"{self.api_list_url()}{pk}/"
        read = api.get(url)
        old = read["ETag"]
        assert old == f'"{read.json()["revision"]}"'
        field, value = self.edit_change()
        assert client.post(self.url("edit", pk), {**data, field: value}).status_code == 302
        now = self.model.objects.get(pk=pk).revision
        audit = ObjectChange.objects.count()
        response = api.patch(url, {}, format="json", HTTP_IF_MATCH=old)
        assert response.status_code == 412 and response.json()["revision"] == now
        assert "admin" in response.json()["detail"]
        response = api.patch(url, {"revision": now - 1}, format="json")
        assert response.status_code == 409 and response.json()["change_url"]
        assert api.delete(url, HTTP_IF_MATCH=old).status_code == 412
        assert self.model.objects.filter(pk=pk, revision=now).exists()
        assert ObjectChange.objects.count() == audit
        fresh = api.get(url)
        assert fresh["ETag"] == f'"{now}"'
        response = api.patch(url, {}, format="json", HTTP_IF_MATCH=fresh["ETag"])
        assert response.status_code == 200 and response["ETag"] == f'"{now}"'

    # --- API ----------------------------------------------------------------------------
    def test_api_create_with_token_is_audited(self, world, pair):
        api = self.api_for(world, "secretariat")
        response = api.post(self.api_list_url(),
                            self.api_data(world, world.town_a, world.chain_a, 13), format="json")
        assert response.status_code == 201, response.content
        change = self.changes(response.json()["id"], "create").get()
        assert change.user.username == "secretariat"
        assert api.get("/api/schema/").status_code == 200

    # --- filter -------------------------------------------------------------------------
    def test_filter_q_finds_the_object(self, world, pair):
        a, b = pair
        filterset = self.object_type.filterset({"q": self.search_text(a)},
                                               queryset=self.model.objects.all())
        assert a in filterset.qs
        assert b not in filterset.qs or self.search_text(a) in self.search_text(b)

    # --- import ---------------------------------------------------------------------------
    def test_import_dry_run_writes_nothing_then_commit_writes_all_audited(self, world, pair):
        client = self.client_for(world, "admin")
        rows = [self.import_data(world, world.town_a, world.chain_a, 20 + i) for i in range(3)]
        count, audit = self.model.objects.count(), ObjectChange.objects.count()
        response = client.post(self.url("import"), {"file": self.csv_upload(rows),
                                                    "dry_run": "on"})
        assert response.status_code == 200 and b"data-import-preview" in response.content
        assert (self.model.objects.count(), ObjectChange.objects.count()) == (count, audit)
        response = client.post(self.url("import"), {"file": self.csv_upload(rows, "gb18030"),
                                                    "dry_run": ""})
        assert response.status_code == 302
        assert self.model.objects.count() == count + 3
        assert ObjectChange.objects.filter(action="create").count() >= 3

    # --- export ---------------------------------------------------------------------------
    def test_export_xlsx_has_headers_and_rows(self, world, pair):
        from openpyxl import load_workbook

        a, _b = pair
        response = self.client_for(world, "admin").get(self.url("list") + "?export=xlsx")
        assert response.status_code == 200
        sheet = load_workbook(io.BytesIO(response.content)).active
        header = [c.value for c in next(sheet.iter_rows(max_row=1))]
        assert header == [h for _n, h in export_columns(self.object_type)]
        assert sheet.max_row >= 3


def find_batteries() -> dict[str, type[ObjectBattery]]:
    """Every app's battery classes (from `<app>.tests.test_battery`) by type key."""
    import lianzhang

    for module in pkgutil.iter_modules(lianzhang.__path__):
        try:
            importlib.import_module(f"lianzhang.{module.name}.tests.test_battery")
        except ModuleNotFoundError:
            continue
    found = {}
    stack = list(ObjectBattery.__subclasses__())
    while stack:
        cls = stack.pop()
        stack.extend(cls.__subclasses__())
        found[cls.object_type.key()] = cls
    return found
