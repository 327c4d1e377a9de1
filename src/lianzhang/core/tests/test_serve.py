"""`lianzhang serve` as an operator runs it: a real process on a free loopback port with a
throw-away var directory. It serves pages and static files through gunicorn, restarts
a killed worker, and leaves no process behind on SIGTERM; in production mode it collects
the hashed, compressed static files itself and serves them for a year."""

import http.client
import os
import re
import signal
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Callable
from pathlib import Path

import pytest

from lianzhang.core.tests.test_deployment import REPO, clean_env, example_values, fresh_key

pytestmark = pytest.mark.slow


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def children_of(pid: int) -> list[int]:
    """Every live descendant of `pid` (from /proc)."""
    parents: dict[int, int] = {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                stat = (entry / "stat").read_text()
            except OSError:
                continue
            fields = stat.rsplit(")", 1)[1].split()
            if fields[0] != "Z":
                parents[int(entry.name)] = int(fields[1])
    found, todo = [], [pid]
    while todo:
        parent = todo.pop()
        kids = [p for p, pp in parents.items() if pp == parent]
        found += kids
        todo += kids
    return found


def alive(pid: int) -> bool:
    """Running (a zombie waiting to be reaped by PID 1 has finished)."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return False
    return stat.rsplit(")", 1)[1].split()[0] != "Z"


def wait_for(what: str, check: Callable[[], object], timeout: float = 120.0) -> object:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        result = check()
        if result:
            return result
        time.sleep(0.25)
    raise AssertionError(f"timed out waiting for {what}")


def get(port: int, path: str, **headers: str) -> tuple[int, dict[str, str], bytes]:
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    try:
        conn.request("GET", path, headers=headers)
        response = conn.getresponse()
        return response.status, {k.lower(): v for k, v in response.getheaders()}, response.read()
    finally:
        conn.close()


def answers(port: int) -> bool:
    try:
        return get(port, "/healthz")[0] == 200
    except OSError:
        return False


class Serve:
    """A `lianzhang serve` process whose output is collected as it runs."""

    def __init__(self, env: dict[str, str], *args: str) -> None:
        self.port = free_port()
        self.process = subprocess.Popen(
            [sys.executable, "-m", "lianzhang.cli", "serve", f"127.0.0.1:{self.port}", *args],
            env=env, cwd=REPO, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
        self.lines: list[str] = []
        threading.Thread(target=self._read, daemon=True).start()

    def _read(self) -> None:
        for line in self.process.stdout:
            self.lines.append(line)

    @property
    def output(self) -> str:
        return "".join(self.lines)

    def worker_pid(self) -> int | None:
        """The background worker: serve's child running `lianzhang.cli worker`."""
        for pid in children_of(self.process.pid):
            try:
                cmdline = Path(f"/proc/{pid}/cmdline").read_bytes().split(b"\0")
            except OSError:
                continue
            if b"worker" in cmdline and b"lianzhang.cli" in cmdline:
                return pid
        return None

    def stop(self) -> None:
        if self.process.poll() is None:
            for pid in children_of(self.process.pid):
                os.kill(pid, signal.SIGKILL)
            self.process.kill()
        self.process.wait(timeout=30)


@pytest.fixture
def embedded_env(tmp_path):
    env = clean_env(tmp_path, LIANZHANG_MODE="embedded")
    done = subprocess.run([sys.executable, "-m", "lianzhang.cli", "migrate", "-v", "0"],
                          env=env, cwd=REPO, capture_output=True, text=True, timeout=600)
    assert done.returncode == 0, done.stderr
    return env


def test_it_serves_restarts_a_killed_worker_and_stops_everything(embedded_env):
    serve = Serve(embedded_env, "--workers", "2", "--threads", "2")
    try:
        wait_for("the server to answer", lambda: answers(serve.port))
        status, headers, body = get(serve.port, "/login/")
        assert status == 200, serve.output
        assert headers["server"] == "gunicorn"  # not Django's development server
        assert "登录" in body.decode()
        # A static file the page links to, served from the sources (no collectstatic).
        css = re.search(r'href="(/static/vendor/tabler/css/tabler\.min\.css)"', body.decode())
        assert css, body.decode()[:500]
        status, headers, static = get(serve.port, css.group(1))
        assert status == 200 and headers["content-type"].startswith("text/css")
        assert static == (REPO / "node_modules/@tabler/core/dist/css/tabler.min.css").read_bytes()

        first = wait_for("the worker", serve.worker_pid)
        wait_for("the worker's heartbeat",
                 lambda: b'"worker": "ok"' in get(serve.port, "/healthz")[2])
        os.kill(first, signal.SIGKILL)
        second = wait_for("a new worker", lambda: (pid := serve.worker_pid()) != first and pid,
                          timeout=60)
        assert alive(second) and not alive(first)
        assert f"background worker (pid {first}) exited with code -9; restarting" in serve.output

        everyone = children_of(serve.process.pid)
        assert second in everyone and len(everyone) >= 4  # gunicorn, its 2 workers, worker
        serve.process.send_signal(signal.SIGTERM)
        assert serve.process.wait(timeout=90) == 0, serve.output
    finally:
        serve.stop()
    assert [pid for pid in everyone if alive(pid)] == []
    assert not answers(serve.port)
    assert "web server (gunicorn) stopped" in serve.output
    assert "background worker stopped" in serve.output


def test_it_serves_compressed_hashed_static_files_in_production_mode(tmp_path):
    env = clean_env(tmp_path, **{**example_values(), "LIANZHANG_SECRET_KEY": fresh_key(),
                                 "DATABASE_URL": f"sqlite:///{tmp_path / 'db.sqlite3'}",
                                 "LIANZHANG_ALLOWED_HOSTS": "127.0.0.1"})
    serve = Serve(env, "--no-worker", "--no-scheduler", "--workers", "1", "--threads", "2")
    try:
        wait_for("the server to answer", lambda: answers(serve.port), timeout=300)
        assert "正在收集静态文件" in serve.output
        assert (tmp_path / "static" / "staticfiles.json").exists()
        # Without the proxy's header the request is plain HTTP: sent to HTTPS.
        status, headers, _ = get(serve.port, "/login/")
        assert status == 301 and headers["location"].startswith("https://127.0.0.1")
        status, headers, body = get(serve.port, "/login/", **{"X-Forwarded-Proto": "https"})
        assert status == 200 and headers["strict-transport-security"].startswith("max-age=")
        script = re.search(r'src="(/static/vendor/htmx/htmx\.min\.[0-9a-f]{12}\.js)"',
                           body.decode())
        assert script, body.decode()[:500]
        status, headers, static = get(serve.port, script.group(1), **{
            "X-Forwarded-Proto": "https", "Accept-Encoding": "gzip"})
        assert status == 200 and headers["content-encoding"] == "gzip"
        assert "immutable" in headers["cache-control"]
        assert "max-age=315360000" in headers["cache-control"]
        serve.process.send_signal(signal.SIGTERM)
        assert serve.process.wait(timeout=90) == 0, serve.output
    finally:
        serve.stop()
