"""Benchmark a 100,000-row firm import while other users log in, browse and write
through the API — a script, not a test.

    .venv/bin/python bench/import_under_load.py                          # 100,000 rows
    .venv/bin/python bench/import_under_load.py --rows 20000 --clients 4 --max-minutes 30

Builds a throw-away site (a temporary LIANZHANG_VAR_DIR: migrate, then the demo city),
writes the import file from the demo generator (new firms of another seed plus a tenth
re-listed demo firms, which update), and starts `lianzhang serve` on a free loopback
port — whatever web server and worker that command starts. Signed-in clients then
loop (four pages, one API call, a second's pause; signing out and in again every
fifth round): first for
`--baseline` seconds with no import, then from the upload of the file on the import
page (as the secretariat) until its job has finished. Bounded in time: after
`--max-minutes` the job is cancelled. Prints every error (a 5xx, an unexpected status
or a failed request), p50/p95/max per kind of request in both phases, and the
import's own duration.
"""

from __future__ import annotations

import argparse
import csv
import http.client
import io
import json
import os
import random
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from collections import defaultdict
from http.cookies import SimpleCookie
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))

__all__ = ["firm_file", "Client", "Site", "main"]

PASSWORD = "Lianzhang@2026"  # the demo accounts' password
IMPORTER = "mishu"  # 秘书处
CLIENT_USERS = ["admin", "mishu", "jiulong", "lianzhang", "zhuanban", "jiaoxi"]
WRITERS = {"admin", "mishu"}  # may create tags through the API
PAGES = ["/", "/dashboards/towns/", "/enterprises/enterprises/", "/projects/projects/"]
HEADER = ["统一社会信用代码", "企业名称", "所属镇街", "登记状态", "成立日期", "注册资本",
          "行业代码", "主营产品"]


def firm_file(rows: int, seed: int = 2025) -> tuple[bytes, int]:
    """A UTF-8 CSV of `rows` firms from the demo generator: a tenth (at most the demo's
    local firms) re-lists demo firms (updates), the rest are firms of another seed
    (creates). Returns the file and the number of re-listed firms."""
    from lianzhang.demo.generator import generate

    def row(firm) -> list[str]:
        return [firm.uscc, firm.name, firm.town or "", "存续",
                firm.established.isoformat() if firm.established else "",
                "" if firm.registered_capital is None else str(firm.registered_capital),
                firm.industry_code, "|".join(f"{n}:{s}" for n, s in firm.products)]

    demo = [f for f in generate(2024, 600).iter_firms() if f.town][:rows // 10]
    out = [row(f) for f in demo]
    for firm in generate(seed, int((rows - len(out)) * 1.6) + 600).iter_firms():
        if len(out) >= rows:
            break
        if firm.town:
            out.append(row(firm))
    random.Random(seed).shuffle(out)
    buf = io.StringIO()
    writer = csv.writer(buf)
    writer.writerow(HEADER)
    writer.writerows(out)
    return buf.getvalue().encode(), len(demo)


class Client:
    """A browser's cookies over plain HTTP/1.1 requests to the site."""

    def __init__(self, port: int, timeout: float = 60) -> None:
        self.port = port
        self.timeout = timeout
        self.cookies: dict[str, str] = {}

    def request(self, method: str, path: str, body: bytes | None = None,
                headers: dict[str, str] | None = None) -> tuple[int, dict[str, str], bytes]:
        """One request; (status, headers, body)."""
        conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=self.timeout)
        try:
            sent = {"Cookie": "; ".join(f"{k}={v}" for k, v in self.cookies.items()),
                    **(headers or {})}
            conn.request(method, path, body=body, headers=sent)
            response = conn.getresponse()
            data = response.read()
            for raw in response.headers.get_all("Set-Cookie") or []:
                for name, morsel in SimpleCookie(raw).items():
                    if morsel["max-age"] == "0" or not morsel.value:
                        self.cookies.pop(name, None)
                    else:
                        self.cookies[name] = morsel.value
            return response.status, dict(response.headers), data
        finally:
            conn.close()

    def csrf(self) -> str:
        """The CSRF secret (Django accepts it unmasked in forms and headers)."""
        return self.cookies.get("csrftoken", "")

    def login(self, username: str) -> int:
        """Sign in through the login form; the status of the POST (302 = signed in)."""
        self.cookies.clear()
        self.request("GET", "/login/")
        body = f"username={username}&password={PASSWORD}&csrfmiddlewaretoken={self.csrf()}"
        status, headers, _data = self.request(
            "POST", "/login/", body.encode(),
            {"Content-Type": "application/x-www-form-urlencoded"})
        return status if "/login/" not in headers.get("Location", "/login/") else 401

    def logout(self) -> int:
        """Sign out (POST with the CSRF token)."""
        body = f"csrfmiddlewaretoken={self.csrf()}".encode()
        return self.request("POST", "/logout/", body,
                            {"Content-Type": "application/x-www-form-urlencoded"})[0]

    def upload(self, path: str, filename: str, data: bytes) -> tuple[int, dict[str, str]]:
        """POST a file to an import page (a commit, not a preview)."""
        self.request("GET", path)
        boundary = uuid.uuid4().hex
        parts = [
            f'--{boundary}\r\nContent-Disposition: form-data; name="csrfmiddlewaretoken"'
            f"\r\n\r\n{self.csrf()}\r\n".encode(),
            f'--{boundary}\r\nContent-Disposition: form-data; name="file"; '
            f'filename="{filename}"\r\nContent-Type: text/csv\r\n\r\n'.encode() + data + b"\r\n",
            f"--{boundary}--\r\n".encode()]
        status, headers, _data = self.request(
            "POST", path, b"".join(parts),
            {"Content-Type": f"multipart/form-data; boundary={boundary}"})
        return status, headers


