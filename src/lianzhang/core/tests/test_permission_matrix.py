"""The permission matrix: every URL pattern and API endpoint × every role (and anonymous)
× read / write / export, with objects in the user's scope (A) and outside it (B).

The answer each request should get comes from `core.testing.matrix.expected`, a
reference model of docs/permissions.md evaluated on the objects themselves; writes run
inside a savepoint that is rolled back, and a refused write must leave the object as it
was. A URL pattern that neither the registry nor `PAGES` below covers fails the test,
so a new page cannot ship without saying who may use it."""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import pytest
from django.contrib import admin
from django.db import transaction
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from rest_framework.authtoken.models import Token

from lianzhang.core.context import change_context
from lianzhang.core.models import Job, ObjectChange
from lianzhang.core.registry import registry
from lianzhang.core.testing.battery import find_batteries
from lianzhang.core.testing.fixtures import make_user
from lianzhang.core.testing.matrix import (
    WRITE_OK,
    Grant,
    Request,
    expected,
    object_requests,
    type_possible,
)
from lianzhang.users.roles import Role

# The matrix's users: the demo city's roles, each scoped as in the demo (A = 九龙街道 /
# 智能家电 and the firm the enterprise user speaks for).
ROLES = ["anonymous", "nobody", "admin", "secretariat", "scoped", "leader_a", "deputy_a",
         "taskforce_a", "town_a", "firm_a", "readonly"]
# Roles checked in one test share its world (building it costs as much as a role's
# requests); the groups are of about equal cost, so the two test workers stay busy.
GROUPS = [("admin", "secretariat"), ("scoped", "town_a", "anonymous", "nobody"),
          ("leader_a", "deputy_a", "taskforce_a", "firm_a", "readonly")]
PUBLIC = {"healthz", "login", "logout", "set_language", "javascript-catalog"}


@dataclass
class Matrix:
    """The world of the matrix: objects of every type in A and B, and the users."""

    world: Any
    objects: dict[str, tuple[Any, Any]]
    grants: dict[str, Grant]
    extra: dict[str, Any]
    requests: dict[str, list[Request]]

    def pair(self, key: str) -> tuple[Any, Any]:
        return self.objects[key]

    def side(self, key: str, side: str) -> Any:
        return self.objects[key][0 if side == "a" else 1]


def _leaf(chain):
    from lianzhang.attraction.tests.helpers import leaf

    return leaf(chain)


@pytest.fixture
def matrix(world) -> Matrix:
    """Objects of every registered type in A and B (made by the types' batteries), a
    few extras the custom pages act on, and a user per role."""
    batteries = find_batteries()
    objects = {}
    with change_context(user=world.user("admin")):
        for key in sorted(registry):
            battery = batteries[key]()
            # Numbers clear of the ones the helpers below use (map version 1.0 …).
            objects[key] = (battery.make(world, world.town_a, world.chain_a, 21),
                            battery.make(world, world.town_b, world.chain_b, 22))
        extra = _extras(world, objects)
    firm_a = objects["enterprises.enterprise"][0]
    users = world.users
    users["deputy_a"] = make_user("deputy_a", Role.DEPUTY, [], [world.chain_a])
    users["taskforce_a"] = make_user("taskforce_a", Role.TASKFORCE, [], [world.chain_a])
    users["firm_a"] = make_user("firm_a", Role.FIRM)
    users["firm_a"].assignments.get().enterprises.set([firm_a])
    users["admin"].is_staff = users["admin"].is_superuser = True  # as the demo's admin
    users["admin"].save()
    ids = {"a_town": world.town_a.pk, "a_chain": world.chain_a.pk}
    grants = {
        "nobody": Grant(None), "admin": Grant(Role.ADMIN),
        "secretariat": Grant(Role.SECRETARIAT),
        "scoped": Grant(Role.SECRETARIAT, frozenset({ids["a_town"]}), frozenset({ids["a_chain"]})),
        "leader_a": Grant(Role.LEADER, chains=frozenset({ids["a_chain"]})),
        "deputy_a": Grant(Role.DEPUTY, chains=frozenset({ids["a_chain"]})),
        "taskforce_a": Grant(Role.TASKFORCE, chains=frozenset({ids["a_chain"]})),
        "town_a": Grant(Role.TOWN, towns=frozenset({ids["a_town"]})),
        "firm_a": Grant(Role.FIRM, firms=frozenset({firm_a.pk})),
        "readonly": Grant(Role.READONLY),
    }
    # Built once: the add requests carry new objects' data, which may create helpers.
    requests = {key: object_requests(batteries[key](), world, *objects[key])
                for key in sorted(registry)}
    return Matrix(world, objects, grants, extra, requests)


