"""Task entry points for the Django tasks backend."""

from __future__ import annotations

from django_tasks import task

__all__ = ["execute_job"]


@task()
def execute_job(job_id: int) -> None:
    """Run the Job row `job_id` with its registered runner."""
    from .jobs import runners
    from .models import Job

    job = Job.objects.get(pk=job_id)
    runners[job.kind](job).execute()