class Recorder:
    """Latencies and errors per phase and kind of request (thread-safe)."""

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.phase = "baseline"
        self.times: dict[tuple[str, str], list[float]] = defaultdict(list)
        self.errors: list[str] = []

    def timed(self, kind: str, call, expected: set[int]) -> None:
        """Run `call` (returning a status) and record its time or its error."""
        phase = self.phase
        started = time.perf_counter()
        try:
            status = call()
            problem = None if status in expected else f"HTTP {status}"
        except Exception as exc:  # a refused or timed-out request is an error too
            problem = f"{type(exc).__name__}: {exc}"
        elapsed = time.perf_counter() - started
        with self.lock:
            self.times[(phase, kind)].append(elapsed)
            if problem:
                self.errors.append(f"{phase} {kind}: {problem}")


def client_loop(port: int, username: str, recorder: Recorder, stop: threading.Event,
                number: int) -> None:
    """A user at work: view the pages and call the API, pause a second, again; sign
    out and in again every fifth round (a sign-in costs a second of CPU for the
    password hash: doing it every round would measure the hash, not the database)."""
    client = Client(port)
    count = 0
    while not stop.is_set():
        if count % 5 == 0:
            if count:
                recorder.timed("logout", client.logout, {302})
            recorder.timed("login", lambda: client.login(username), {302})
        count += 1
        for page in PAGES:
            recorder.timed("page", lambda p=page: client.request("GET", p)[0], {200})
        if username in WRITERS:
            name = f"压测{number}-{count}-{uuid.uuid4().hex[:6]}"
            body = json.dumps({"name": name, "slug": f"load-{number}-{count}-{name[-6:]}"})
            recorder.timed("api write", lambda b=body: client.request(
                "POST", "/api/core/tags/", b.encode(),
                {"Content-Type": "application/json", "X-CSRFToken": client.csrf()})[0], {201})
        else:
            recorder.timed("api read", lambda: client.request(
                "GET", "/api/enterprises/enterprises/?limit=20")[0], {200})
        stop.wait(1.0)


