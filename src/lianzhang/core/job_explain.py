"""What happened to a job, in a sentence for its page (the log holds the details)."""

from __future__ import annotations

from django.utils import timezone
from django.utils.translation import gettext as _

from .liveness import last_sign_of_life
from .models import Job

__all__ = ["job_explanation"]


def _running(job: Job) -> str:
    if job.cancel_requested:
        return _("Cancel requested: the job stops at its next step. An import rolls back "
                 "or undoes what it wrote.")
    seen = last_sign_of_life(job) or job.started or job.created
    text = _("Running in the background; last sign of life %(seconds)d s ago.") % {
        "seconds": max(0, int((timezone.now() - seen).total_seconds()))}
    if job.attempts > 1:
        text += " " + _("This is attempt %(attempt)d: the worker of the first one stopped.") % {
            "attempt": job.attempts}
    return text


def job_explanation(job: Job) -> str:
    """One or two sentences saying what the job is doing or how it ended."""
    status, outcome = job.status, job.outcome
    if status == Job.Status.PENDING:
        if outcome == Job.Outcome.REQUEUED:
            return _("The worker running this job stopped. Running it again is safe, so "
                     "it waits in the queue and starts again from the beginning.")
        return _("Waiting for the background worker. If it does not start within a "
                 "minute, check that the worker (started by lianzhang serve) is running.")
    if status == Job.Status.RUNNING:
        return _running(job)
    if status == Job.Status.COMPLETED:
        return _("Completed on attempt %(attempt)d, after the worker of the first one "
                 "stopped.") % {"attempt": job.attempts} if job.attempts > 1 else ""
    if outcome == Job.Outcome.NOT_STARTED:
        return _("Cancelled before it started; nothing was done.")
    if outcome == Job.Outcome.WORKER_LOST:
        ended = (_("cancelled, as requested") if status == Job.Status.CANCELLED
                 else _("marked as failed"))
        return _("The background worker running this job stopped (its process ended or "
                 "stopped answering), so the job was %(ended)s instead of showing "
                 "“running” for ever. The log below says what was cleaned up.") % {
            "ended": ended}
    if status == Job.Status.CANCELLED:
        return _("Cancelled while it was running; the log below says what was kept.")
    return _("The job stopped with an error; the log below says why.")
