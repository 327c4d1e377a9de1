"""Bad query parameters answer 400, never 500: every URL pattern of the project is
requested (real ids from a small seeded world) as an administrator and as a scoped
user, then each query parameter its view reads or its FilterSet declares is tried
with a battery of bad values. A URL the crawl cannot fill in fails the test."""

from __future__ import annotations

import logging
import re
import time
from contextlib import contextmanager
from typing import Any

import pytest
from django.contrib import admin
from django.contrib.contenttypes.models import ContentType
from django.test import Client
from django.urls import NoReverseMatch, resolve, reverse

from lianzhang.core import params
from lianzhang.core.context import change_context
from lianzhang.core.models import Job, ObjectChange
from lianzhang.core.registry import registry
from lianzhang.core.testing.battery import find_batteries
from lianzhang.core.testing.crawl import Crawler, Route, field_refuses, reading_keys, routes
from lianzhang.core.views.generic import BaseObjectView

#: Custom pages' URL keyword arguments → the model whose seeded id fills them.
CUSTOM_KWARGS = {
    "core:change": {"pk": "core.objectchange"},
    "core:job": {"pk": "core.job"},
    "core:job_progress": {"pk": "core.job"},
    "core:job_cancel": {"pk": "core.job"},
    "chains:map_upload": {"pk": "chains.chain"},
    "chains:map_compare": {"pk": "chains.chain"},
    "chains:map_export": {"pk": "chains.mapversion"},
    "chains:map_new_draft": {"pk": "chains.mapversion"},
    "chains:map_publish": {"pk": "chains.mapversion"},
    "enterprises:enterprise_merge": {"pk": "enterprises.enterprise"},
    "enterprises:namereview_decide": {"pk": "enterprises.namereview"},
    "projects:project_transition": {"pk": "projects.project"},
    "attraction:roadmap": {"chain_pk": "chains.chain"},
    "attraction:node_recommendations": {"node_pk": "chains.chainnode"},
    "attraction:lead_from_recommendation": {"pk": "attraction.recommendation"},
    "attraction:lead_move": {"pk": "attraction.lead"},
    "attraction:lead_activity": {"pk": "attraction.lead"},
    "attraction:lead_convert": {"pk": "attraction.lead"},
    "dashboards:chain": {"pk": "chains.chain"},
    "dashboards:node_panel": {"pk": "chains.chain", "node_pk": "chains.chainnode"},
    "dashboards:snapshot": {"pk": "chains.chain"},
    "dashboards:lists_xlsx": {"pk": "chains.chain"},
    "dashboards:nodes_xlsx": {"pk": "chains.chain"},
    "dashboards:tree_svg": {"pk": "chains.chain"},
    "dashboards:tree_png": {"pk": "chains.chain"},
    "dashboards:town": {"pk": "regions.region"},
}
#: Keyword arguments that are not object ids, with the value the crawl uses.
FIXED_KWARGS = {"format": "json", "app_label": "users", "url": "no-such-page/"}
#: Query variants that switch a page into another mode, where it reads other keys.
VARIANTS: dict[str, list[dict[str, str]]] = {
    "dashboards:chain": [{"tab": tab} for tab in ("panorama", "roadmap", "innovation",
                                                  "lists")],
}


@pytest.fixture
def seeded(world) -> dict[str, int]:
    """One object of every registered type in town A / chain A (each app's battery
    makes it), a published map, a job and audit records; model label → id."""
    from lianzhang.mapping.tests.helpers import publish_map

    admin_user = world.user("admin")
    admin_user.is_staff = admin_user.is_superuser = True  # as the demo's 系统管理员: the admin site too
    admin_user.save()
    with change_context(user=admin_user):
        version = publish_map(world.chain_a, {"压缩机": ["压缩机"], "电机": ["电机"]})
        scoped = world.user("scoped")
        batteries = find_batteries()
        ids: dict[str, int] = {}
        for n, (key, object_type) in enumerate(sorted(registry.items()), start=1):
            existing = object_type.model.objects.restrict(scoped, "view").order_by("pk").first()
            obj = existing or batteries[key]().make(world, world.town_a, world.chain_a, n)
            ids[key] = obj.pk
    ids["chains.chainnode"] = version.nodes.get(name="压缩机").pk
    ids["chains.mapversion"] = version.pk
    ids["regions.region"] = world.town_a.pk
    ids["core.job"] = Job.objects.create(kind="import", name="导入", user=admin_user).pk
    ids["core.objectchange"] = ObjectChange.objects.order_by("pk").first().pk
    _seed_admin_rows(admin_user)
    for model in admin.site._registry:  # admin pages of third-party models too
        row = model._default_manager.order_by("pk").first()
        if row is not None:
            ids.setdefault(model._meta.label_lower, row.pk)
    return ids


