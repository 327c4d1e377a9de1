"""The supervision under `lianzhang serve`, with real short-lived processes: the worker's
restart pause grows while it keeps dying and starts over once it ran long enough; a
child that ignores SIGTERM is killed; a child outlives a killed serve only briefly."""

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from django.core.management.base import CommandError

from lianzhang.core.management.commands.serve import bind_address
from lianzhang.core.supervisor import SUPERVISOR_ENV, Child
from lianzhang.core.tests.test_serve import alive, wait_for

SRC = Path(__file__).resolve().parents[3]
PYTHON_ENV = {**os.environ, "PYTHONPATH": str(SRC)}


def exited(child: Child) -> bool:
    return child.process is not None and child.process.poll() is not None


def test_it_restarts_a_dying_worker_with_a_growing_pause():
    child = Child("worker", [sys.executable, "-c", "raise SystemExit(3)"], restart=True,
                  backoff=0.5, max_backoff=2.0, stable_after=60.0)
    child.start()
    pauses = []
    for _ in range(4):
        wait_for("the child to exit", lambda: exited(child), timeout=30)
        now = time.monotonic()
        assert child.check(now)  # dead, to be restarted: not fatal
        pauses.append(round(child.restart_at - now, 2))
        assert child.pid is None and child.check(now + 0.1) and child.restarts == len(pauses) - 1
        child.check(child.restart_at)  # due: started again
    assert pauses == [0.5, 1.0, 2.0, 2.0]
    assert child.restarts == 4
    # A worker that ran for a while before dying starts the count again.
    wait_for("the child to exit", lambda: exited(child), timeout=30)
    child.started_at -= 120
    now = time.monotonic()
    child.check(now)
    assert round(child.restart_at - now, 2) == 0.5


def test_it_reports_a_vital_child_dead_for_good():
    child = Child("web server", [sys.executable, "-c", "raise SystemExit(1)"], restart=False)
    child.start()
    wait_for("the child to exit", lambda: exited(child), timeout=30)
    assert child.check(time.monotonic()) is False
    assert child.restarts == 0


def test_it_kills_a_child_that_ignores_sigterm():
    code = ("import signal, time; signal.signal(signal.SIGTERM, signal.SIG_IGN); "
            "print('ready', flush=True); time.sleep(120)")
    child = Child("stubborn", [sys.executable, "-c", code], restart=False, stop_timeout=0.5)
    child.start()
    started = time.monotonic()
    wait_for("the child to start", lambda: child.pid and alive(child.pid), timeout=30)
    time.sleep(0.5)  # past the interpreter's start-up, the handler is in place
    child.stop()
    assert child.process.returncode == -signal.SIGKILL
    assert time.monotonic() - started < 30


@pytest.mark.parametrize(("given", "bind"), [
    ("8000", "127.0.0.1:8000"), ("0.0.0.0:8001", "0.0.0.0:8001"), ("[::1]:8002", "[::1]:8002")])
def test_it_reads_the_address_like_runserver(given, bind):
    assert bind_address(given) == bind


@pytest.mark.parametrize("given", ["localhost", "127.0.0.1:", "127.0.0.1:99999", ":8000"])
def test_it_refuses_a_bad_address_in_chinese(given):
    with pytest.raises(CommandError, match="不是有效的地址"):
        bind_address(given)


def test_it_ends_a_child_whose_serve_was_killed():
    grandchild = ("import time; from lianzhang.core.supervisor import watch_parent; "
                  "assert watch_parent(0.1); print('watching', flush=True); time.sleep(120)")
    middle = (
        "import os, subprocess, sys, time; "
        f"p = subprocess.Popen([sys.executable, '-c', {grandchild!r}], "
        f"env={{**os.environ, {SUPERVISOR_ENV!r}: str(os.getpid())}}); "
        "print(p.pid, flush=True); time.sleep(120)")
    serve = subprocess.Popen([sys.executable, "-c", middle], env=PYTHON_ENV,
                             stdout=subprocess.PIPE, text=True)
    try:
        pid = int(serve.stdout.readline())
        assert serve.stdout.readline().strip() == "watching"
        serve.kill()  # SIGKILL: serve cannot stop anything itself
        serve.wait(timeout=30)
        wait_for("the orphan to stop", lambda: not alive(pid), timeout=30)
    finally:
        serve.kill()
        if alive(pid):
            os.kill(pid, signal.SIGKILL)


def test_it_does_not_watch_outside_serve(monkeypatch):
    from lianzhang.core.supervisor import watch_parent

    monkeypatch.delenv(SUPERVISOR_ENV, raising=False)
    assert watch_parent() is None
    monkeypatch.setenv(SUPERVISOR_ENV, str(os.getppid() + 1_000_000))
    assert watch_parent() is None
