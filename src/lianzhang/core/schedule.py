"""Periodic jobs: the rhythm of 月通报 (a monthly snapshot of every chain's figures) and
the daily reminders, without cron in embedded mode.

Apps register a job runner with a period; `run_due()` enqueues every registered job
whose period has no job of its kind yet. The Job table is the record of what ran, so
restarts, several web processes and a cron entry (`lianzhang run_periodic`) all agree:
a period gets one job. `lianzhang serve` calls `run_due()` from a thread every few
minutes; in production mode cron or a systemd timer runs `lianzhang run_periodic`.
The same thread reaps the jobs of dead workers every few seconds (`core.reaper`)."""

from __future__ import annotations

import datetime
import logging
import threading
import time
from dataclasses import dataclass
from typing import Any

from django.db import transaction
from django.utils import timezone

from .jobs import JobRunner
from .models import Job

__all__ = ["PERIODS", "Periodic", "periodic_jobs", "register_periodic", "period_start",
           "run_due", "start_scheduler"]

logger = logging.getLogger(__name__)
PERIODS = ("daily", "monthly")


@dataclass(frozen=True)
class Periodic:
    """A job runner to enqueue once per period, with the parameters to give it."""

    runner: type[JobRunner]
    period: str
    params: tuple[tuple[str, Any], ...] = ()


periodic_jobs: list[Periodic] = []


def register_periodic(period: str, **params: Any):
    """Class decorator for a JobRunner: enqueue it once per `period` ("daily", "monthly")."""
    if period not in PERIODS:
        raise ValueError(f"unknown period {period!r}; use one of {PERIODS}")

    def wrap(cls: type[JobRunner]) -> type[JobRunner]:
        if all(p.runner.kind != cls.kind for p in periodic_jobs):
            periodic_jobs.append(Periodic(cls, period, tuple(sorted(params.items()))))
        return cls

    return wrap


def period_start(period: str, now: datetime.datetime) -> datetime.datetime:
    """The start (local midnight) of the day or month that `now` falls in."""
    local = timezone.localtime(now)
    day = local.date() if period == "daily" else local.date().replace(day=1)
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time()))


def run_due(now: datetime.datetime | None = None) -> list[str]:
    """Enqueue each registered job with no job of its kind in the current period; the
    kinds enqueued. The check and the enqueue share a transaction with a lock on the
    kind's jobs (PostgreSQL), so two schedulers do not both enqueue."""
    now = now or timezone.now()
    started = []
    for item in periodic_jobs:
        with transaction.atomic():
            since = period_start(item.period, now)
            recent = Job.objects.select_for_update().filter(kind=item.runner.kind,
                                                            created__gte=since)
            if recent.exists():
                continue
            item.runner.enqueue(None, **dict(item.params))
        started.append(item.runner.kind)
    return started


def start_scheduler(interval: float = 300.0, reap_interval: float | None = None
                    ) -> threading.Thread:
    """A daemon thread calling `run_due()` now and every `interval` seconds, and
    reaping the jobs of dead workers (`core.reaper`) every `reap_interval` seconds
    (default a third of JOB_STALE_SECONDS, at most 10 s)."""
    from django.conf import settings
    from django.db import connection

    from .reaper import reap_jobs

    reap_interval = reap_interval or min(10.0, settings.JOB_STALE_SECONDS / 3)
    stop = threading.Event()

    def loop() -> None:
        next_due = 0.0
        while not stop.is_set():
            try:
                for job in reap_jobs():
                    logger.warning("job %s ended after its worker was lost: %s", job.pk,
                                   job.status)
                if time.monotonic() >= next_due:
                    next_due = time.monotonic() + interval
                    for kind in run_due():
                        logger.info("periodic job enqueued: %s", kind)
            except Exception:  # a failing check must not stop the next one
                logger.exception("periodic job check failed")
            finally:
                connection.close()  # this thread's connection; a new one next time
            stop.wait(min(reap_interval, interval))

    thread = threading.Thread(target=loop, name="lianzhang-scheduler", daemon=True)
    thread.stop = stop  # type: ignore[attr-defined]
    thread.start()
    return thread
