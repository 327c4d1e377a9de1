"""Load: concurrent signed-in users browsing the demo city for a fixed time against the
production server (`lianzhang serve`: gunicorn, the worker, the scheduler; production
mode), on loopback only. Prints requests, errors and p50/p95/max per page.

Setup: a throw-away var directory; the database is SQLite in it, or the PostgreSQL
database named by DATABASE_URL (run under scripts/pg-test.sh for a throw-away
cluster); `migrate` and `load_demo`; `lianzhang serve` on a free 127.0.0.1 port with
a generated secret key, waiting until the periodic jobs queued at start have run.
One warm-up pass (not measured) opens every chain cockpit and list once, as a server
that has been running for a while has its figure cache filled.

The user model (bench/load_users.py): each user signs in through the login form
(before the measured window), fetches the CSS/JS once, then repeats until the end:
open one of the four pages at random (a chain cockpit among the chains it may see,
the project list, the firm list, the API firm list), read the HTML, think for a
uniformly random time (`--think 1,5`: 1-5 s, mean 3 s; `--think 0,0` is a closed
loop: every user clicks again as soon as a page arrives). Users are spread over the
demo's staff accounts (secretariat, chain leader, deputy, task force, two towns,
read-only, admin). The clients run on the same 2 cores as the server.

    .venv/bin/python bench/load.py                                  # SQLite
    scripts/pg-test.sh .venv/bin/python bench/load.py               # PostgreSQL
    .venv/bin/python bench/load.py --users 50 --duration 60 --think 1,5 --workers 3 --threads 4
"""

from __future__ import annotations

import argparse
import json
import math
import os
import platform
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
import urllib.parse
import urllib.request
from collections import defaultdict
from pathlib import Path

from load_users import PAGES, Sample, User  # bench/ is the script's directory: on the path

REPO = Path(__file__).resolve().parents[1]
SRC = REPO / "src"
PASSWORD = "Lianzhang@2026"  # the demo accounts' password (lianzhang.demo.loader)
USERNAMES = ["mishu", "lianzhang", "fulianzhang", "zhuanban", "jiulong", "jiaoxi", "zhidu",
             "admin"]
MAX_SECONDS = 600  # the measured window never runs longer than this


def server_env(var_dir: Path) -> dict[str, str]:
    """Production mode as the example file sets it, on loopback, with a fresh key."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("LIANZHANG_")}
    return {**env, "PYTHONPATH": os.pathsep.join(filter(None, [str(SRC), env.get("PYTHONPATH")])),
            "LIANZHANG_MODE": "production", "LIANZHANG_VAR_DIR": str(var_dir),
            "LIANZHANG_SECRET_KEY": secrets.token_urlsafe(50),
            "LIANZHANG_ALLOWED_HOSTS": "127.0.0.1",
            "LIANZHANG_CSRF_TRUSTED_ORIGINS": "https://127.0.0.1",
            "LIANZHANG_PROXY_SSL_HEADER": "X-Forwarded-Proto"}


def cli(env: dict[str, str], *args: str, timeout: float = 1800) -> str:
    done = subprocess.run([sys.executable, "-m", "lianzhang.cli", *args], env=env, cwd=REPO,
                          capture_output=True, text=True, timeout=timeout)
    if done.returncode:
        raise SystemExit(f"lianzhang {' '.join(args)} failed:\n{done.stderr[-3000:]}")
    return done.stdout


def django_value(env: dict[str, str], code: str) -> object:
    """The JSON that `code` (a Django shell snippet assigning `result`) computes."""
    return json.loads(cli(env, "shell", "-c", f"import json\n{code}\nprint(json.dumps(result))")
                      .strip().splitlines()[-1])


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def wait_until(what: str, check, timeout: float) -> None:
    deadline = time.monotonic() + timeout
    while not check():
        if time.monotonic() > deadline:
            raise SystemExit(f"timed out waiting for {what}")
        time.sleep(1)


def healthy(port: int) -> bool:
    try:
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=5) as r:
            return r.status == 200
    except OSError:
        return False


def set_group_nice(pid: int, nice: int) -> None:
    """With the kernel's autogroup scheduling, each session shares the CPU with other
    sessions as one group whatever its processes' nice values; the group's own nice
    value (/proc/PID/autogroup) is what weighs against them."""
    try:
        Path(f"/proc/{pid}/autogroup").write_text(str(nice))
    except OSError:  # no autogroup scheduling here, or not root
        pass


def group_nice(pid: int) -> int | None:
    """The autogroup nice value of `pid`'s session (None without autogroup scheduling)."""
    try:
        return int(Path(f"/proc/{pid}/autogroup").read_text().split()[-1])
    except (OSError, ValueError, IndexError):
        return None


