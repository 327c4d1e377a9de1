"""Finding and ending the jobs of workers that died.

A running job is orphaned when its worker process is certainly gone (same host) or
when it has shown no sign of life for `JOB_STALE_SECONDS`. The reaper then marks it
failed — or cancelled, when someone asked — or puts it back in the queue when its
runner says running it again is safe; it settles the job's task row in the task
backend too, and lets the runner clean up (remove its upload, undo its writes).

It runs when a worker starts (`lianzhang db_worker`), from a thread in the worker and
in `lianzhang serve`'s scheduler every few seconds, from `lianzhang run_periodic`, and
whenever someone looks at a job or cancels it. Every transition is a conditional
update, so several reapers and a worker that was only slow agree on one outcome."""

from __future__ import annotations

import datetime
import logging
import threading
import uuid
from pathlib import Path

from django.conf import settings
from django.core.cache import cache
from django.db import connection
from django.utils import formats, timezone
from django.utils.translation import gettext as _

from .jobs import enqueue_task, live_state, runners
from .liveness import last_sign_of_life, live_key, process_gone
from .models import Job

__all__ = ["MAX_ATTEMPTS", "is_orphaned", "reap_job", "reap_jobs", "abandon", "settle_task",
           "sweep_uploads", "start_reaper"]

logger = logging.getLogger(__name__)
# A re-queued job that loses its worker again (e.g. it is what kills the worker, by
# running out of memory) is not tried a third time.
MAX_ATTEMPTS = 2
UPLOAD_MAX_AGE = datetime.timedelta(days=1)
WORKER_LOST = "lianzhang.core.reaper.WorkerLost"


def _cutoff(now: datetime.datetime) -> datetime.datetime:
    return now - datetime.timedelta(seconds=settings.JOB_STALE_SECONDS)


def is_orphaned(job: Job, now: datetime.datetime | None = None) -> bool:
    """Whether `job` is running with nobody running it any more."""
    if job.status != Job.Status.RUNNING:
        return False
    if job.worker and process_gone(job.worker):
        return True
    seen = last_sign_of_life(job) or job.started or job.created
    return seen < _cutoff(now or timezone.now())


def _when(moment: datetime.datetime | None) -> str:
    return formats.date_format(timezone.localtime(moment), "Y-m-d H:i:s") if moment else "—"


def _stamped(lines: list[str]) -> str:
    stamp = timezone.localtime().strftime("%H:%M:%S")
    return "".join(f"[{stamp}] {line}\n" for line in lines)


def settle_task(task_id: str, message: str) -> None:
    """Mark the task backend's row of a job that will not run (any more) as failed, so
    no worker picks it up and the task list does not show it running for ever."""
    if _task_uuid(task_id) is None:
        return  # not a database task (the inline backend): nothing to settle
    from django_tasks_db.models import DBTaskResult

    DBTaskResult.objects.filter(id=task_id, status__in=["READY", "RUNNING"]).update(
        status="FAILED", finished_at=timezone.now(), exception_class_path=WORKER_LOST,
        traceback=message, return_value=None)


def abandon(job: Job, lines: list[str], reason: str = "") -> None:
    """After a job ended without its own code finishing: settle its task row (with
    `reason`), let its runner clean up, and write `lines` and the clean-up to its log."""
    settle_task(job.task_id, reason or "\n".join(lines))
    runner = runners.get(job.kind)
    if runner is not None:
        try:
            lines = lines + runner.abandoned(job)
        except Exception as exc:  # the job's end must be recorded even so
            logger.exception("clean-up of job %s failed", job.pk)
            lines = [*lines, _("Clean-up failed: %(error)s") % {"error": exc}]
    job.log += _stamped(lines)
    Job.objects.filter(pk=job.pk).update(log=job.log)
    for what in ("progress", "log"):
        cache.delete(live_key(job.pk, what))


def reap_job(job: Job, now: datetime.datetime | None = None) -> bool:
    """End `job` — or put it back in the queue — if it is orphaned; True if it was."""
    now = now or timezone.now()
    if not is_orphaned(job, now):
        return False
    runner = runners.get(job.kind)
    cancelled = job.cancel_requested or bool(cache.get(live_key(job.pk, "cancel")))
    requeue = (runner is not None and runner.requeue_when_orphaned and not cancelled
               and job.attempts < MAX_ATTEMPTS)
    live = live_state(job)
    seen = _when(last_sign_of_life(job) or job.started)
    if requeue:
        status, finished = Job.Status.PENDING, None
        line = _("The background worker running this job stopped (last sign of life "
                 "%(time)s). Running it again is safe, so it was put back in the queue "
                 "and starts again from the beginning (attempt %(next)d of %(max)d).") % {
            "time": seen, "next": job.attempts + 1, "max": MAX_ATTEMPTS}
    else:
        status = Job.Status.CANCELLED if cancelled else Job.Status.FAILED
        finished = now
        line = _("The background worker running this job stopped (last sign of life "
                 "%(time)s, %(done)d of %(total)d done). The job is marked as "
                 "%(status)s.") % {"time": seen, "done": live["done"], "total": live["total"],
                                   "status": Job.Status(status).label}
    if not Job.objects.filter(pk=job.pk, status=Job.Status.RUNNING,
                              request_id=job.request_id).update(
            status=status, outcome=Job.Outcome.REQUEUED if requeue else Job.Outcome.WORKER_LOST,
            finished=finished, done=live["done"], total=live["total"],
            log=live["log"] + _stamped([line]), cancel_requested=cancelled):
        return False  # it finished, or another reaper got there first
    job.refresh_from_db()
    logger.warning("job %s (%s): worker lost, %s", job.pk, job.kind, job.status)
    if requeue:
        settle_task(job.task_id, line)
        enqueue_task(job)
    else:
        abandon(job, [], reason=line)
    job.refresh_from_db()
    return True


