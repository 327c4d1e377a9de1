"""The embedded SQLite database: every new connection runs in WAL mode with a busy
timeout, so a writer meeting a short lock (an import's chunk) waits instead of
failing with "database is locked"."""

import threading
import time

import pytest
from django.conf import settings
from django.db.utils import ConnectionHandler

pytestmark = pytest.mark.skipif(
    settings.DATABASES["default"]["ENGINE"] != "django.db.backends.sqlite3",
    reason="the embedded (SQLite) configuration")


@pytest.fixture
def connect(tmp_path, django_db_blocker):
    """New connections made from the configured settings, on a file database (not the
    test database, which lives in memory)."""
    config = {**settings.DATABASES["default"], "NAME": str(tmp_path / "probe.sqlite3")}
    handlers = []

    def make():
        handler = ConnectionHandler({"default": config})
        handlers.append(handler)
        return handler["default"]

    with django_db_blocker.unblock():
        yield make
        for handler in handlers:
            handler.close_all()


def test_it_opens_every_connection_in_wal_mode_with_a_busy_timeout(connect):
    for _ in range(2):
        with connect().cursor() as cursor:
            cursor.execute("PRAGMA journal_mode")
            assert cursor.fetchone()[0] == "wal"
            cursor.execute("PRAGMA busy_timeout")
            assert cursor.fetchone()[0] >= 5000


def test_it_makes_a_writer_wait_for_a_short_lock_instead_of_failing(connect):
    holder, writer = connect(), connect()
    with holder.cursor() as cursor:
        cursor.execute("CREATE TABLE probe (n integer)")
    locked = threading.Event()

    def hold_the_lock():
        with holder.cursor() as cursor:
            cursor.execute("BEGIN IMMEDIATE")
            cursor.execute("INSERT INTO probe VALUES (1)")
            locked.set()
            time.sleep(0.6)
            cursor.execute("COMMIT")

    thread = threading.Thread(target=hold_the_lock)
    holder.inc_thread_sharing()
    thread.start()
    assert locked.wait(5)
    started = time.monotonic()
    with writer.cursor() as cursor:
        cursor.execute("INSERT INTO probe VALUES (2)")  # autocommit: waits, then writes
    waited = time.monotonic() - started
    thread.join()
    assert 0.3 < waited < 5
    with writer.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM probe")
        assert cursor.fetchone()[0] == 2
