"""The background worker's heartbeat: a worker process touches a file in the var
directory every few seconds, and `/healthz` reads its age, so a monitor learns that no
worker is running before anyone's job waits for one. A file, not a database row: the
web and the worker already share the var directory (uploads, the cache), reading it
costs one `stat`, and a database that is locked or down cannot hide a live worker."""

from __future__ import annotations

import os
import threading
import time
from pathlib import Path

from django.conf import settings

__all__ = ["HEARTBEAT_INTERVAL", "HEARTBEAT_MAX_AGE", "heartbeat_path", "beat",
           "start_heartbeat", "worker_alive"]

HEARTBEAT_INTERVAL = 10.0
# Several missed beats: the worker is gone (or its machine stalls).
HEARTBEAT_MAX_AGE = 60.0


def heartbeat_path() -> Path:
    """The file whose modification time is the last beat of any worker."""
    return Path(settings.VAR_DIR) / "worker.heartbeat"


def beat() -> None:
    """Record that a worker is alive now."""
    path = heartbeat_path()
    path.touch()
    os.utime(path)


def start_heartbeat(interval: float = HEARTBEAT_INTERVAL) -> threading.Thread:
    """A daemon thread beating now and every `interval` seconds until its `stop` event
    is set. A thread, because the worker's own loop stands still while a long job (an
    import) runs."""
    stop = threading.Event()

    def loop() -> None:
        while True:
            try:
                beat()
            except OSError:  # a full or read-only disk must not stop the worker
                pass
            if stop.wait(interval):
                return

    thread = threading.Thread(target=loop, name="lianzhang-heartbeat", daemon=True)
    thread.stop = stop  # type: ignore[attr-defined]
    thread.start()
    return thread


def worker_alive(max_age: float = HEARTBEAT_MAX_AGE) -> bool:
    """Whether some worker beat within the last `max_age` seconds."""
    try:
        return time.time() - heartbeat_path().stat().st_mtime <= max_age
    except OSError:
        return False
