"""Simulated users for bench/load.py: each one signs in through the login form and then
browses like a person at a desk, with plain HTTP on loopback (stdlib only).

A user is a thread with its own cookies and one keep-alive connection, like a browser
tab. After signing in it fetches the page's CSS and JavaScript once (a browser keeps
them: production serves them as immutable), then clicks, until the end time: it picks
one of the pages at random, loads the page's HTML, and thinks for a random time before
the next click. Requests carry `X-Forwarded-Proto: https`, as the TLS-terminating
reverse proxy of a production deployment does, so production mode's HTTPS settings
(secure cookies, CSRF origin checks) are the ones exercised."""

from __future__ import annotations

import http.client
import json
import random
import re
import threading
import time
import urllib.parse
from dataclasses import dataclass, field

__all__ = ["Sample", "User", "PAGES"]

# The pages users browse: label → path (a chain cockpit's path is filled in per click).
PAGES = {
    "cockpit": "/dashboards/chain/{chain}/",
    "project list": "/projects/projects/",
    "firm list": "/enterprises/enterprises/",
    "API firm list": "/api/enterprises/enterprises/",
}
# A server error page, or a network failure, is an error; so is any status but 200.
STATIC_RE = re.compile(r'(?:href|src)="(/static/[^"]+\.(?:css|js))"')
CSRF_RE = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')


@dataclass
class Sample:
    """One request: which page, how long it took (s), and its outcome."""

    page: str
    seconds: float
    status: int  # 0: no response (network error)
    error: str = ""


@dataclass
class User:
    """A signed-in user browsing until `end` (time.monotonic())."""

    port: int
    username: str
    password: str
    think: tuple[float, float]
    end: float
    seed: int
    samples: list[Sample] = field(default_factory=list)
    reconnects: int = 0
    chains: list[int] = field(default_factory=list)
    ready: threading.Event = field(default_factory=threading.Event)  # signed in (or failed)

    def __post_init__(self) -> None:
        self.rng = random.Random(self.seed)
        self.cookies: dict[str, str] = {}
        self.assets_loaded = False
        self.conn: http.client.HTTPConnection | None = None
        self.base = f"https://127.0.0.1:{self.port}"

    # --- HTTP with a browser's habits --------------------------------------------------
    def _connection(self) -> http.client.HTTPConnection:
        if self.conn is None:
            self.conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=60)
        return self.conn

    def _send(self, method: str, path: str, body: bytes | None,
              headers: dict[str, str]) -> tuple[int, bytes]:
        headers = {"Host": f"127.0.0.1:{self.port}", "X-Forwarded-Proto": "https",
                   "Accept-Language": "zh-CN,zh;q=0.9", **headers}
        if self.cookies:
            headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        for attempt in (1, 2):
            conn = self._connection()
            reused = conn.sock is not None
            try:
                conn.request(method, path, body=body, headers=headers)
                response = conn.getresponse()
                data = response.read()
            except (http.client.RemoteDisconnected, ConnectionResetError, BrokenPipeError):
                # The server closed an idle keep-alive connection as we reused it: a
                # browser retries such a request on a new connection, once.
                conn.close()
                self.conn = None
                if reused and attempt == 1:
                    self.reconnects += 1
                    continue
                raise
            for name, value in response.getheaders():
                if name.lower() == "set-cookie":
                    cookie = value.split(";", 1)[0]
                    key, _, val = cookie.partition("=")
                    self.cookies[key.strip()] = val.strip()
            if response.getheader("Connection", "").lower() == "close":
                conn.close()
                self.conn = None
            return response.status, data
        raise AssertionError("unreachable")

    def get(self, page: str, path: str) -> bytes:
        """GET `path`, recorded under `page`."""
        started = time.perf_counter()
        accept = "application/json" if path.startswith("/api/") else "text/html,*/*;q=0.8"
        try:
            status, body = self._send("GET", path, None, {"Accept": accept})
        except (OSError, http.client.HTTPException) as exc:
            self.samples.append(Sample(page, time.perf_counter() - started, 0, repr(exc)))
            self.conn = None
            return b""
        error = "" if status == 200 else f"HTTP {status} {path}"
        self.samples.append(Sample(page, time.perf_counter() - started, status, error))
        return body

    # --- what the user does -------------------------------------------------------------
    def sign_in(self) -> bool:
        """The login form, as a browser submits it (CSRF token, Origin, Referer)."""
        page = self.get("sign-in", "/login/").decode()
        token = CSRF_RE.search(page)
        if not token:
            return False
        form = urllib.parse.urlencode({"username": self.username, "password": self.password,
                                       "csrfmiddlewaretoken": token.group(1)}).encode()
        started = time.perf_counter()
        status, _ = self._send("POST", "/login/", form, {
            "Content-Type": "application/x-www-form-urlencoded", "Origin": self.base,
            "Referer": f"{self.base}/login/"})
        ok = status == 302 and "sessionid" in self.cookies
        self.samples.append(Sample("sign-in", time.perf_counter() - started, status,
                                   "" if ok else f"sign-in refused (HTTP {status})"))
        return ok

    def load_chains(self, published: set[int]) -> None:
        """The chains this user may open that have a published map (a cockpit)."""
        body = self.get("API chain list", "/api/chains/chains/?limit=500")
        try:
            rows = json.loads(body)["results"]
        except (ValueError, KeyError):
            return
        self.chains = sorted(row["id"] for row in rows if row["id"] in published)

    def click(self) -> None:
        page = self.rng.choice([p for p in PAGES if p != "cockpit" or self.chains])
        path = PAGES[page].format(chain=self.rng.choice(self.chains) if self.chains else 0)
        body = self.get(page, path)
        if not self.assets_loaded and not path.startswith("/api/"):
            # The first page in a fresh browser also loads its CSS and JavaScript.
            self.assets_loaded = True
            for asset in sorted(set(STATIC_RE.findall(body.decode(errors="replace")))):
                self.get("static (once per user)", asset)

    def browse(self, published: set[int], start: threading.Event) -> None:
        """Sign in, wait for the common start, then click and think until the end."""
        try:
            if not self.sign_in():
                return
            self.load_chains(published)
            self.samples.clear()  # signing in happens before the measured window
            self.ready.set()
            start.wait()
            # Users already in the middle of their work: the first clicks spread over
            # one think time instead of all landing at the same instant.
            time.sleep(self.rng.uniform(0, self.think[1]))
            self.click()
            while True:
                pause = self.rng.uniform(*self.think)
                if time.monotonic() + pause >= self.end:
                    break
                time.sleep(pause)
                self.click()
        finally:
            self.ready.set()
            if self.conn is not None:
                self.conn.close()
