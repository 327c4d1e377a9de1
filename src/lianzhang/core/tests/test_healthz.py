"""/healthz: no login, the database's state with a status code for load balancers, the
worker's heartbeat, and nothing of an exception's text for the caller."""

import logging
import os
import time

import pytest
from django.db import connection
from django.test import Client, override_settings

from lianzhang.core.worker import beat, heartbeat_path, start_heartbeat, worker_alive


@pytest.fixture
def var_dir(tmp_path):
    """A var directory of the test's own, so no real worker's heartbeat is seen."""
    with override_settings(VAR_DIR=tmp_path):
        yield tmp_path


def test_it_checks_health_without_login(db, var_dir):
    response = Client().get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok", "database": "ok", "worker": "down"}
    assert "no-store" in response["Cache-Control"]  # a proxy must not answer for us


def test_it_reports_a_broken_database_without_the_exception_text(db, var_dir, monkeypatch,
                                                                caplog):
    secret = "could not connect to 10.9.8.7 as user lianzhang password s3cr3t"

    def broken_cursor(*args, **kwargs):
        raise RuntimeError(secret)

    monkeypatch.setattr(connection, "cursor", broken_cursor)
    with caplog.at_level(logging.ERROR, logger="lianzhang.core.views.misc"):
        response = Client().get("/healthz")
    monkeypatch.undo()
    assert response.status_code == 503
    assert response.json() == {"status": "error", "database": "error", "worker": "down"}
    assert b"10.9.8.7" not in response.content and b"s3cr3t" not in response.content
    # The operator still learns why, from the server's log.
    assert any(secret in record.getMessage() or secret in (record.exc_text or "")
               or (record.exc_info and secret in str(record.exc_info[1]))
               for record in caplog.records)


def test_it_reports_the_worker_alive_only_while_it_beats(db, var_dir):
    beat()
    assert Client().get("/healthz").json()["worker"] == "ok"
    stale = time.time() - 120
    os.utime(heartbeat_path(), (stale, stale))
    assert not worker_alive()
    response = Client().get("/healthz")
    assert response.status_code == 200  # a dead worker does not take the site out
    assert response.json()["worker"] == "down"


def test_it_beats_from_a_thread_while_the_worker_runs(var_dir):
    assert not heartbeat_path().exists()
    thread = start_heartbeat(interval=0.05)
    try:
        deadline = time.monotonic() + 5
        while not worker_alive() and time.monotonic() < deadline:
            time.sleep(0.02)
        assert worker_alive()
        first = heartbeat_path().stat().st_mtime_ns
        time.sleep(0.2)
        assert heartbeat_path().stat().st_mtime_ns > first
    finally:
        thread.stop.set()
        thread.join(timeout=5)
    assert not thread.is_alive()


def test_it_answers_healthz_over_plain_http_when_https_is_enforced(db, var_dir):
    with override_settings(SECURE_SSL_REDIRECT=True):
        assert Client().get("/healthz").status_code == 200
        page = Client().get("/login/")
    assert page.status_code == 301 and page["Location"].startswith("https://")


def test_it_refuses_other_methods_on_healthz(db, var_dir):
    assert Client().post("/healthz").status_code == 405
