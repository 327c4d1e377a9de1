"""gunicorn's configuration: `lianzhang serve` starts gunicorn with it, and a separate
production start uses the same file (`gunicorn -c python:lianzhang.gunicorn_conf`), so
both run with the same tuning. Values come from the environment (docs/configuration.md).

Why threads: a page spends part of its time waiting for the database, and browsers keep
connections open between clicks; a threaded worker serves other requests meanwhile,
where a sync worker would sit idle or tied to one browser. Why few processes: each one
holds the whole application (~150 MB); on a 2-core machine more processes than cores
plus one only add memory and context switches (docs/benchmarks.md, load)."""

from __future__ import annotations

import os

from lianzhang.conf import env_int, env_str

__all__ = ["default_workers"]


def default_workers() -> int:
    """One process per core plus one, so a core never idles while a process waits."""
    return (os.cpu_count() or 1) + 1


wsgi_app = "lianzhang.wsgi:application"
bind = [env_str("LIANZHANG_BIND", "127.0.0.1:8000")]
worker_class = "gthread"
workers = env_int("LIANZHANG_WEB_WORKERS", default_workers(), 1, 64)
threads = env_int("LIANZHANG_WEB_THREADS", 4, 1, 64)
# Exports (XLSX, PNG) of a city-scale chain take seconds, never minutes.
timeout = env_int("LIANZHANG_WEB_TIMEOUT", 120, 10, 3600)
graceful_timeout = 10
keepalive = 5
# Load the application once, before forking: workers start in milliseconds and share
# the code's memory.
preload_app = True
# Recycle a process now and then so that memory a long run accumulates is given back.
max_requests = 10_000
max_requests_jitter = 1_000
proc_name = "lianzhang"
errorlog = "-"
loglevel = env_str("LIANZHANG_LOG_LEVEL", "WARNING").lower()
accesslog = env_str("LIANZHANG_ACCESS_LOG", "") or None
# The control socket would be one per user ($HOME/.gunicorn), shared by every instance
# on the machine; `lianzhang serve` and systemd manage gunicorn through signals.
control_socket_disable = True


def pre_fork(server, worker) -> None:
    """No database connection opened while loading the application may be inherited
    by a worker: two processes on one socket corrupt each other's queries."""
    from django.db import connections

    connections.close_all()


def when_ready(server) -> None:
    """Under `lianzhang serve`, stop when serve itself is gone (even killed with
    SIGKILL), rather than keep the port and run on unsupervised."""
    from lianzhang.core.supervisor import watch_parent

    watch_parent()