def _task_uuid(task_id: str) -> uuid.UUID | None:
    try:
        return uuid.UUID(task_id)
    except ValueError:
        return None  # not a database task (the inline backend)


def _revive_pending(now: datetime.datetime) -> list[Job]:
    """Pending jobs whose task will never start them. The task row is gone, or still
    "running" long after its worker died: the job never started, so it is queued
    again. The task failed before starting the job (or the job's kind is unknown):
    retrying would fail the same way, so the job is marked failed. Only the database
    task backend has rows to look at."""
    from django_tasks import task_backends
    from django_tasks_db.backend import DatabaseBackend
    from django_tasks_db.models import DBTaskResult

    if not isinstance(task_backends["default"], DatabaseBackend):
        return []  # another backend's queue is not ours to read
    pending = [(job, _task_uuid(job.task_id)) for job in Job.objects.filter(
        status=Job.Status.PENDING, created__lt=_cutoff(now)).exclude(task_id="")]
    pending = [(job, key) for job, key in pending if key is not None]
    tasks = {t.id: t for t in DBTaskResult.objects.filter(id__in=[k for _j, k in pending])}
    ended = []
    for job, key in pending:
        task = tasks.get(key)
        if task is not None and (task.status == "READY" or (
                task.status == "RUNNING" and task.started_at
                and task.started_at >= _cutoff(now))):
            continue  # waiting for a worker, or being started right now
        mine = Job.objects.filter(pk=job.pk, status=Job.Status.PENDING, task_id=job.task_id)
        if (task is not None and task.status in ("FAILED", "SUCCESSFUL")) \
                or job.kind not in runners:
            if mine.update(status=Job.Status.FAILED, finished=now,
                           outcome=Job.Outcome.WORKER_LOST):
                job.refresh_from_db()
                abandon(job, [_("The background worker could not start this job; it is "
                                "marked as failed.")])
                ended.append(job)
            continue
        line = _("The task that was to start this job was lost with its worker; the job "
                 "was put back in the queue.")
        if mine.update(log=job.log + _stamped([line]), outcome=Job.Outcome.REQUEUED):
            settle_task(job.task_id, line)
            enqueue_task(job)
            ended.append(job)
    return ended


def reap_jobs(now: datetime.datetime | None = None) -> list[Job]:
    """Reap every orphaned job; the jobs it ended or re-queued."""
    now = now or timezone.now()
    reaped = [job for job in Job.objects.filter(status=Job.Status.RUNNING)
              if reap_job(job, now)]
    return reaped + _revive_pending(now)


def sweep_uploads(now: datetime.datetime | None = None) -> list[Path]:
    """Remove uploaded import files older than a day that no unfinished job needs
    (left by a crash between saving the upload and queueing its job)."""
    folder = Path(settings.UPLOAD_DIR)
    if not folder.is_dir():
        return []
    wanted = {str(Path(job.params.get("path", ""))) for job in Job.objects.filter(
        status__in=[Job.Status.PENDING, Job.Status.RUNNING]).only("params")}
    limit = (now or timezone.now()).timestamp() - UPLOAD_MAX_AGE.total_seconds()
    removed = []
    for path in folder.iterdir():
        if path.is_file() and str(path) not in wanted and path.stat().st_mtime < limit:
            path.unlink(missing_ok=True)
            removed.append(path)
    return removed


def start_reaper(interval: float | None = None) -> threading.Thread:
    """A daemon thread reaping orphaned jobs every `interval` seconds (default a third
    of JOB_STALE_SECONDS, at most 10 s)."""
    interval = interval or min(10.0, settings.JOB_STALE_SECONDS / 3)
    stop = threading.Event()

    def loop() -> None:
        while not stop.wait(interval):
            try:
                reap_jobs()
            except Exception:  # a failing pass must not stop the next one
                logger.exception("reaping jobs failed")
            finally:
                connection.close()  # this thread's connection; a new one next time

    thread = threading.Thread(target=loop, name="lianzhang-reaper", daemon=True)
    thread.stop = stop  # type: ignore[attr-defined]
    thread.start()
    return thread
