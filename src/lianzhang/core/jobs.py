"""Background jobs (DESIGN §6.9): one runner base class recording status, progress,
log and result on a Job row. Runs on the Django tasks API (django-tasks backport,
database-backed worker in embedded mode).

Live progress, log and the cancel flag travel through the cache, not the Job row:
a job usually works inside one long transaction (all-or-nothing imports), where row
updates would stay invisible to the progress bar until the end, and SQLite would
block the page's cancel write until the job finished."""

from __future__ import annotations

import traceback
from typing import Any, ClassVar

from django.core.cache import cache
from django.utils import timezone
from django.utils.translation import gettext as _

from .context import change_context
from .models import Job

__all__ = ["JobRunner", "JobCancelled", "register_runner", "runners", "live_state",
           "labelled_items", "result_items", "request_cancel"]

LIVE_TTL = 7 * 24 * 3600


def _key(job_id: int, what: str) -> str:
    return f"lianzhang:job:{job_id}:{what}"


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


def request_cancel(job: Job) -> None:
    """Ask a running job to stop at its next progress report."""
    cache.set(_key(job.pk, "cancel"), True, LIVE_TTL)
    if job.status == Job.Status.PENDING:
        # Not started yet: the worker reads the row, so a cancel before start holds.
        Job.objects.filter(pk=job.pk).update(cancel_requested=True)

runners: dict[str, type[JobRunner]] = {}


class JobCancelled(Exception):
    """Raised inside a runner when the user asked to cancel the job."""


def register_runner(cls: type[JobRunner]) -> type[JobRunner]:
    """Register a runner class under its `kind` (class decorator)."""
    runners[cls.kind] = cls
    return cls


class JobRunner:
    """Base class: subclasses set `kind` and `name` and implement `run(**params)`."""

    kind: ClassVar[str] = ""
    name: ClassVar[str] = ""
    # Labels for the keys of a dict result, so the job page shows words, not keys.
    result_labels: ClassVar[dict[str, Any]] = {}

    def __init__(self, job: Job) -> None:
        self.job = job
        self._last_saved = 0.0

    # --- API for subclasses -------------------------------------------------------
    def run(self, **params: Any) -> Any:
        """Do the work; return a JSON-able result."""
        raise NotImplementedError

    def progress(self, done: int, total: int | None = None) -> None:
        """Record progress (published at most every 0.3 s) and honour cancellation
        by raising JobCancelled."""
        self.job.done = done
        if total is not None:
            self.job.total = total
        now = timezone.now().timestamp()
        if now - self._last_saved >= 0.3 or done >= self.job.total:
            self._last_saved = now
            cache.set(_key(self.job.pk, "progress"), (self.job.done, self.job.total), LIVE_TTL)
            if self.should_stop():
                raise JobCancelled

    def should_stop(self) -> bool:
        """Whether the user asked to cancel (for engine loops that poll)."""
        return bool(cache.get(_key(self.job.pk, "cancel")))

    def log(self, message: str) -> None:
        """Append a line to the job's log."""
        stamp = timezone.localtime().strftime("%H:%M:%S")
        self.job.log += f"[{stamp}] {message}\n"
        cache.set(_key(self.job.pk, "log"), self.job.log, LIVE_TTL)

    # --- Lifecycle ----------------------------------------------------------------
    @classmethod
    def enqueue(cls, user: Any, name: str = "", **params: Any) -> Job:
        """Create the Job row and hand it to the task backend."""
        from .tasks import execute_job

        job = Job.objects.create(kind=cls.kind, name=name or str(cls.name),
                                 user=user if getattr(user, "pk", None) else None,
                                 params=params)
        execute_job.enqueue(job.pk)
        job.refresh_from_db()
        return job

    def execute(self) -> None:
        """Run the job inside a change context and record the outcome."""
        job = self.job
        if job.cancel_requested:
            cache.set(_key(job.pk, "cancel"), True, LIVE_TTL)
        else:
            # A stale flag from another job that once had this id (a rolled-back
            # transaction can reuse ids) must not cancel this one.
            cache.delete(_key(job.pk, "cancel"))
        job.status = Job.Status.RUNNING
        job.started = timezone.now()
        job.save(update_fields=["status", "started"])
        try:
            with change_context(user=job.user, actor=f"job:{job.kind}"):
                result = self.run(**job.params)
        except JobCancelled:
            job.status = Job.Status.CANCELLED
            self.log("已取消")
        except Exception as exc:  # the job row must say what went wrong
            job.status = Job.Status.FAILED
            self.log(f"失败：{exc}")
            self.log(traceback.format_exc(limit=5))
        else:
            job.status = Job.Status.COMPLETED
            job.result = result
            job.done = max(job.done, job.total)
        job.finished = timezone.now()
        job.cancel_requested = self.should_stop()
        job.save(update_fields=["status", "result", "done", "total", "finished", "log",
                                "cancel_requested"])