def raise_priority(env: dict[str, str], nice: int = -10) -> str:
    """Run this bench, the server it starts and a throw-away PostgreSQL cluster (found
    through the socket directory in DATABASE_URL) at a higher priority than the rest of
    the machine: on a shared development machine this approximates a server of its own.
    Root only; what was raised is printed with the figures."""
    os.setpriority(os.PRIO_PROCESS, 0, nice)  # threads and children started later inherit
    set_group_nice(os.getpid(), nice)
    raised = ["bench and server"]
    # scripts/pg-test.sh: postgres://postgres@<socket dir, %-encoded>:<port>/postgres
    netloc = urllib.parse.urlsplit(env.get("DATABASE_URL", "")).netloc
    host = urllib.parse.unquote(netloc.rsplit("@", 1)[-1].rsplit(":", 1)[0])
    pid_file = Path(host) / "data" / "postmaster.pid"
    if host.startswith("/") and pid_file.is_file():
        postmaster = int(pid_file.read_text().split()[0])
        os.setpriority(os.PRIO_PROCESS, postmaster, nice)  # new backends inherit
        set_group_nice(postmaster, nice)
        raised.append(f"PostgreSQL (postmaster {postmaster})")
    return f"nice {nice}: " + ", ".join(raised)


def tree_cpu(root: int) -> float:
    """CPU seconds (user + system) used so far by `root` and its live descendants."""
    stats = proc_stats()
    ticks = os.sysconf("SC_CLK_TCK")
    return sum(int(stats[p][11]) + int(stats[p][12]) for p in tree(root, stats)) / ticks


