"""Child processes of `lianzhang serve`: start them, restart the background worker when
it dies (with a growing pause, so a worker that cannot start does not spin), and stop
them all, gently first, on SIGTERM or Ctrl-C.

Children run in their own session, so a Ctrl-C in the terminal reaches serve alone and
each child gets exactly one orderly stop signal from it (the task worker takes a second
signal as "abandon the running task"). A child that outlives serve would keep the port
and run unsupervised; `watch_parent()` in each child ends it when serve is gone."""

from __future__ import annotations

import logging
import os
import signal
import subprocess
import threading
import time
from collections.abc import Callable

__all__ = ["Child", "Supervisor", "watch_parent", "SUPERVISOR_ENV"]

logger = logging.getLogger("lianzhang.serve")

# Set in a child's environment: the pid of the serve process supervising it.
SUPERVISOR_ENV = "LIANZHANG_SUPERVISOR_PID"


class Child:
    """One supervised child process: its command, and whether and how it is restarted.

    The pause before a restart doubles from `backoff` up to `max_backoff` while the
    child keeps dying soon after starting; a child that ran for `stable_after` seconds
    starts the count again."""

    def __init__(self, name: str, argv: list[str], *, restart: bool,
                 env: dict[str, str] | None = None, backoff: float = 1.0,
                 max_backoff: float = 60.0, stable_after: float = 60.0,
                 stop_timeout: float = 15.0, second_signal: bool = False) -> None:
        self.name = name
        self.argv = argv
        self.restart = restart
        self.env = env
        self.backoff = self.first_backoff = backoff
        self.max_backoff = max_backoff
        self.stable_after = stable_after
        self.stop_timeout = stop_timeout
        self.second_signal = second_signal
        self.process: subprocess.Popen | None = None
        self.started_at = 0.0
        self.restart_at: float | None = None
        self.restarts = 0

    @property
    def pid(self) -> int | None:
        """The running process's id (None between a death and the restart)."""
        return self.process.pid if self.process and self.process.poll() is None else None

    def start(self) -> None:
        """Start the process in a session of its own."""
        env = {**(self.env if self.env is not None else os.environ),
               SUPERVISOR_ENV: str(os.getpid())}
        self.process = subprocess.Popen(self.argv, env=env, start_new_session=True)
        self.started_at = time.monotonic()
        self.restart_at = None
        logger.info("%s started (pid %s)", self.name, self.process.pid)

    def check(self, now: float) -> bool:
        """Notice a death and restart when due; False when the child is dead for good
        (it is not to be restarted)."""
        if self.process is None:
            return True
        code = self.process.poll()
        if code is None:
            return True
        if not self.restart:
            logger.error("%s exited with code %s", self.name, code)
            return False
        if self.restart_at is None:
            if now - self.started_at >= self.stable_after:
                self.backoff = self.first_backoff
            self.restart_at = now + self.backoff
            logger.warning("%s (pid %s) exited with code %s; restarting in %.0f s",
                           self.name, self.process.pid, code, self.backoff)
            self.backoff = min(self.backoff * 2, self.max_backoff)
        elif now >= self.restart_at:
            self.restarts += 1
            self.start()
        return True

    def stop(self) -> None:
        """SIGTERM; after `stop_timeout` s a second SIGTERM when the child takes that as
        "give up the current work" (and 5 s more), then SIGKILL. Waits for the end."""
        process = self.process
        if process is None or process.poll() is not None:
            return
        steps: list[tuple[int, float]] = [(signal.SIGTERM, self.stop_timeout)]
        if self.second_signal:
            steps.append((signal.SIGTERM, 5.0))
        steps.append((signal.SIGKILL, 5.0))
        for signum, wait in steps:
            try:
                process.send_signal(signum)
            except ProcessLookupError:
                break
            try:
                process.wait(timeout=wait)
                break
            except subprocess.TimeoutExpired:
                logger.warning("%s (pid %s) still running after %.0f s; sending %s",
                               self.name, process.pid, wait, signal.Signals(signum).name)
        logger.info("%s stopped (pid %s, code %s)", self.name, process.pid, process.poll())


class Supervisor:
    """Runs children until asked to stop or until a child that is not restarted dies."""

    def __init__(self, children: list[Child], poll_interval: float = 0.5) -> None:
        self.children = children
        self.poll_interval = poll_interval
        self.stopping = threading.Event()

    def request_stop(self, signum: int | None = None, frame: object = None) -> None:
        """Signal handler: leave the loop; the children are stopped after it."""
        self.stopping.set()

    def run(self, on_started: Callable[[], None] | None = None) -> int:
        """Start every child, watch them, stop them all; the exit code (0 when asked
        to stop, 1 when a vital child died)."""
        code = 0
        try:
            for child in self.children:
                child.start()
            if on_started:
                on_started()
            while not self.stopping.wait(self.poll_interval):
                now = time.monotonic()
                if not all(child.check(now) for child in self.children):
                    code = 1
                    break
        finally:
            # The stop signals go out together, so the slow stops overlap.
            threads = [threading.Thread(target=child.stop) for child in self.children]
            for thread in threads:
                thread.start()
            for thread in threads:
                thread.join()
        return code


def watch_parent(interval: float = 1.0) -> threading.Thread | None:
    """In a child of `lianzhang serve`: a daemon thread that sends this process SIGTERM
    once serve is gone (its parent changed). Does nothing outside serve."""
    supervisor = os.environ.get(SUPERVISOR_ENV, "")
    if not supervisor.isdigit() or os.getppid() != int(supervisor):
        return None

    def loop() -> None:
        while os.getppid() == int(supervisor):
            time.sleep(interval)
        logger.warning("lianzhang serve (pid %s) is gone; stopping", supervisor)
        os.kill(os.getpid(), signal.SIGTERM)

    thread = threading.Thread(target=loop, name="lianzhang-parent-watch", daemon=True)
    thread.start()
    return thread
