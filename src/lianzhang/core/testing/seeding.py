"""A small seeded world for tests that walk every page or API operation: one object of
every registered type in town A / chain A (each app's battery makes it), a published
chain map, a job, audit records, and a row behind each admin page."""

from __future__ import annotations

from typing import Any

import pytest

__all__ = ["seeded", "seed_world"]


def seed_world(world: Any) -> dict[str, int]:
    """Seed `world`; model label → the id of its seeded object. The administrator
    becomes a superuser, as the demo's 系统管理员, so the admin site opens too."""
    # Imported here: conftest loads this module before Django's apps are ready.
    from django.contrib import admin

    from lianzhang.mapping.tests.helpers import publish_map

    from ..context import change_context
    from ..models import Job, ObjectChange
    from ..registry import registry
    from .battery import find_batteries

    admin_user = world.user("admin")
    admin_user.is_staff = admin_user.is_superuser = True
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


@pytest.fixture
def seeded(world: Any) -> dict[str, int]:
    """The seeded world's ids (see `seed_world`)."""
    return seed_world(world)


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