def proc_stats() -> dict[int, list[str]]:
    """/proc/PID/stat fields after the command name, for every process."""
    stats: dict[int, list[str]] = {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                stats[int(entry.name)] = (entry / "stat").read_text().rsplit(")", 1)[1].split()
            except OSError:
                continue
    return stats


def tree(root: int, stats: dict[int, list[str]]) -> set[int]:
    """`root` and its live descendants."""
    found, todo = {root} & set(stats), [root]
    while todo:
        parent = todo.pop()
        kids = [pid for pid, f in stats.items() if int(f[1]) == parent]
        found.update(kids)
        todo += kids
    return found


def percentile(values: list[float], q: float) -> float:
    """Nearest-rank percentile."""
    ordered = sorted(values)
    return ordered[max(0, math.ceil(q * len(ordered)) - 1)] if ordered else float("nan")


def report(samples: list[Sample], duration: float, users: list[User]) -> int:
    by_page: dict[str, list[Sample]] = defaultdict(list)
    for sample in samples:
        by_page[sample.page].append(sample)
    pages = [p for p in PAGES if p in by_page] + sorted(set(by_page) - set(PAGES))
    print(f"\n{'page':<24}{'requests':>9}{'errors':>8}{'p50 ms':>9}{'p95 ms':>9}{'max ms':>9}")
    measured = [s for s in samples if s.page in PAGES]
    for name, rows in [*((p, by_page[p]) for p in pages), ("all pages", measured)]:
        ms = [s.seconds * 1000 for s in rows]
        errors = sum(1 for s in rows if s.error)
        print(f"{name:<24}{len(rows):>9}{errors:>8}{percentile(ms, .5):>9.0f}"
              f"{percentile(ms, .95):>9.0f}{max(ms, default=0):>9.0f}")
    errors = [s for s in samples if s.error]
    print(f"\npages per second: {len(measured) / duration:.1f}; reconnects after an idle "
          f"keep-alive close: {sum(u.reconnects for u in users)}; errors: {len(errors)}")
    for sample in errors[:10]:
        print(f"  error: {sample.page}: {sample.error}")
    return 1 if errors else 0


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--users", type=int, default=50)
    parser.add_argument("--duration", type=float, default=60.0, help="measured seconds")
    parser.add_argument("--think", default="1,5", help="think time range in s, e.g. 1,5 or 0,0")
    parser.add_argument("--workers", type=int, help="gunicorn processes (serve's default)")
    parser.add_argument("--threads", type=int, help="threads per process (serve's default)")
    parser.add_argument("--runserver", action="store_true",
                        help="reference: Django's development server (what `lianzhang serve` "
                             "ran before) instead of `lianzhang serve`")
    parser.add_argument("--keep", action="store_true", help="keep the var directory")
    parser.add_argument("--priority", action="store_true",
                        help="run bench, server and the test PostgreSQL at nice -10 (root): "
                             "a server of its own on a shared machine")
    parser.add_argument("--var-dir", type=Path,
                        help="reuse this var directory (kept), whose database already has "
                             "the demo city: no migrate/load_demo")
    args = parser.parse_args()
    think = tuple(float(x) for x in args.think.split(","))
    if len(think) != 2 or not 0 <= think[0] <= think[1] or not 0 < args.duration <= MAX_SECONDS:
        parser.error("--think LOW,HIGH with 0 <= LOW <= HIGH; --duration in (0, 600]")

    var_dir = args.var_dir or Path(tempfile.mkdtemp(prefix="lianzhang-load-"))
    args.keep = args.keep or bool(args.var_dir)
    env = server_env(var_dir)
    database = "PostgreSQL" if env.get("DATABASE_URL", "").startswith("postgres") else "SQLite"
    # The bench's own session is the caller's shell session: given back at the end.
    own_group_nice = group_nice(os.getpid())
    priority = raise_priority(env) if args.priority else "normal priority"
    print(f"load: {args.users} users, {args.duration:.0f} s, think {think[0]:g}-{think[1]:g} s, "
          f"{database}; {os.cpu_count()} cores, Python {platform.python_version()}; "
          f"{priority}; load average {os.getloadavg()[0]:.1f}", flush=True)
    started = time.monotonic()
    if not args.var_dir:
        cli(env, "migrate", "-v", "0")
        cli(env, "load_demo")
    published = set(django_value(env, (
        "from lianzhang.chains.models import MapVersion\n"
        "result = sorted(set(MapVersion.objects.filter(status='published')"
        ".values_list('chain_id', flat=True)))")))
    print(f"demo city loaded ({time.monotonic() - started:.0f} s); "
          f"{len(published)} chains with a published map", flush=True)

    port = free_port()
    serve_args = [f"127.0.0.1:{port}"]
    if args.workers:
        serve_args += ["--workers", str(args.workers)]
    if args.threads:
        serve_args += ["--threads", str(args.threads)]
    log = open(var_dir / "serve.log", "w")  # closed below
    if args.runserver:  # serve collects the static files itself; runserver does not
        cli(env, "collectstatic", "--noinput", "-v", "0")
    command = (["runserver", f"127.0.0.1:{port}", "--noreload"] if args.runserver
               else ["serve", *serve_args])
    server = subprocess.Popen([sys.executable, "-m", "lianzhang.cli", *command],
                              env=env, cwd=REPO, stdout=log, stderr=subprocess.STDOUT)
    code = 1
    try:
        wait_until("the server", lambda: healthy(port), 300)
        if args.priority:  # serve's children run in sessions (autogroups) of their own
            for pid in tree(server.pid, proc_stats()):
                set_group_nice(pid, -10)
        if args.runserver:  # no worker: run what serve's scheduler would have queued
            cli(env, "run_periodic")
            cli(env, "db_worker", "--batch", "--no-startup-delay")
        wait_until("the periodic jobs queued at start", lambda: django_value(env, (
            "from lianzhang.core.models import Job\n"
            "result = Job.objects.filter(status__in=['pending', 'running']).count()")) == 0, 600)
        warm = User(port, "admin", PASSWORD, (0, 0), 0, 0)
        if warm.sign_in():
            for chain in sorted(published):
                warm.get("warm-up", PAGES["cockpit"].format(chain=chain))
            for page, path in PAGES.items():
                if page != "cockpit":
                    warm.get("warm-up", path)
        kind = "Django's development server" if args.runserver else "gunicorn"
        print(f"server up ({kind}, production mode), warm-up done; "
              f"load average {os.getloadavg()[0]:.1f}", flush=True)

        start = threading.Event()
        users = [User(port, USERNAMES[i % len(USERNAMES)], PASSWORD, think, 0, seed=i)
                 for i in range(args.users)]
        threads = [threading.Thread(target=u.browse, args=(published, start), daemon=True)
                   for u in users]
        for thread in threads:
            thread.start()
        # Signing in (one password hash each) happens before the measured window.
        for user in users:
            user.ready.wait(timeout=600)
        begin, cpu = time.monotonic(), tree_cpu(server.pid)
        for user in users:
            user.end = begin + args.duration
        start.set()
        for thread in threads:
            thread.join(timeout=args.duration + 120)
        elapsed, cpu = time.monotonic() - begin, tree_cpu(server.pid) - cpu
        samples = [s for u in users for s in u.samples]
        pages = sum(1 for s in samples if s.page in PAGES)
        print(f"measured {elapsed:.0f} s; load average {os.getloadavg()[0]:.1f}; server CPU "
              f"{cpu:.1f} s ({cpu / elapsed:.2f} cores, {1000 * cpu / max(pages, 1):.0f} ms "
              "per page)")
        code = report(samples, elapsed, users)
    finally:
        server.send_signal(signal.SIGTERM)
        try:
            server.wait(timeout=60)
        except subprocess.TimeoutExpired:
            server.kill()
        log.close()
        if args.priority and own_group_nice is not None:
            set_group_nice(os.getpid(), own_group_nice)
        if args.keep:
            print(f"var directory kept: {var_dir}")
        else:
            shutil.rmtree(var_dir, ignore_errors=True)
    return code


if __name__ == "__main__":
    sys.exit(main())
