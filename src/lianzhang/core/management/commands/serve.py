"""`lianzhang serve`: the embedded mode in one command — the web server, the
background worker as a child process (stopped together, on Ctrl-C or SIGTERM) and the
periodic-job scheduler (monthly snapshots, daily reminders) as a thread."""

from __future__ import annotations

import signal
import subprocess
import sys

from django.core.management import call_command
from django.core.management.base import BaseCommand


def _interrupt(signum: int, frame: object) -> None:
    raise KeyboardInterrupt


class Command(BaseCommand):
    """Serve on 127.0.0.1:8000 (by default) with a database-backed task worker."""

    help = "Run the web server and the background worker together (embedded mode)."

    def add_arguments(self, parser):
        parser.add_argument("addrport", nargs="?", default="127.0.0.1:8000")
        parser.add_argument("--no-worker", action="store_true", help="Do not start the worker.")
        parser.add_argument("--no-scheduler", action="store_true",
                            help="Do not enqueue periodic jobs (cron runs `run_periodic`).")

    def handle(self, *args, addrport: str, no_worker: bool, no_scheduler: bool = False,
               **options):
        from lianzhang.core.schedule import start_scheduler

        # SIGTERM (systemd, kill) ends the server like Ctrl-C, so the worker is stopped
        # too instead of being left running on its own.
        signal.signal(signal.SIGTERM, _interrupt)
        worker = None
        if not no_worker:
            worker = subprocess.Popen([sys.executable, "-m", "lianzhang.cli", "db_worker",
                                       "--interval", "0.5"])
            self.stdout.write(f"后台任务进程已启动 (pid {worker.pid})")
        if not no_scheduler:
            start_scheduler()
        try:
            call_command("runserver", addrport, use_reloader=False, use_threading=True)
        finally:
            if worker is not None:
                worker.send_signal(signal.SIGTERM)
                try:
                    worker.wait(timeout=10)
                except subprocess.TimeoutExpired:
                    worker.kill()
