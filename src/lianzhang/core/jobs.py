"""Background jobs: one runner base class recording status, progress, log and result on
a Job row. Runs on the Django tasks API (django-tasks backport, database-backed worker
in embedded mode).

Live progress, log and the cancel flag travel through the cache as well as the row:
the progress bar reads the cache, so it moves between the job's row writes. A running
job keeps a heartbeat (`liveness`); a job whose worker died is found by `reaper` and
ended (or run again where that is safe). What each state means and who moves a job
between them is in docs/jobs.md."""

from __future__ import annotations

import traceback
import uuid
from typing import Any, ClassVar

from django.core.cache import cache
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from .context import change_context
from .liveness import LIVE_TTL, Heartbeat, live_key, worker_identity
from .models import Job

__all__ = ["JobRunner", "JobCancelled", "JobLost", "register_runner", "runners",
           "live_state", "labelled_items", "result_items", "request_cancel", "enqueue_task"]

_key = live_key


def live_state(job: Job) -> dict[str, Any]:
    """Progress and log of a job as the UI should show them right now."""
    state = cache.get(_key(job.pk, "progress"))
    done, total = state if state and not job.is_finished else (job.done, job.total)
    log = job.log if job.is_finished else (cache.get(_key(job.pk, "log")) or job.log)
    percent = 100 if job.status == Job.Status.COMPLETED else (
        int(100 * done / total) if total else 0)
    return {"done": done, "total": total, "percent": min(percent, 100), "log": log}


def _shown(value: Any) -> Any:
    """A result value as a person reads it: 是/否, lists joined with 、, a mapping as
    `key：values` pairs joined with ；, anything else unchanged."""
    if isinstance(value, bool):
        return _("Yes") if value else _("No")
    if isinstance(value, (list, tuple)):
        return "、".join(str(_shown(v)) for v in value) or "—"
    if isinstance(value, dict):
        return "；".join(f"{k}：{_shown(v)}" for k, v in value.items()) or "—"
    return value


def labelled_items(data: dict, labels: dict[str, Any]) -> list[tuple[Any, Any]]:
    """(label, value) pairs in the labels' order; unlabelled keys last, shown as they are."""
    ordered = [k for k in labels if k in data] + [k for k in data if k not in labels]
    return [(labels.get(k, k), _shown(data[k])) for k in ordered]


def result_items(job: Job) -> list[tuple[Any, Any]] | None:
    """A dict result labelled by its runner's `result_labels`; None when not a dict."""
    if not isinstance(job.result, dict):
        return None
    runner = runners.get(job.kind)
    return labelled_items(job.result, runner.result_labels if runner else {})


def request_cancel(job: Job) -> str:
    """Cancel a job in whatever state it is in; what happened, for the page:
    "cancelled" (a pending job, or a running one whose worker is gone: ended now),
    "requested" (a running job stops at its next progress report, or is ended by the
    reaper if its worker died meanwhile) or "finished" (nothing to cancel)."""
    from .reaper import abandon, reap_job

    if job.is_finished:
        return "finished"
    now = timezone.now()
    if Job.objects.filter(pk=job.pk, status=Job.Status.PENDING).update(
            status=Job.Status.CANCELLED, cancel_requested=True, finished=now,
            outcome=Job.Outcome.NOT_STARTED):
        job.refresh_from_db()
        abandon(job, [_("Cancelled before it started; nothing was done.")])
        return "cancelled"
    # Running: the flag reaches the job through the cache at once and through the
    # row at its next heartbeat (a worker on another host).
    cache.set(_key(job.pk, "cancel"), True, LIVE_TTL)
    Job.objects.filter(pk=job.pk, status=Job.Status.RUNNING).update(cancel_requested=True)
    job.refresh_from_db()
    reap_job(job)  # a job nobody runs any more is ended now, as cancelled
    return "cancelled" if job.is_finished else "requested"


runners: dict[str, type[JobRunner]] = {}


class JobCancelled(Exception):
    """Raised inside a runner when the user asked to cancel the job."""


class JobLost(JobCancelled):
    """Raised inside a runner whose job was ended elsewhere (the reaper took it for
    dead): the runner stops and undoes what it can; the row already says what
    happened."""


def register_runner(cls: type[JobRunner]) -> type[JobRunner]:
    """Register a runner class under its `kind` (class decorator)."""
    runners[cls.kind] = cls
    return cls


def enqueue_task(job: Job) -> None:
    """Hand the job to the task backend and remember the task's id on the row."""
    from .tasks import execute_job

    result = execute_job.enqueue(job.pk)
    Job.objects.filter(pk=job.pk).update(task_id=str(result.id))