def _extras(world, objects) -> dict[str, Any]:
    """Objects only custom pages need: published leaves, drafts to publish, a job and a
    change record of each side."""
    from lianzhang.chains.models import MapVersion

    extra: dict[str, Any] = {}
    for side, chain in (("a", world.chain_a), ("b", world.chain_b)):
        extra[f"leaf_{side}"] = _leaf(chain)
        extra[f"draft_{side}"] = (MapVersion.objects.filter(chain=chain, status="draft").first()
                                  or MapVersion.objects.create(chain=chain, status="draft"))
    extra["job"] = Job.objects.create(kind="core.matrix", name="矩阵任务",
                                      user=world.user("secretariat"))
    park_a, park_b = objects["regions.region"]
    extra["change_a"] = ObjectChange.objects.for_object(park_a).first()
    extra["change_b"] = ObjectChange.objects.for_object(park_b).first()
    return extra


@dataclass(frozen=True)
class Page:
    """A URL outside the generic object pages: how to call it for side A or B, and what
    it needs: `action` on `model` (on the object `ref` returns for the side, else on
    the type), or a `rule` of its own (grant, matrix, side → allowed)."""

    name: str
    args: Callable[[Matrix, str], list] | None = None
    model: str = ""
    action: str = "view"
    ref: Callable[[Matrix, str], Any] | None = None
    also: tuple[tuple[str, str], ...] = ()  # further (model, action) the type must allow
    rule: Callable[[Grant, Matrix, str], bool] | None = None
    methods: tuple[str, ...] = ("GET",)
    allowed: frozenset[int] = frozenset({200})  # answers to a permitted POST
    get_ok: frozenset[int] = frozenset({200})  # answers to a permitted GET
    query: str = ""


def _obj(key: str) -> Callable[[Matrix, str], Any]:
    return lambda m, side: m.side(key, side)


def _pk(key: str) -> Callable[[Matrix, str], list]:
    return lambda m, side: [m.side(key, side).pk]


def _chain(m: Matrix, side: str) -> Any:
    return m.world.chain_a if side == "a" else m.world.chain_b


def _map_of(m: Matrix, side: str) -> Any:
    return m.side("chains.mapversion", side)


def _auditor(grant: Grant, m: Matrix, side: str) -> bool:
    return grant.role == Role.ADMIN or (grant.role == Role.SECRETARIAT and not grant.towns
                                        and not grant.chains)


def _job_owner(grant: Grant, m: Matrix, side: str) -> bool:
    return grant.role == Role.ADMIN or grant == m.grants["secretariat"]


def _signed_in(grant: Grant, m: Matrix, side: str) -> bool:
    return True


def _site_admin(grant: Grant, m: Matrix, side: str) -> bool:
    return grant.role == Role.ADMIN


