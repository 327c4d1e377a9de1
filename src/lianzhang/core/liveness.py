"""Liveness of running jobs: which process runs a job, whether that process still
exists, and the heartbeat a running job keeps.

The heartbeat is written to the Job row (the record every process agrees on) and to
the shared cache. The cache copy keeps a job alive on SQLite while another
connection's write briefly blocks the row update; the row copy works without a
shared cache (several hosts)."""

from __future__ import annotations

import datetime
import logging
import os
import socket
import threading
import uuid
from collections.abc import Callable
from functools import cache as memoise

from django.conf import settings
from django.core.cache import cache
from django.db import DatabaseError, connection
from django.utils import timezone

__all__ = ["LIVE_TTL", "live_key", "worker_identity", "process_gone", "last_sign_of_life",
           "Heartbeat"]

logger = logging.getLogger(__name__)
LIVE_TTL = 7 * 24 * 3600
# The heartbeat thread's own SQLite busy timeout: a beat that cannot write within it
# is skipped (the cache beat stands in) rather than falling behind.
BEAT_BUSY_MS = 2000


def live_key(job_id: int, what: str) -> str:
    """The cache key of a job's live `what` (progress, log, cancel, heartbeat)."""
    return f"lianzhang:job:{job_id}:{what}"


@memoise
def _pid_namespace() -> str:
    try:
        return os.readlink("/proc/self/ns/pid")
    except OSError:
        return ""


def _process_state(pid: int) -> tuple[str, str] | None:
    """(state letter, start time in clock ticks) of a process, None when it does not
    exist. The start time tells a reused PID from the original process."""
    try:
        with open(f"/proc/{pid}/stat", encoding="ascii", errors="replace") as fh:
            stat = fh.read()
    except OSError:
        return None
    # The command name (2nd field) may hold spaces; the fields after it are fixed.
    fields = stat[stat.rfind(")") + 2:].split()
    return fields[0], fields[19]


def worker_identity() -> str:
    """`host|pid namespace|pid|start time` of this process (computed each call: a
    forked child is another process)."""
    pid = os.getpid()
    state = _process_state(pid)
    return f"{socket.gethostname()}|{_pid_namespace()}|{pid}|{state[1] if state else ''}"


def process_gone(identity: str) -> bool:
    """True only when it is certain that the process named by `identity` has ended: it
    ran on this host in this PID namespace, and its PID is gone, a zombie, or now
    belongs to a process started later. Elsewhere (another host or container) the
    answer is False and the heartbeat decides."""
    try:
        host, namespace, pid, started = identity.split("|")
    except ValueError:
        return False
    if not namespace or not started or host != socket.gethostname() \
            or namespace != _pid_namespace():
        return False
    state = _process_state(int(pid))
    return state is None or state[0] in ("Z", "X") or state[1] != started


def last_sign_of_life(job) -> datetime.datetime | None:
    """The later of the row's heartbeat and the cache's (None when neither exists)."""
    beats = [job.heartbeat] if job.heartbeat else []
    cached = cache.get(live_key(job.pk, "heartbeat"))
    if cached:
        beats.append(datetime.datetime.fromtimestamp(cached, tz=datetime.UTC))
    return max(beats) if beats else None


class Heartbeat:
    """Keeps a running job's heartbeat fresh every `JOB_HEARTBEAT_SECONDS`.

    From a daemon thread when the job runs outside any transaction (a worker), so a
    long engine call that never reports progress still shows the job alive; from
    `beat_if_due()` (called by progress reports) when the job runs inside an open
    transaction (inline tasks in tests), where another connection could not see the
    row. Each beat also brings back a cancel request written to the row by another
    process (`on_cancel`) and notices when the job was ended elsewhere, e.g. reaped
    after a long stall (`on_lost`)."""

    def __init__(self, job_id: int, request_id: uuid.UUID, on_cancel: Callable[[], None],
                 on_lost: Callable[[], None]) -> None:
        self.job_id = job_id
        self.request_id = request_id
        self.on_cancel = on_cancel
        self.on_lost = on_lost
        self.interval = float(settings.JOB_HEARTBEAT_SECONDS)
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self._last = 0.0

    def __enter__(self) -> Heartbeat:
        if not connection.in_atomic_block:
            self._thread = threading.Thread(target=self._loop, daemon=True,
                                            name=f"lianzhang-heartbeat-{self.job_id}")
            self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        if self._thread is not None:
            self._thread.join(timeout=self.interval + BEAT_BUSY_MS / 1000 + 1)

    def beat_if_due(self) -> None:
        """A beat from the job's own thread, when no heartbeat thread runs."""
        now = timezone.now().timestamp()
        if self._thread is None and now - self._last >= self.interval:
            self.beat()

    def beat(self) -> None:
        """Refresh the heartbeat in the cache and on the row; pick up a cancel
        request; notice a job that is no longer this attempt's to run."""
        from .models import Job

        now = timezone.now()
        self._last = now.timestamp()
        cache.set(live_key(self.job_id, "heartbeat"), now.timestamp(), LIVE_TTL)
        try:
            mine = Job.objects.filter(pk=self.job_id, status=Job.Status.RUNNING,
                                      request_id=self.request_id)
            if not mine.update(heartbeat=now):
                self.on_lost()
            elif mine.filter(cancel_requested=True).exists():
                self.on_cancel()
        except DatabaseError:  # e.g. locked past BEAT_BUSY_MS: the cache beat stands in
            logger.info("heartbeat of job %s not written this time", self.job_id,
                        exc_info=True)

    def _loop(self) -> None:
        from django.db import connections

        try:
            if connection.vendor == "sqlite":
                with connection.cursor() as cursor:
                    cursor.execute(f"PRAGMA busy_timeout = {BEAT_BUSY_MS}")
            while True:
                self.beat()
                if self._stop.wait(self.interval):
                    break
        finally:
            connections.close_all()  # this thread's connections only