def _seed_admin_rows(user: Any) -> None:
    """A row for each admin page of a third-party model."""
    from axes.models import AccessAttempt, AccessFailureLog, AccessLog
    from django.contrib.auth.models import Group
    from django.utils import timezone
    from django_tasks_db.models import DBTaskResult
    from rest_framework.authtoken.models import Token

    Group.objects.create(name="抓取测试组")
    Token.objects.get_or_create(user=user)
    access = {"user_agent": "crawl", "ip_address": "127.0.0.1", "username": "nobody",
              "http_accept": "*/*", "path_info": "/login/"}
    AccessAttempt.objects.create(**access, get_data="", post_data="", failures_since_start=1)
    AccessFailureLog.objects.create(**access)
    AccessLog.objects.create(**access)
    DBTaskResult.objects.create(args_kwargs={"args": [], "kwargs": {}}, task_path="crawl.task",
                                backend_name="default", run_after=timezone.now())


def _model_label(route: Route) -> str | None:
    """The model whose id fills `pk` / `object_id` for generic, API and admin views."""
    view_class = getattr(route.callback, "view_class", None)
    if view_class is not None and issubclass(view_class, BaseObjectView):
        return route.callback.view_initkwargs["object_type"].key()
    viewset = getattr(route.callback, "cls", None)
    queryset = getattr(viewset, "queryset", None)
    if queryset is not None:
        return queryset.model._meta.label_lower
    wrapped = getattr(route.callback, "__wrapped__", None)
    model_admin = getattr(route.callback, "model_admin", None) or getattr(
        wrapped, "__self__", None)
    if isinstance(model_admin, admin.ModelAdmin):
        return model_admin.model._meta.label_lower
    for model in admin.site._registry:  # the admin's unnamed redirect patterns
        if f"admin/{model._meta.app_label}/{model._meta.model_name}/" in route.pattern:
            return model._meta.label_lower
    return None


def _value(route: Route, kwarg: str, ids: dict[str, int]) -> str | None:
    if kwarg in FIXED_KWARGS:
        return FIXED_KWARGS[kwarg]
    if kwarg == "content_type_id":
        return str(ContentType.objects.get_by_natural_key("users", "user").pk)
    label = CUSTOM_KWARGS.get(route.name, {}).get(kwarg)
    if label is None and kwarg in ("pk", "object_id", "id"):
        label = "users.user" if route.name == "admin:view_on_site" else _model_label(route)
    if label is None or label not in ids:
        return None
    return str(ids[label])


def _path(route: Route, values: dict[str, str]) -> str | None:
    if route.name:
        try:
            return reverse(route.name, kwargs=values)
        except NoReverseMatch:
            pass
    path = route.pattern
    if "(?P" in path:  # an unnamed regex pattern (the admin's catch-all)
        for kwarg, value in values.items():
            path = re.sub(rf"\(\?P<{kwarg}>[^)]*\)", value, path)
        path = path.replace("^", "").replace("$", "")
        return "/" + path if "(" not in path else None
    for kwarg, value in values.items():
        for start in range(path.count("<")):
            del start
            head, _sep, tail = path.partition("<")
            inner, _sep, rest = tail.partition(">")
            if inner.split(":")[-1] == kwarg:
                path = f"{head}{value}{rest}"
                break
    return "/" + path if "<" not in path else None


def _declared_keys(route: Route) -> set[str]:
    """Query keys the view's FilterSet declares (lists: web and API)."""
    view_class = getattr(route.callback, "view_class", None)
    filterset = None
    if view_class is not None and issubclass(view_class, BaseObjectView) and route.name.endswith(
            "_list"):
        filterset = route.callback.view_initkwargs["object_type"].filterset
    viewset = getattr(route.callback, "cls", None)
    if viewset is not None and route.name.endswith("-list"):
        filterset = getattr(viewset, "filterset_class", None)
    if filterset is None:
        return set()
    form = filterset().form
    keys = set()
    for name, fld in form.fields.items():
        widget_names = getattr(fld.widget, "widgets_names", None)
        keys |= {f"{name}{s}" for s in widget_names} if widget_names else {name}
    return keys


def _plan(ids: dict[str, int]) -> tuple[list[tuple[Route, str]], list[str]]:
    """(route, path) for every URL pattern, and the patterns the crawl cannot fill."""
    plan, unfilled = [], []
    for route in routes():
        values = {k: _value(route, k, ids) for k in route.kwargs}
        if any(v is None for v in values.values()):
            unfilled.append(f"{route.key} {route.pattern}")
            continue
        path = _path(route, values)
        if path is None:
            unfilled.append(f"{route.key} {route.pattern}")
            continue
        plan.append((route, path))
    # The schema view generates the whole schema on every request: the DRF `format`
    # it shares with the viewsets is tried on a viewset first.
    plan.sort(key=lambda item: item[0].name in ("api-schema", "api-docs"))
    return plan, unfilled


#: Keys a view may read without a form: django-tables2 ignores unknown sort columns and
#: DRF answers an unknown `format` with 404; neither reaches the database.
RAW_KEYS = {"sort", "format"}
PROFILE = []
ID_KWARGS_SKIP = {*FIXED_KWARGS, "content_type_id"}


