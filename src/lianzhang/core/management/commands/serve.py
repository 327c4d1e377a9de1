"""`lianzhang serve`: the whole application in one command — gunicorn (the WSGI server,
tuned in `lianzhang.gunicorn_conf`), the background worker (`lianzhang worker`),
restarted when it dies, and the periodic-job scheduler (monthly snapshots, daily
reminders) as a thread. SIGTERM or Ctrl-C stops them all. Production can run the same
pieces separately (docs/operations.md)."""

from __future__ import annotations

import os
import signal
import sys
from pathlib import Path

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError

from lianzhang.conf import env_str
from lianzhang.core.supervisor import Child, Supervisor

__all__ = ["Command", "bind_address", "static_is_stale"]


def bind_address(addrport: str) -> str:
    """gunicorn's bind from runserver-style input: "8000" means 127.0.0.1:8000."""
    if addrport.isdigit():
        return f"127.0.0.1:{addrport}"
    host, sep, port = addrport.rpartition(":")
    if not sep or not host or not port.isdigit() or not 0 < int(port) < 65536:
        raise CommandError(f"“{addrport}” 不是有效的地址：应为 端口 或 主机:端口（如 127.0.0.1:8000）")
    return addrport


def static_is_stale() -> bool:
    """Whether the collected static files (production mode's hashed, compressed set)
    are missing or older than one of their sources."""
    from django.apps import apps
    from django.contrib.staticfiles.finders import get_finders

    manifest = Path(settings.STATIC_ROOT) / "staticfiles.json"
    if not manifest.exists():
        return True
    collected = manifest.stat().st_mtime
    ignored = apps.get_app_config("staticfiles").ignore_patterns
    for finder in get_finders():
        for path, storage in finder.list(ignored):
            if os.stat(storage.path(path)).st_mtime > collected:
                return True
    return False


class Command(BaseCommand):
    """Serve on 127.0.0.1:8000 (by default) with the task worker and the scheduler."""

    help = "Run the web server (gunicorn), the background worker and the scheduler together."

    def add_arguments(self, parser):
        parser.add_argument("addrport", nargs="?", default=None,
                            help="PORT or HOST:PORT to listen on (default LIANZHANG_BIND "
                                 "or 127.0.0.1:8000).")
        parser.add_argument("--no-worker", action="store_true", help="Do not start the worker.")
        parser.add_argument("--no-scheduler", action="store_true",
                            help="Do not enqueue periodic jobs (cron runs `run_periodic`).")
        parser.add_argument("--workers", type=int, default=None,
                            help="Web server processes (default LIANZHANG_WEB_WORKERS or cores + 1).")
        parser.add_argument("--threads", type=int, default=None,
                            help="Threads per web server process (default LIANZHANG_WEB_THREADS or 4).")

    def handle(self, *args, addrport: str | None = None, no_worker: bool = False, no_scheduler: bool = False,
               workers: int | None = None, threads: int | None = None, **options) -> None:
        from lianzhang.core.schedule import start_scheduler

        bind = bind_address(addrport or env_str("LIANZHANG_BIND", "127.0.0.1:8000"))
        for name, value in (("--workers", workers), ("--threads", threads)):
            if value is not None and not 1 <= value <= 64:
                raise CommandError(f"{name} 应在 1 到 64 之间")
        if settings.PRODUCTION and static_is_stale():
            self.stdout.write("正在收集静态文件（生产模式：带哈希、压缩）……")
            call_command("collectstatic", interactive=False, verbosity=0)

        python = sys.executable
        web = [python, "-m", "gunicorn", "-c", "python:lianzhang.gunicorn_conf", "--bind", bind]
        if workers:
            web += ["--workers", str(workers)]
        if threads:
            web += ["--threads", str(threads)]
        children = [Child("web server (gunicorn)", web, restart=False)]
        if not no_worker:
            children.append(Child(
                "background worker", [python, "-m", "lianzhang.cli", "worker", "--interval", "0.5"],
                restart=True, second_signal=True))
        supervisor = Supervisor(children)
        signal.signal(signal.SIGTERM, supervisor.request_stop)
        signal.signal(signal.SIGINT, supervisor.request_stop)

        scheduler = None

        def started() -> None:
            nonlocal scheduler
            pids = ", ".join(f"{c.name} pid {c.pid}" for c in children)
            self.stdout.write(f"Lianzhang 正在 http://{bind}/ 提供服务（{settings.LIANZHANG_MODE} 模式；{pids}）",
                              ending="\n")
            self.stdout.flush()
            if not no_scheduler:
                scheduler = start_scheduler()

        code = supervisor.run(on_started=started)
        if scheduler is not None:
            scheduler.stop.set()
        if code:
            raise CommandError("网页服务进程意外退出，已停止全部进程", returncode=code)