class JobRunner:
    """Base class: subclasses set `kind` and `name` and implement `run(**params)`."""

    kind: ClassVar[str] = ""
    name: ClassVar[str] = ""
    # Labels for the keys of a dict result, so the job page shows words, not keys.
    result_labels: ClassVar[dict[str, Any]] = {}
    # True when a job whose worker died may simply run again from the start: it leaves
    # nothing half-done that a second run would duplicate, and doing it twice harms
    # nobody (no e-mails sent twice). Otherwise the job is marked failed.
    requeue_when_orphaned: ClassVar[bool] = False

    def __init__(self, job: Job) -> None:
        self.job = job
        self._last_saved = 0.0
        self._cancelled = False
        self._lost = False
        self._heartbeat: Heartbeat | None = None

    # --- API for subclasses -------------------------------------------------------
    def run(self, **params: Any) -> Any:
        """Do the work; return a JSON-able result."""
        raise NotImplementedError

    @classmethod
    def abandoned(cls, job: Job) -> list[str]:
        """Clean up after a job that ended without its own code finishing (cancelled
        before it started, or its worker died): e.g. remove its upload, undo its
        writes. Returns lines for the job's log. Must be safe to call twice."""
        return []

    def progress(self, done: int, total: int | None = None) -> None:
        """Record progress (published at most every 0.3 s) and honour cancellation
        by raising JobCancelled (JobLost when the job was ended elsewhere)."""
        self.job.done = done
        if total is not None:
            self.job.total = total
        if self._heartbeat is not None:
            self._heartbeat.beat_if_due()
        if self._lost:
            raise JobLost
        now = timezone.now().timestamp()
        if now - self._last_saved >= 0.3 or done >= self.job.total:
            self._last_saved = now
            cache.set(_key(self.job.pk, "progress"), (self.job.done, self.job.total), LIVE_TTL)
            if self.should_stop():
                raise JobCancelled

    def should_stop(self) -> bool:
        """Whether the user asked to cancel (for engine loops that poll)."""
        return self._cancelled or self._lost or bool(cache.get(_key(self.job.pk, "cancel")))

    def log(self, message: str) -> None:
        """Append a line to the job's log."""
        stamp = timezone.localtime().strftime("%H:%M:%S")
        self.job.log += f"[{stamp}] {message}\n"
        cache.set(_key(self.job.pk, "log"), self.job.log, LIVE_TTL)

    # --- Lifecycle ----------------------------------------------------------------
    @classmethod
    def enqueue(cls, user: Any, name: str = "", parent: Job | None = None,
                **params: Any) -> Job:
        """Create the Job row and hand it to the task backend."""
        job = Job.objects.create(kind=cls.kind, name=name or str(cls.name),
                                 user=user if getattr(user, "pk", None) else None,
                                 params=params, parent=parent)
        enqueue_task(job)
        job.refresh_from_db()
        return job

    def _claim(self) -> bool:
        """Take the pending job for this attempt; False when it is no longer pending
        (cancelled before it started, or another worker took it)."""
        job = self.job
        now = timezone.now()
        request_id = uuid.uuid4()
        if not Job.objects.filter(pk=job.pk, status=Job.Status.PENDING).update(
                status=Job.Status.RUNNING, started=now, heartbeat=now,
                worker=worker_identity(), attempts=F("attempts") + 1,
                request_id=request_id, done=0, finished=None):
            return False
        job.refresh_from_db()
        if job.cancel_requested:
            cache.set(_key(job.pk, "cancel"), True, LIVE_TTL)
        else:
            # A stale flag from another job that once had this id (a rolled-back
            # transaction can reuse ids) must not cancel this one.
            cache.delete(_key(job.pk, "cancel"))
        cache.delete(_key(job.pk, "progress"))
        cache.set(_key(job.pk, "log"), job.log, LIVE_TTL)
        return True

    def _on_cancel(self) -> None:
        self._cancelled = True

    def _on_lost(self) -> None:
        self._lost = True

    def execute(self) -> None:
        """Run the job inside a change context and record the outcome, unless the job
        was ended elsewhere meanwhile (then the row already says what happened)."""
        if not self._claim():
            return
        job = self.job
        result = None
        with Heartbeat(job.pk, job.request_id, self._on_cancel, self._on_lost) as beat:
            self._heartbeat = beat
            try:
                with change_context(user=job.user, actor=f"job:{job.kind}",
                                    request_id=job.request_id):
                    result = self.run(**job.params)
            except JobLost:
                return
            except JobCancelled:
                job.status = Job.Status.CANCELLED
                self.log(_("Cancelled."))
            except Exception as exc:  # the job row must say what went wrong
                job.status = Job.Status.FAILED
                self.log(_("Failed: %(error)s") % {"error": exc})
                self.log(traceback.format_exc(limit=5))
            else:
                job.status = Job.Status.COMPLETED
                job.result = result
                job.done = max(job.done, job.total)
            finally:
                self._heartbeat = None
        job.finished = timezone.now()
        job.cancel_requested = job.cancel_requested or self.should_stop()
        Job.objects.filter(pk=job.pk, status=Job.Status.RUNNING,
                           request_id=job.request_id).update(
            status=job.status, result=job.result, done=job.done, total=job.total,
            finished=job.finished, log=job.log, cancel_requested=job.cancel_requested,
            heartbeat=job.finished)