def _identity(route: Route) -> Any:
    """The code that parses a URL's parameters: a generic view of one object type, a
    DRF viewset (its list, detail and format-suffix URLs), or the view function."""
    view_class = getattr(route.callback, "view_class", None)
    if view_class is not None and issubclass(view_class, BaseObjectView):
        return view_class, route.callback.view_initkwargs["object_type"]
    return getattr(route.callback, "cls", None) or view_class or route.callback


def _is_ours(route: Route) -> bool:
    code = getattr(route.callback, "view_class", None) or getattr(
        route.callback, "cls", None) or route.callback
    return code.__module__.startswith("lianzhang.")


def _framework_owner(route: Route, key: str) -> str | None:
    """The framework code that parses `key` on this URL, shared by many URLs: DRF's
    content negotiation (`format`), the admin's change list, change form, …"""
    if key == "format" and getattr(route.callback, "cls", None) is not None:
        return "rest_framework"
    if route.name.startswith("admin:") and getattr(route.callback, "model_admin", None):
        return "admin:" + route.name.rsplit("_", 1)[-1]
    return None


def _crawl_route(crawler: Crawler, route: Route, path: str, attacked: set) -> None:
    """Clean requests (which keys does the view read, which forms validate them?), the
    bad values on those keys, and ids beyond 64 bits in the path."""
    validated: list[Any] = []
    keys: set[str] = set()
    with reading_keys() as seen, _recording(validated):
        for variant in [{}, *VARIANTS.get(route.name, [])]:
            seen.clear()
            response = crawler.get(path, {**variant, "_crawl": "1"})
            if response.status_code >= 500 or response.status_code == 400:
                crawler.note(path, "-", "clean", response.status_code, "clean request failed")
            keys |= seen - {"_crawl"}
    keys |= _declared_keys(route)
    formed = {k for k in keys if any(field_refuses(f, k, "") is not None for f in validated)}
    raw = keys - formed
    if _is_ours(route):
        for key in sorted(raw - RAW_KEYS):
            crawler.note(path, key, "-", 0, "read outside a form")
    # Keys our forms validate: once per view code and user (a DRF viewset's list,
    # detail and format-suffix URLs share theirs). Keys the frameworks parse (DRF's
    # `format`, the admin's and the schema view's own): once, as the administrator.
    grouped = sorted(formed | (raw & {"sort"})) if _is_ours(route) else []
    identity = _identity(route)
    if identity in attacked:
        grouped = []
    attacked.add(identity)
    single = []
    if crawler.user == "admin":
        for key in sorted(keys - set(grouped) - formed):
            owner = _framework_owner(route, key) or identity
            if (owner, key) not in attacked:
                attacked.add((owner, key))
                single.append(key)
    if grouped or single:
        crawler.attack(path, grouped, single, validated)
    for kwarg in route.kwargs:
        if kwarg in ID_KWARGS_SKIP:
            continue
        current = {k: str(v) for k, v in resolve(path).kwargs.items()}
        for huge in (str(2**63), str(10**30)):
            bad = _path(route, {**current, kwarg: huge})
            if bad is None:
                continue
            response = crawler.get(bad, {})
            if response.status_code >= 500:
                crawler.note(bad, kwarg, "path id", response.status_code, "server error")


@contextmanager
def _recording(validated: list[Any]):
    """Note every form `core.params.validate` checks."""
    original = params.validate

    def validate(form):
        validated.append(form)
        return original(form)

    params.validate = validate
    try:
        yield
    finally:
        params.validate = original


@pytest.mark.parametrize("user", ["admin", "scoped"])
def test_it_answers_bad_parameters_on_every_url_with_400_never_500(world, seeded, user):
    """As the administrator and as a secretariat user scoped to town A and chain A."""
    plan, unfilled = _plan(seeded)
    assert not unfilled, f"URL patterns the crawl cannot fill in: {unfilled}"
    logging.getLogger("django.request").setLevel(logging.CRITICAL)  # 500s are findings
    client = Client(raise_request_exception=False)
    client.force_login(world.user(user))
    crawler = Crawler(client, user)
    attacked: set = set()
    start = time.monotonic()
    for route, path in plan:
        t0, r0 = time.process_time(), crawler.requests
        _crawl_route(crawler, route, path, attacked)
        PROFILE.append((user, path, crawler.requests - r0, time.process_time() - t0))
    findings = crawler.findings
    print(f"\ncrawl as {user}: {len(plan)} URL patterns, {crawler.tried} (URL, parameter, "
          f"value) tries in {crawler.requests} requests, "
          f"{sum(1 for f in findings if f.status >= 500)} server errors, "
          f"{time.monotonic() - start:.1f} s")
    import os
    if os.environ.get("CRAWL_PROFILE"):
        with open(os.environ["CRAWL_PROFILE"] + user, "w") as out:
            out.write("\n".join(f"{u}\t{p}\t{n}\t{t:.3f}" for u, p, n, t in PROFILE))
    if os.environ.get("CRAWL_REPORT"):
        with open(os.environ["CRAWL_REPORT"] + user, "w") as out:
            out.write("\n".join(str(f) for f in findings))
    assert not findings, "\n".join(str(f) for f in findings[:100])
