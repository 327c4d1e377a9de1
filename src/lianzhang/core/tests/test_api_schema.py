"""The API keeps to its published schema: schemathesis generates requests for every
operation of `/api/schema/` (served on loopback by the live test server, over a
seeded world, with an administrator's token) and checks each answer: no server
error, a documented status code and content type, a body that fits the schema."""

from __future__ import annotations

import time
from collections import defaultdict
from typing import Any

import pytest
import schemathesis
from hypothesis import HealthCheck, Phase, example, given, settings
from hypothesis import strategies as st
from rest_framework.authtoken.models import Token
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from lianzhang.core.registry import registry
from lianzhang.core.testing.crawl import quiet_request_log
from lianzhang.core.testing.helpers import api_for

CHECKS = [not_a_server_error, status_code_conformance, content_type_conformance,
          response_schema_conformance]
#: Examples per operation: bounds the run (about 180 operations).
MAX_EXAMPLES = 8


def _real_ids(seeded: dict[str, int]) -> dict[str, int]:
    """Operation path with `{id}` → the id of the seeded object it can find."""
    paths = {f"/api/{t.app_label()}/{t.url_plural()}/{{id}}/": seeded[key]
             for key, t in registry.items()}
    paths["/api/core/changes/{id}/"] = seeded["core.objectchange"]
    return paths


def _run(operation: Any, headers: dict[str, str], real_id: int | None,
         statuses: dict[str, set[int]]) -> int:
    """Generate and check one operation's examples; the number run."""
    count = 0

    def check(case: Any) -> None:
        nonlocal count
        count += 1
        response = case.call_and_validate(headers=headers, checks=CHECKS)
        statuses[operation.label].add(response.status_code)

    if operation.method.upper() == "GET" and real_id is not None:
        check = example(case=operation.Case(path_parameters={"id": real_id}))(check)
    check = given(case=operation.as_strategy())(check)
    settings(max_examples=MAX_EXAMPLES, deadline=None, database=None, derandomize=True,
             suppress_health_check=list(HealthCheck),
             phases=[Phase.explicit, Phase.generate])(check)()
    return count


@pytest.mark.django_db(transaction=True)
def test_it_answers_every_operation_as_its_schema_says(live_server, world, seeded):
    token = Token.objects.get_or_create(user=world.user("admin"))[0]
    headers = {"Authorization": f"Token {token.key}"}
    schema = schemathesis.openapi.from_url(f"{live_server.url}/api/schema/?format=json",
                                           headers=headers)
    real_ids = _real_ids(seeded)

    @schema.hook("flatmap_path_parameters")
    def real_or_generated(context: Any, path_parameters: dict[str, Any]) -> Any:
        # Half the requests name a seeded object, so answers about real objects are
        # checked too (a generated id is almost never one).
        real = real_ids.get(context.operation.path)
        if real is None or "id" not in path_parameters:
            return st.just(path_parameters)
        return st.sampled_from([path_parameters, {**path_parameters, "id": real}])

    failures: list[str] = []
    statuses: dict[str, set[int]] = defaultdict(set)
    examples = 0
    start = time.monotonic()
    # Reads first, over the seeded world as it was; then the writes, which may change
    # or delete seeded objects.
    operations = sorted((result.ok() for result in schema.get_all_operations()),
                        key=lambda op: op.method.upper() != "GET")
    with quiet_request_log():
        for operation in operations:
            try:
                examples += _run(operation, headers, real_ids.get(operation.path), statuses)
            except (Exception, BaseExceptionGroup) as exc:  # every operation's failures
                failures.append(f"{operation.label}: {exc}"[:3000])
    print(f"\nschemathesis: {len(operations)} operations, {examples} examples, "
          f"{len(failures)} failing, {time.monotonic() - start:.1f} s")
    assert not failures, "\n\n".join(failures)
    # The run reached real answers: every read found the seeded objects.
    unread = [op.label for op in operations if op.method.upper() == "GET"
              and 200 not in statuses[op.label]]
    assert not unread, f"reads that never answered 200: {unread}"


def test_it_makes_the_schema_once_per_language(world, monkeypatch):
    from drf_spectacular.generators import SchemaGenerator

    from lianzhang.core.api.schema import CachedSchemaGenerator

    CachedSchemaGenerator._cache.clear()
    made = []
    original = SchemaGenerator.get_schema

    def counting(self, request=None, public=False):
        made.append(public)
        return original(self, request=request, public=public)

    monkeypatch.setattr(SchemaGenerator, "get_schema", counting)
    api = api_for(world, "readonly")
    first = api.get("/api/schema/", {"format": "json"})
    assert api.get("/api/schema/", {"format": "json"}).content == first.content
    unknown = api.get("/api/schema/", {"format": "json", "lang": "xx"})
    assert unknown.content == first.content  # an unknown language reads as the default
    assert len(made) == 1
    english = api.get("/api/schema/", {"format": "json", "lang": "en"})
    assert len(made) == 2 and english.content != first.content
    monkeypatch.setattr(CachedSchemaGenerator, "SIZE", 3)
    api.get("/api/schema/", {"format": "json", "version": "v1"})  # any version asked for:
    api.get("/api/schema/", {"format": "json", "version": "v2"})  # only the last few kept
    assert list(CachedSchemaGenerator._cache) == [("en", None), ("zh-hans", "v1"),
                                                  ("zh-hans", "v2")]
