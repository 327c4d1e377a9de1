"""The heartbeat thread of a running job: it keeps the job alive through long calls
that report no progress, brings a cancel written to the row by another process to
the job, and stops a job that was ended elsewhere without overwriting its row.
(Committed transactions: the thread has its own database connection.)"""

import time

import pytest
from django.test import override_settings

from lianzhang.core.jobs import JobCancelled, JobRunner, register_runner, runners
from lianzhang.core.models import Job
from lianzhang.core.reaper import is_orphaned

pytestmark = pytest.mark.django_db(transaction=True)


class _Silent(JobRunner):
    """Works for `seconds` without reporting progress (a long engine call)."""

    kind = "tests.silent"
    name = "silent"

    def run(self, seconds: float, cancel_via_row: bool = False, ended_elsewhere: bool = False):
        if cancel_via_row:  # what another process's cancel writes; no cache involved
            Job.objects.filter(pk=self.job.pk).update(cancel_requested=True)
        if ended_elsewhere:  # a reaper took the job for dead
            Job.objects.filter(pk=self.job.pk).update(status=Job.Status.FAILED,
                                                      outcome=Job.Outcome.WORKER_LOST)
        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline:
            if cancel_via_row and self.should_stop():
                raise JobCancelled
            if ended_elsewhere:
                self.progress(1, 2)  # raises JobLost once the heartbeat noticed
            time.sleep(0.02)
        row = Job.objects.get(pk=self.job.pk)
        return {"orphaned": is_orphaned(row),
                "heartbeat_age": (time.time() - row.heartbeat.timestamp())}


@pytest.fixture
def silent():
    register_runner(_Silent)
    with override_settings(JOB_HEARTBEAT_SECONDS=0.1, JOB_STALE_SECONDS=0.5):
        yield _Silent
    runners.pop(_Silent.kind, None)


def test_it_keeps_a_silent_job_alive_from_a_thread(silent):
    job = silent.enqueue(None, seconds=1.5)  # three times the stale limit
    job.refresh_from_db()
    assert job.status == Job.Status.COMPLETED, job.log
    assert job.result["orphaned"] is False and job.result["heartbeat_age"] < 0.5


def test_it_brings_a_cancel_written_to_the_row_to_the_job(silent):
    started = time.monotonic()
    job = silent.enqueue(None, seconds=20, cancel_via_row=True)
    job.refresh_from_db()
    assert job.status == Job.Status.CANCELLED and time.monotonic() - started < 5


def test_it_stops_a_job_ended_elsewhere_and_leaves_its_row_alone(silent):
    job = silent.enqueue(None, seconds=20, ended_elsewhere=True)
    job.refresh_from_db()
    assert job.status == Job.Status.FAILED and job.outcome == Job.Outcome.WORKER_LOST
    assert job.result is None and job.finished is None