ANY = frozenset({200, 302})
PAGES = [
    Page("home", rule=_signed_in, get_ok=ANY),
    Page("core:audit", rule=_auditor),
    # A change record opens for auditors and for whoever may read the object it records.
    Page("core:change", lambda m, s: [m.extra[f"change_{s}"].pk],
         rule=lambda g, m, s: _auditor(g, m, s) or expected(g, m.side("regions.region", s),
                                                             "view")),
    Page("core:jobs", rule=_signed_in),
    Page("core:job", lambda m, s: [m.extra["job"].pk], rule=_job_owner),
    Page("core:job_progress", lambda m, s: [m.extra["job"].pk], rule=_job_owner),
    Page("core:job_cancel", lambda m, s: [m.extra["job"].pk], rule=_job_owner,
         methods=("POST",), allowed=ANY),
    Page("users:password_change", rule=_signed_in, methods=("GET", "POST"), allowed=WRITE_OK),
    Page("api-schema", rule=_signed_in),
    Page("api-docs", rule=_signed_in),
    Page("chains:map_upload", lambda m, s: [_chain(m, s).pk], "chains.mapversion", "change",
         _map_of, methods=("GET", "POST"), allowed=WRITE_OK),
    Page("chains:map_compare", lambda m, s: [_chain(m, s).pk], "chains.chain", "view", _chain),
    Page("chains:map_export", _pk("chains.mapversion"), "chains.mapversion", "view", _map_of),
    Page("chains:map_new_draft", _pk("chains.mapversion"), "chains.mapversion", "change",
         _map_of, methods=("POST",), allowed=WRITE_OK),
    Page("chains:map_publish", lambda m, s: [m.extra[f"draft_{s}"].pk], "chains.mapversion",
         "change", lambda m, s: m.extra[f"draft_{s}"], methods=("POST",), allowed=WRITE_OK),
    Page("enterprises:enterprise_merge", _pk("enterprises.enterprise"), "enterprises.enterprise",
         "change", _obj("enterprises.enterprise"), also=(("enterprises.enterprise", "delete"),),
         methods=("GET", "POST"), allowed=WRITE_OK),
    Page("enterprises:namereview_decide", _pk("enterprises.namereview"),
         "enterprises.namereview", "change", _obj("enterprises.namereview"), methods=("POST",),
         allowed=WRITE_OK),
    Page("mapping:review", model="mapping.nodelink", action="change",
         methods=("GET", "POST"), allowed=WRITE_OK),
    Page("projects:monthly", model="projects.progressreport", action="add"),
    Page("projects:review", model="projects.progressreport", query="?month=2025-01"),
    Page("projects:rollup", model="projects.project"),
    Page("projects:alerts", model="projects.project"),
    Page("projects:cycle_times", model="projects.project"),
    Page("projects:project_transition", _pk("projects.project"), "projects.project", "change",
         _obj("projects.project"), methods=("POST",), allowed=WRITE_OK),
    Page("attraction:gaps", model="attraction.recommendation"),
    Page("attraction:roadmap", lambda m, s: [_chain(m, s).pk], "chains.chain", "view", _chain,
         also=(("attraction.lead", "view"),)),
    Page("attraction:node_recommendations", lambda m, s: [m.extra[f"leaf_{s}"].pk],
         "chains.chainnode", "view", lambda m, s: m.extra[f"leaf_{s}"],
         also=(("attraction.recommendation", "view"),)),
    Page("attraction:lead_from_recommendation", _pk("attraction.recommendation"),
         "attraction.recommendation", "view", _obj("attraction.recommendation"),
         also=(("attraction.lead", "add"),)),
    Page("attraction:lead_move", _pk("attraction.lead"), "attraction.lead", "change",
         _obj("attraction.lead"), methods=("POST",), allowed=WRITE_OK),
    Page("attraction:lead_activity", _pk("attraction.lead"), "attraction.lead", "change",
         _obj("attraction.lead"), also=(("attraction.leadactivity", "add"),),
         methods=("POST",), allowed=WRITE_OK),
    Page("attraction:lead_convert", _pk("attraction.lead"), "attraction.lead", "change",
         _obj("attraction.lead"), also=(("projects.project", "add"),), methods=("POST",),
         allowed=WRITE_OK),
    Page("attraction:kanban", model="attraction.lead"),
    Page("attraction:funnel", model="attraction.lead"),
    Page("attraction:overdue", model="attraction.lead"),
    Page("attraction:duplicates", model="attraction.duplicateflag"),
    *[Page(f"dashboards:{name}", lambda m, s: [_chain(m, s).pk], "chains.chain", "view", _chain)
      for name in ("chain", "lists_xlsx", "nodes_xlsx", "tree_svg", "tree_png")],
    Page("dashboards:node_panel", lambda m, s: [_chain(m, s).pk, m.extra[f"leaf_{s}"].pk],
         "chains.chainnode", "view", lambda m, s: m.extra[f"leaf_{s}"]),
    Page("dashboards:snapshot", lambda m, s: [_chain(m, s).pk], "dashboards.chainsnapshot",
         "add", _obj("dashboards.chainsnapshot"),
         also=(("dashboards.chainsnapshot", "change"),), methods=("POST",), allowed=WRITE_OK),
    Page("dashboards:city", model="regions.region"),
    Page("dashboards:town", lambda m, s: [m.world.town_a.pk if s == "a" else m.world.town_b.pk],
         "regions.region", "view", lambda m, s: m.world.town_a if s == "a" else m.world.town_b),
]


def _api_roots() -> list[Page]:
    apps = sorted({t.app_label() for t in registry.values()} | {"core"})
    return [Page(f"api-{app}:api-root", rule=_signed_in) for app in apps]


def _url_names(resolver: URLResolver | None = None, namespace: str = "") -> set[str]:
    names = set()
    for pattern in (resolver or get_resolver()).url_patterns:
        if isinstance(pattern, URLResolver):
            inner = namespace + (f"{pattern.namespace}:" if pattern.namespace else "")
            names |= _url_names(pattern, inner)
        elif isinstance(pattern, URLPattern) and pattern.name:
            names.add(namespace + pattern.name)
    return names