class Site:
    """The throw-away site: var dir, database, server process."""

    def __init__(self, keep: bool) -> None:
        self.var = Path(tempfile.mkdtemp(prefix="lianzhang-load-"))
        self.keep = keep
        self.port = _free_port()
        self.env = {k: v for k, v in os.environ.items()
                    if not k.startswith(("LIANZHANG_", "DATABASE_URL", "DJANGO_"))}
        self.env.update({"LIANZHANG_VAR_DIR": str(self.var), "PYTHONPATH": str(ROOT / "src")})
        self.server: subprocess.Popen | None = None

    def manage(self, *args: str) -> None:
        """Run a `lianzhang` command against the site."""
        subprocess.run([sys.executable, "-m", "lianzhang.cli", *args], env=self.env,
                       check=True, stdout=subprocess.DEVNULL)

    def start(self) -> None:
        """`lianzhang serve` on the free port; wait until /healthz answers."""
        with open(self.var / "serve.log", "w") as log:
            self.server = subprocess.Popen(
                [sys.executable, "-m", "lianzhang.cli", "serve", f"127.0.0.1:{self.port}"],
                env=self.env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline:
            try:
                if Client(self.port, 5).request("GET", "/healthz")[0] == 200:
                    return
            except OSError:
                pass
            time.sleep(0.5)
        raise SystemExit("the server did not answer /healthz within 120 s; see "
                         f"{self.var / 'serve.log'}")

    def stop(self) -> None:
        """Stop the server (and the worker it started); remove the var dir."""
        if self.server is not None and self.server.poll() is None:
            os.killpg(self.server.pid, signal.SIGTERM)
            try:
                self.server.wait(timeout=30)
            except subprocess.TimeoutExpired:
                os.killpg(self.server.pid, signal.SIGKILL)
        if not self.keep:
            shutil.rmtree(self.var, ignore_errors=True)


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def follow_job(client: Client, url: str, max_seconds: float) -> dict:
    """Poll the job's progress until it has finished (cancel it after `max_seconds`)."""
    started = time.monotonic()
    last_note = 0.0
    cancelled = False
    while True:
        status, _headers, data = client.request("GET", f"{url}progress/",
                                                headers={"Accept": "application/json"})
        state = json.loads(data) if status == 200 else {"status": f"HTTP {status}"}
        if state.get("status") in ("completed", "failed", "cancelled"):
            return {**state, "cancelled_by_bench": cancelled,
                    "seconds": time.monotonic() - started}
        elapsed = time.monotonic() - started
        if elapsed - last_note >= 60:
            last_note = elapsed
            print(f"  {elapsed / 60:5.1f} min: job {state.get('status')} "
                  f"{state.get('done')}/{state.get('total')}", file=sys.stderr, flush=True)
        if elapsed > max_seconds and not cancelled:
            cancelled = True
            client.request("POST", f"{url}cancel/",
                           f"csrfmiddlewaretoken={client.csrf()}".encode(),
                           {"Content-Type": "application/x-www-form-urlencoded"})
        time.sleep(2)


def _pct(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))] * 1000


def report(recorder: Recorder) -> None:
    """Print the latency table and the errors."""
    print("| phase | request | count | errors | p50 ms | p95 ms | max ms |")
    print("|---|---|---:|---:|---:|---:|---:|")
    for (phase, kind), values in sorted(recorder.times.items()):
        errors = sum(1 for e in recorder.errors if e.startswith(f"{phase} {kind}:"))
        print(f"| {phase} | {kind} | {len(values)} | {errors} | "
              f"{statistics.median(values) * 1000:.0f} | {_pct(values, 0.95):.0f} | "
              f"{max(values) * 1000:.0f} |")
    print(f"\nerrors: {len(recorder.errors)}")
    for line in recorder.errors[:20]:
        print(f"  {line}")


def main(argv: list[str] | None = None) -> int:
    """Run the benchmark; print the figures."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--clients", type=int, default=6)
    parser.add_argument("--baseline", type=float, default=60, help="seconds without import")
    parser.add_argument("--max-minutes", type=float, default=600)
    parser.add_argument("--keep", action="store_true", help="keep the var dir")
    args = parser.parse_args(argv)

    site = Site(args.keep)
    print(f"var dir: {site.var}; port {site.port}", flush=True)
    try:
        t0 = time.perf_counter()
        site.manage("migrate", "-v", "0")
        site.manage("load_demo")
        data, relisted = firm_file(args.rows)
        print(f"site and file ready in {time.perf_counter() - t0:.0f} s: {args.rows} rows "
              f"({relisted} re-listed demo firms), {len(data) / 1e6:.1f} MB", flush=True)
        site.start()
        recorder, stop = Recorder(), threading.Event()
        threads = [threading.Thread(target=client_loop, daemon=True, args=(
            site.port, CLIENT_USERS[i % len(CLIENT_USERS)], recorder, stop, i))
            for i in range(args.clients)]
        for thread in threads:
            thread.start()
        time.sleep(args.baseline)

        recorder.phase = "import"
        uploader = Client(site.port, timeout=600)
        if uploader.login(IMPORTER) != 302:
            raise SystemExit("the secretariat could not sign in")
        started = time.perf_counter()
        status, headers = uploader.upload("/enterprises/enterprises/import/", "firms.csv", data)
        if status != 302 or "/core/jobs/" not in headers.get("Location", ""):
            raise SystemExit(f"the upload was not accepted as a job (HTTP {status})")
        job = follow_job(uploader, headers["Location"], args.max_minutes * 60)
        duration = time.perf_counter() - started
        stop.set()
        for thread in threads:
            thread.join(timeout=120)
    finally:
        site.stop()

    print(f"\nimport of {args.rows} rows: job {job['status']}"
          f"{' (cancelled by the bench at the time limit)' if job['cancelled_by_bench'] else ''}"
          f" in {duration:.0f} s ({args.rows / duration:.0f} rows/s) from upload to end; "
          f"result {job.get('result')}")
    report(recorder)
    return 0 if not recorder.errors and job["status"] == "completed" else 1


if __name__ == "__main__":
    raise SystemExit(main())
