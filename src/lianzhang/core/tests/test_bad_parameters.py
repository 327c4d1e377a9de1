"""Bad query parameters answer 400, never 500: every URL pattern of the project is
requested (real ids from a small seeded world) as an administrator and as a scoped
user, then each query parameter its view reads or its FilterSet declares is tried
with a battery of bad values; a value the parameter's form refuses must answer 400
naming the parameter, and a parameter read outside any form is itself a finding.
A URL the crawl cannot fill in fails the test."""

from __future__ import annotations

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
from lianzhang.core.testing.crawl import (
    Crawler,
    Route,
    quiet_request_log,
    reading_keys,
    reads_key,
    routes,
)
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
ID_KWARGS_SKIP = {*FIXED_KWARGS, "content_type_id"}
#: Keys a view may read without a form: django-tables2 ignores unknown sort columns and
#: DRF answers an unknown `format` with 404; neither reaches the database.
RAW_KEYS = {"sort", "format"}
#: URLs whose clean request answers 404 by design (the crawl's value names nothing).
NOT_FOUND = {"admin:view_on_site", ""}  # users have no page on the site; the catch-all
#: Query variants that switch a page into another mode, where it reads other keys.
VARIANTS: dict[str, list[dict[str, str]]] = {
    "dashboards:chain": [{"tab": tab} for tab in ("panorama", "roadmap", "innovation",
                                                  "lists")],
}


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
    path = re.sub(r"<(?:\w+:)?(\w+)>", lambda m: values.get(m.group(1), m.group(0)), path)
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


def _crawl_route(crawler: Crawler, route: Route, path: str, attacked: set,
                 part: str) -> None:
    """Clean requests (which keys does the view read, which forms validate them?),
    then, for part "project", the bad values on keys our forms validate and ids beyond 64
    bits in the path; for part "frameworks", the bad values on keys the frameworks
    parse themselves (DRF's `format`, the admin site's, the schema view's)."""
    validated: list[Any] = []
    keys: set[str] = set()
    with reading_keys() as seen, _recording(validated):
        for variant in [{}, *VARIANTS.get(route.name, [])]:
            seen.clear()
            response = crawler.get(path, {**variant, "_crawl": "1"})
            if response.status_code >= 500 or response.status_code == 400:
                crawler.note(path, "-", "clean", response.status_code, "clean request failed")
            elif (response.status_code == 404 and crawler.user == "admin"
                  and route.name not in NOT_FOUND):
                crawler.note(path, "-", "clean", 404, "the seeded id names nothing")
            keys |= seen - {"_crawl"}
    keys |= _declared_keys(route)
    formed = {k for k in keys if any(reads_key(form, k) for form in validated)}
    raw = keys - formed
    if _is_ours(route):
        for key in sorted(raw - RAW_KEYS):
            crawler.note(path, key, "-", 0, "read outside a form")
    grouped = sorted(formed | (raw & {"sort"})) if _is_ours(route) else []
    identity = _identity(route)
    if part == "frameworks":
        # Each framework key once: its parsing is shared by many URLs.
        single = []
        for key in sorted(keys - set(grouped) - formed):
            owner = _framework_owner(route, key) or identity
            if (owner, key) not in attacked:
                attacked.add((owner, key))
                single.append(key)
        if single:
            crawler.attack(path, [], single, validated)
        return
    # Once per view code (a DRF viewset's list, detail and format-suffix URLs share it).
    if grouped and identity not in attacked:
        attacked.add(identity)
        crawler.attack(path, grouped, [], validated)
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


@pytest.mark.parametrize("user, part", [("admin", "project"), ("scoped", "project"),
                                        ("admin", "frameworks")])
def test_it_answers_bad_parameters_on_every_url_with_400_never_500(world, seeded, user, part):
    """Our parameters as the administrator and as a secretariat user scoped to town A
    and chain A; the frameworks' own parameters as the administrator."""
    plan, unfilled = _plan(seeded)
    assert not unfilled, f"URL patterns the crawl cannot fill in: {unfilled}"
    client = Client(raise_request_exception=False)
    client.force_login(world.user(user))
    crawler = Crawler(client, user)
    attacked: set = set()
    start = time.monotonic()
    with quiet_request_log():
        for route, path in plan:
            _crawl_route(crawler, route, path, attacked, part)
    findings = crawler.findings
    print(f"\ncrawl of {part} parameters as {user}: {len(plan)} URL patterns, "
          f"{crawler.tried} (URL, parameter, value) tries in {crawler.requests} requests, "
          f"{sum(1 for f in findings if f.status >= 500)} server errors, "
          f"{time.monotonic() - start:.1f} s")
    assert not findings, "\n".join(str(f) for f in findings[:100])