def _generic_names() -> set[str]:
    names = set()
    for t in registry.values():
        names |= {t.url_name(v) for v in ("list", "add", "import", "detail", "edit", "delete",
                                          "changelog")}
        app, base = t.app_label(), f"{t.app_label()}-{t.model_name()}"
        names |= {f"api-{app}:{base}-list", f"api-{app}:{base}-detail"}
    return names | {"api-core:core-objectchange-list", "api-core:core-objectchange-detail"}


def test_it_has_an_entry_for_every_url():
    """A new URL must say who may use it: generic object pages come from the registry,
    every other page from PAGES; the admin site and public pages are listed here."""
    covered = _generic_names() | {p.name for p in PAGES + _api_roots()} | PUBLIC
    missing = sorted(n for n in _url_names() - covered if not n.startswith("admin:"))
    assert not missing, f"URLs without a permission-matrix entry: {missing}"


# --- running the requests ----------------------------------------------------------------

def _clients(m: Matrix, name: str) -> tuple[Client, Client]:
    web, api = Client(), Client()
    if name != "anonymous":
        user = m.world.user(name)
        web.force_login(user)
        token, _ = Token.objects.get_or_create(user=user)
        api = Client(HTTP_AUTHORIZATION=f"Token {token.key}")
    return web, api


def _send(client: Client, method: str, url: str, *, api: bool,
          data: dict[str, Any] | None = None) -> Any:
    """One request inside a savepoint that is rolled back: the matrix never writes."""
    with transaction.atomic():
        if method == "GET":
            response = client.get(url)
        elif api:
            response = getattr(client, method.lower())(url, data=json.dumps(data or {}),
                                                       content_type="application/json")
        else:
            response = client.post(url, data or {})
        transaction.set_rollback(True)
    return response


def _still_there(obj: Any) -> bool:
    return obj is None or type(obj)._base_manager.filter(pk=obj.pk).exists()


def _verdict(grant: Grant | None, m: Matrix, request: Request) -> tuple[bool, int]:
    """(allowed, refusal status) for a generic request."""
    if grant is None:
        return False, 0
    if not type_possible(grant, request.model, request.action):
        return False, 403
    if request.obj is None:
        return True, 0
    return expected(grant, request.obj, request.action), 404


def _check(failures: list[str], name: str, method: str, url: str, response: Any,
           allowed: bool, ok: frozenset[int], refusal: int, *, api: bool = False) -> None:
    status = response.status_code
    if allowed:
        if status not in ok:
            failures.append(f"{name} {method} {url}: {status}, expected one of {sorted(ok)}")
        return
    if refusal == 0:  # anonymous: the login page, or 401/403 from the API
        good = status in (401, 403) if api else (
            status == 302 and reverse("login") in response.get("Location", ""))
    elif refusal == 403:
        good = status == 403
    else:
        good = status in (403, 404)
    if not good:
        failures.append(f"{name} {method} {url}: {status}, expected refusal ({refusal or 'login'})")


def _shows(failures: list[str], name: str, grant: Grant | None, request: Request,
           response: Any) -> None:
    """Lists and exports show exactly the readable objects (no leak, nothing missing)."""
    body = response.content.decode("utf-8-sig", "replace")
    if "<table" in body:  # the list itself, not the filter form beside it
        body = body[body.find("<table"):body.rfind("</table>")]
    for obj, text in request.shows:
        visible = grant is not None and expected(grant, obj, "view")
        if (text in body) != visible and not (visible and request.leaks_only):
            failures.append(f"{name} GET {request.url}: {text!r} "
                            f"{'missing' if visible else 'leaked'}")


def _api_ids(failures: list[str], name: str, grant: Grant, m: Matrix, key: str,
             request: Request, response: Any) -> None:
    ids = {row["id"] for row in response.json()["results"]}
    for obj in m.pair(key):
        if (obj.pk in ids) != expected(grant, obj, "view"):
            failures.append(f"{name} GET {request.url}: id {obj.pk} "
                            f"{'missing' if obj.pk not in ids else 'leaked'}")


def _run_objects(m: Matrix, name: str, web: Client, api: Client, failures: list[str]) -> int:
    batteries, grant, count = find_batteries(), m.grants.get(name), 0
    for key in sorted(registry):
        battery = batteries[key]()
        for request in m.requests[key]:
            allowed, refusal = _verdict(grant, m, request)
            client = api if request.api else web
            url = request.url + ("?limit=500" if request.api and request.method == "GET"
                                 and request.obj is None else "")
            response = _send(client, request.method, url, api=request.api, data=request.data)
            count += 1
            ok = request.allowed
            if (request.method == "POST" and request.obj is None and grant is not None
                    and (grant.towns or grant.chains) and not battery.scoped_can_create):
                # The new object (a new chain …) lies outside a scoped user's own: the
                # form says so (400) or the API refuses it (403); either way nothing stays.
                ok = frozenset({400, 403})
            _check(failures, name, request.method, url, response, allowed, ok, refusal,
                   api=request.api)
            if not allowed and not _still_there(request.obj):
                failures.append(f"{name} {request.method} {url}: refused but deleted")
            if allowed and response.status_code == 200 and request.method == "GET":
                if request.shows:
                    _shows(failures, name, grant, request, response)
                elif request.api and request.obj is None:
                    _api_ids(failures, name, grant, m, key, request, response)
    return count


