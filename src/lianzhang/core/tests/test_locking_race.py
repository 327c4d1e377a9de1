"""Two connections really racing for the same object (threads, each with its own
database connection, on committed data): only one write wins, on SQLite and on
PostgreSQL alike, and the loser writes nothing. The check and the write are one
statement (`UPDATE … WHERE revision = n`), so even a save made while the other
transaction holds its uncommitted write cannot slip through."""

from __future__ import annotations

import os
import sqlite3
import tempfile
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

import pytest
from django.db import connection, connections, transaction
from django.urls import reverse

from lianzhang.core.context import change_context
from lianzhang.core.models import ObjectChange, StaleObjectError
from lianzhang.core.testing.helpers import api_for, client_for, form_post_data
from lianzhang.regions.models import Region

pytestmark = pytest.mark.django_db(transaction=True)


@contextmanager
def separate_connections() -> Iterator[None]:
    """Threads started inside get connections of their own. PostgreSQL: to the test
    database. SQLite: the test database lives in memory with a shared cache, where a
    second writer fails at once instead of waiting its turn; so the threads use a
    file copy of it, opened with the production options (WAL, BEGIN IMMEDIATE,
    busy timeout) — the way the embedded mode runs."""
    if connection.vendor != "sqlite":
        yield
        return
    folder = tempfile.mkdtemp(prefix="lianzhang-race-")
    path = os.path.join(folder, "race.sqlite3")
    connection.ensure_connection()
    target = sqlite3.connect(path)
    connection.connection.backup(target)
    target.close()
    original = connections.settings["default"]
    connections.settings["default"] = {**original, "NAME": path}
    try:
        yield
    finally:
        connections.settings["default"] = original
        for name in os.listdir(folder):
            os.remove(os.path.join(folder, name))
        os.rmdir(folder)


def in_threads(*work: Callable[[], Any]) -> list[Any]:
    """Run each callable in its own thread (own connection); its result or exception."""
    results: list[Any] = [None] * len(work)

    def run(index: int, fn: Callable[[], Any]) -> None:
        try:
            results[index] = fn()
        except BaseException as exc:  # reported to the test, not swallowed
            results[index] = exc
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=(i, fn)) for i, fn in enumerate(work)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert not any(t.is_alive() for t in threads), "a racing thread hung"
    return results


def stored(pk: int) -> tuple[str, int, int]:
    """Description, revision and update records of a region, read on a connection of
    the racing threads' kind."""
    def read() -> tuple[str, int, int]:
        town = Region.objects.get(pk=pk)
        updates = ObjectChange.objects.for_object(town).filter(action="update").count()
        return town.description, town.revision, updates
    (result,) = in_threads(read)
    return result


def test_it_refuses_a_save_made_while_the_other_write_is_still_uncommitted(world):
    pk, user = world.town_a.pk, world.user("secretariat")
    loaded, first_wrote = threading.Barrier(2, timeout=30), threading.Event()

    def first() -> int:
        town = Region.objects.get(pk=pk)
        loaded.wait()
        with change_context(user=user), transaction.atomic():
            town.description = "第一位"
            town.save()
            first_wrote.set()
            time.sleep(0.5)  # keep the write uncommitted while the second one saves
        return town.revision

    def second() -> int:
        town = Region.objects.get(pk=pk)
        loaded.wait()
        assert first_wrote.wait(30)
        with change_context(user=user), transaction.atomic():
            town.description = "第二位"
            town.save()  # waits for the first transaction, then finds revision 2
        return town.revision

    with separate_connections():
        won, lost = in_threads(first, second)
        assert won == 2 and isinstance(lost, StaleObjectError), lost
        assert stored(pk) == ("第一位", 2, 1)


def test_it_lets_one_of_two_simultaneous_edit_page_saves_win(world):
    url = reverse("regions:region_edit", args=[world.town_a.pk])
    clients = [client_for(world, "secretariat"), client_for(world, "admin")]
    pages = [form_post_data(c.get(url).context["form"]) for c in clients]
    go = threading.Barrier(2, timeout=30)

    def save(client: Any, data: dict[str, Any]) -> int:
        go.wait()
        return client.post(url, data).status_code

    with separate_connections():
        statuses = in_threads(*(lambda c=c, d=d, n=n: save(c, {**d, "description": f"用户{n}"})
                                for n, (c, d) in enumerate(zip(clients, pages, strict=True))))
        assert sorted(statuses) == [302, 409], statuses
        description, revision, updates = stored(world.town_a.pk)
        assert description == f"用户{statuses.index(302)}" and (revision, updates) == (2, 1)


def test_it_lets_one_of_two_simultaneous_api_updates_win(world):
    url = f"/api/regions/regions/{world.town_a.pk}/"
    apis = [api_for(world, "secretariat"), api_for(world, "admin")]
    tag = apis[0].get(url)["ETag"]
    go = threading.Barrier(2, timeout=30)

    def patch(api: Any, n: int) -> int:
        go.wait()
        return api.patch(url, {"description": f"接口{n}"}, format="json",
                         HTTP_IF_MATCH=tag).status_code

    with separate_connections():
        statuses = in_threads(*(lambda a=a, n=n: patch(a, n) for n, a in enumerate(apis)))
        assert sorted(statuses) == [200, 412], statuses
        description, revision, updates = stored(world.town_a.pk)
        assert description == f"接口{statuses.index(200)}" and (revision, updates) == (2, 1)
