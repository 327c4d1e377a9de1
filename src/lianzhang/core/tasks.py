"""Task entry points for the Django tasks backend."""

from __future__ import annotations

from django_tasks import task

__all__ = ["execute_job"]


@task()
def execute_job(job_id: int) -> None:
    """Run the Job row `job_id` with its registered runner (a job that is no longer
    pending — cancelled before it started — is left alone by the runner)."""
    from .jobs import runners
    from .models import Job

    job = Job.objects.filter(pk=job_id).first()
    if job is None:
        return  # deleted meanwhile: nothing to run
    runners[job.kind](job).execute()