def _page_allowed(page: Page, grant: Grant, m: Matrix, side: str) -> bool:
    """Whether the page should serve `grant` for the side's objects."""
    from django.apps import apps

    if page.rule is not None:
        return page.rule(grant, m, side)
    needs = [(page.model, page.action), *page.also]
    if not all(type_possible(grant, apps.get_model(label), action) for label, action in needs):
        return False
    if page.ref is None:
        return True
    ref = page.ref(m, side)
    return all(expected(grant, ref, action) for label, action in needs
               if label == ref._meta.label_lower)


def _run_pages(m: Matrix, name: str, web: Client, api: Client, failures: list[str]) -> int:
    grant, count = m.grants.get(name), 0
    for page in PAGES + _api_roots():
        for side in ("a", "b") if page.args else ("a",):
            url = reverse(page.name, args=page.args(m, side) if page.args else []) + page.query
            allowed = grant is not None and _page_allowed(page, grant, m, side)
            is_api = page.name.startswith("api-") and page.name != "api-docs"
            for method in page.methods:
                response = _send(api if is_api else web, method, url, api=is_api)
                count += 1
                # Custom pages refuse with 403 or 404 (an object out of scope is "not
                # found"); the generic pages are held to the exact code.
                _check(failures, name, method, url, response, allowed,
                       page.allowed if method == "POST" else page.get_ok,
                       0 if grant is None else 404, api=is_api)
    return count


def _run_admin(m: Matrix, name: str, web: Client, failures: list[str]) -> int:
    urls = [reverse("admin:index")] + [
        reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_{view}")
        for model in admin.site._registry for view in ("changelist", "add")]
    grant, count = m.grants.get(name), 0
    for url in urls:
        response = web.get(url)
        count += 1
        if grant is not None and _site_admin(grant, m, "a"):
            # Some admin models (access logs, task results, firms) take no additions.
            good = response.status_code in ((200, 403) if url.endswith("/add/") else (200,))
        else:
            good = response.status_code == 302 and "login/" in response["Location"]
        if not good:
            failures.append(f"{name} GET {url}: {response.status_code}")
    return count


def test_it_checks_every_role_in_one_group():
    assert sorted(name for group in GROUPS for name in group) == sorted(ROLES)


@pytest.mark.parametrize("names", GROUPS, ids="+".join)
def test_it_answers_every_url_as_the_access_table_says(matrix, names):
    failures: list[str] = []
    for name in names:
        web, api = _clients(matrix, name)
        count = _run_objects(matrix, name, web, api, failures)
        count += _run_pages(matrix, name, web, api, failures)
        count += _run_admin(matrix, name, web, failures)
        assert count > 700, name
        print(f"\npermission matrix as {name}: {count} requests")  # figures for security.md
    assert not failures, f"{len(failures)} answers differ:\n" + "\n".join(failures)


def test_it_refuses_a_firm_everything_but_its_own_firm(matrix):
    """The acceptance case in words: the enterprise user reads its own profile, figures
    and links, not a competitor's, not the city's ledgers, and writes nothing."""
    web, _api = _clients(matrix, "firm_a")
    own, other = matrix.pair("enterprises.enterprise")
    assert web.get("/").url == reverse("enterprises:enterprise", args=[own.pk])
    page = web.get(reverse("enterprises:enterprise", args=[own.pk]))
    assert page.status_code == 200 and own.name in page.content.decode()
    assert web.get(reverse("enterprises:enterprise", args=[other.pk])).status_code == 404
    menu = " ".join(str(item["label"]) for group in page.context["nav_groups"]
                    for item in group["items"])
    for hidden in ("项目", "招商线索", "月报", "区划", "产业链"):
        assert hidden not in menu, hidden
    for url in ("/projects/projects/", "/attraction/leads/", "/projects/review/",
                "/dashboards/towns/", "/enterprises/contacts/", "/core/audit/"):
        assert web.get(url).status_code == 403, url
    export = web.get("/enterprises/enterprises/?export=csv").content.decode("utf-8-sig")
    assert own.name in export and other.name not in export
