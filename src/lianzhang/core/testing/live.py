"""A throw-away embedded site in real processes, for tests of what only real processes
show: a worker killed with SIGKILL, connections competing for SQLite's write lock.

The site has its own var dir (SQLite file, file cache, uploads) and runs the real
settings; the test reads its database with the `sqlite3` module. A migrated site is
made once and copied for each test (`clone`), because migrating takes a while."""

from __future__ import annotations

import os
import shutil
import sqlite3
import subprocess
import sys
import textwrap
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

__all__ = ["LiveSite", "wait_until"]

SRC = Path(__file__).resolve().parents[3]


def wait_until(check: Callable[[], Any], timeout: float, step: float = 0.2) -> Any:
    """Poll `check` until it returns something true; that value (AssertionError after
    `timeout` seconds)."""
    deadline = time.monotonic() + timeout
    while True:
        value = check()
        if value:
            return value
        if time.monotonic() > deadline:
            raise AssertionError(f"not within {timeout} s: {check.__doc__ or check}")
        time.sleep(step)


class LiveSite:
    """An embedded site in `root` (its var dir), driven through subprocesses."""

    def __init__(self, root: Path, **settings: str) -> None:
        self.root = Path(root)
        self.settings = settings
        self.database = self.root / "lianzhang.sqlite3"

    @property
    def env(self) -> dict[str, str]:
        """The environment of the site's processes: real settings, this var dir, a
        SQLite file (also under the PostgreSQL test run), no inherited test settings."""
        env = {k: v for k, v in os.environ.items()
               if not k.startswith(("LIANZHANG_", "DJANGO_", "DATABASE_URL", "PYTEST"))}
        env.update({"LIANZHANG_VAR_DIR": str(self.root), "PYTHONPATH": str(SRC),
                    "DATABASE_URL": f"sqlite:///{self.database}",
                    "DJANGO_SETTINGS_MODULE": "lianzhang.settings", **self.settings})
        return env

    def migrate(self) -> LiveSite:
        """Create the database (a few tens of seconds)."""
        subprocess.run([sys.executable, "-m", "lianzhang.cli", "migrate", "-v", "0"],
                       env=self.env, check=True, timeout=600)
        return self

    def clone(self, root: Path, **settings: str) -> LiveSite:
        """A copy of this (stopped) site in `root`, with other settings."""
        root.mkdir(parents=True, exist_ok=True)
        for path in self.root.glob("lianzhang.sqlite3*"):
            shutil.copy(path, root / path.name)
        shutil.copy(self.root / "secret_key", root / "secret_key")
        return LiveSite(root, **settings)

    def _script(self, code: str) -> list[str]:
        body = "import django\ndjango.setup()\n" + textwrap.dedent(code)
        return [sys.executable, "-c", body]

    def python(self, code: str, timeout: float = 300) -> str:
        """Run `code` in a Django process of the site; its standard output."""
        done = subprocess.run(self._script(code), env=self.env, capture_output=True,
                              text=True, timeout=timeout)
        if done.returncode:
            raise AssertionError(f"site process failed:\n{done.stdout}\n{done.stderr[-4000:]}")
        return done.stdout.strip()

    def spawn(self, code: str) -> subprocess.Popen:
        """Start `code` in a Django process of the site (stdout as a pipe)."""
        return subprocess.Popen(self._script(code), env=self.env, stdout=subprocess.PIPE,
                                stderr=subprocess.PIPE, text=True)

    def start_worker(self) -> subprocess.Popen:
        """Start `lianzhang db_worker` (what `lianzhang worker` runs under serve); its output
        goes to `worker-<n>.log` in the var dir."""
        log = self.root / f"worker-{len(list(self.root.glob('worker-*.log'))) + 1}.log"
        with open(log, "w") as out:
            return subprocess.Popen(
                [sys.executable, "-m", "lianzhang.cli", "db_worker", "--interval", "0.2",
                 "--no-startup-delay", "--no-reload"], env=self.env, stdout=out,
                stderr=subprocess.STDOUT)

    def logs(self) -> str:
        """The workers' output, for a failing test's message."""
        return "\n".join(f"--- {p.name}\n{p.read_text()[-3000:]}"
                         for p in sorted(self.root.glob("worker-*.log")))

    def sql(self, query: str, *params: Any) -> list[tuple]:
        """Rows of a query on the site's database (read from this process)."""
        connection = sqlite3.connect(self.database, timeout=30)
        try:
            return connection.execute(query, params).fetchall()
        finally:
            connection.close()

    def value(self, query: str, *params: Any) -> Any:
        """The first column of the first row (None when there is none)."""
        rows = self.sql(query, *params)
        return rows[0][0] if rows else None
