"""Jobs survive their workers: a running job whose worker died is found (stale
heartbeat, or its process gone on this host) and ended — failed, cancelled, or run
again when its runner says that is safe — with its task row settled, its upload
removed and its page saying what happened; cancel works in every state."""

import datetime
import subprocess
import time
import uuid

import pytest
from django.test import override_settings
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from lianzhang.core.import_jobs import ImportJob
from lianzhang.core.jobs import JobRunner, register_runner, request_cancel, runners
from lianzhang.core.liveness import _process_state, process_gone, worker_identity
from lianzhang.core.models import Job
from lianzhang.core.reaper import MAX_ATTEMPTS, reap_jobs, sweep_uploads
from lianzhang.core.tasks import execute_job
from lianzhang.core.testing.helpers import client_for

DB_TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
ELSEWHERE = "other-host|pid:[1]|4242|99"  # a worker on another machine: only heartbeats


@pytest.fixture
def uploads(tmp_path):
    with override_settings(UPLOAD_DIR=tmp_path, JOB_STALE_SECONDS=30):
        yield tmp_path


def ago(seconds):
    return timezone.now() - datetime.timedelta(seconds=seconds)


def running_import(world, uploads, heartbeat_age, worker=ELSEWHERE, **fields):
    """An import job some worker claimed, with its upload and a task row 'running'."""
    path = uploads / "firms.csv"
    path.write_bytes(b"name\n")
    with override_settings(TASKS=DB_TASKS):
        task = execute_job.enqueue(0)
    DBTaskResult.objects.filter(id=task.id).update(status="RUNNING", started_at=ago(90))
    values = {"status": Job.Status.RUNNING, "started": ago(90), "heartbeat": ago(heartbeat_age),
              "worker": worker, "attempts": 1, "request_id": uuid.uuid4(),
              "task_id": str(task.id), "done": 24, "total": 100, **fields}
    return Job.objects.create(kind=ImportJob.kind, name="导入企业: firms.csv",
                              user=world.user("secretariat"),
                              params={"object_type": "enterprises.enterprise",
                                      "path": str(path), "filename": "firms.csv"}, **values)


def test_it_fails_a_job_whose_heartbeat_stopped_and_cleans_up_after_it(world, uploads):
    job = running_import(world, uploads, heartbeat_age=45)
    assert [j.pk for j in reap_jobs()] == [job.pk]
    job.refresh_from_db()
    assert job.status == Job.Status.FAILED and job.outcome == Job.Outcome.WORKER_LOST
    assert job.finished is not None and (job.done, job.total) == (24, 100)
    assert "后台任务进程已中断" in job.log and "24/100" in job.log.replace(" ", "")
    assert "上传的文件已删除" in job.log
    assert not list(uploads.iterdir())
    task = DBTaskResult.objects.get(id=job.task_id)
    assert task.status == "FAILED" and task.exception_class_path.endswith("WorkerLost")
    assert reap_jobs() == []  # once


def test_it_leaves_a_job_with_a_fresh_heartbeat_running(world, uploads):
    job = running_import(world, uploads, heartbeat_age=5)
    assert reap_jobs() == []
    job.refresh_from_db()
    assert job.status == Job.Status.RUNNING and list(uploads.iterdir())
    assert DBTaskResult.objects.get(id=job.task_id).status == "RUNNING"


def test_it_ends_a_job_at_once_when_its_worker_process_is_gone(world, uploads):
    child = subprocess.Popen(["sleep", "30"])
    state = _process_state(child.pid)
    identity = worker_identity().rsplit("|", 2)[0] + f"|{child.pid}|{state[1]}"
    assert not process_gone(identity)
    job = running_import(world, uploads, heartbeat_age=1, worker=identity)
    assert reap_jobs() == []
    child.kill()
    deadline = time.monotonic() + 5  # the signal takes a moment to land
    while not process_gone(identity) and time.monotonic() < deadline:
        time.sleep(0.01)
    assert process_gone(identity)  # a zombie until waited for: gone all the same
    child.wait()
    assert process_gone(identity)
    assert not process_gone(ELSEWHERE)  # another host: the heartbeat decides
    assert [j.pk for j in reap_jobs()] == [job.pk]


def test_it_reaps_a_job_when_someone_looks_at_it_and_says_so_in_chinese(world, uploads):
    job = running_import(world, uploads, heartbeat_age=120)
    page = client_for(world, "secretariat").get(job.get_absolute_url()).content.decode()
    job.refresh_from_db()
    assert job.status == Job.Status.FAILED
    assert 'data-status="failed"' in page
    explanation = page.split("data-explanation>", 1)[1].split("</div>", 1)[0]
    assert "后台任务进程" in explanation and "失败" in explanation
    assert "取消" not in page.split("data-explanation", 1)[1]  # no cancel button any more


class _Rerunnable(JobRunner):
    """A job that is safe to run again: counts its runs."""

    kind = "tests.rerunnable"
    name = "rerun test"
    requeue_when_orphaned = True

    def run(self):
        return {"attempt": self.job.attempts}


@pytest.fixture
def rerunnable():
    register_runner(_Rerunnable)
    yield _Rerunnable
    runners.pop(_Rerunnable.kind, None)


def test_it_runs_a_job_again_when_that_is_safe_then_gives_up(world, rerunnable):
    job = Job.objects.create(kind=_Rerunnable.kind, name="rerun", status=Job.Status.RUNNING,
                             started=ago(90), heartbeat=ago(60), worker=ELSEWHERE, attempts=1,
                             request_id=uuid.uuid4())
    assert reap_jobs()  # re-queued; the inline test backend runs it at once
    job.refresh_from_db()
    assert job.status == Job.Status.COMPLETED and job.result == {"attempt": 2}
    assert job.outcome == Job.Outcome.REQUEUED and "重新排队" in job.log
    second = Job.objects.create(kind=_Rerunnable.kind, name="rerun", status=Job.Status.RUNNING,
                                started=ago(90), heartbeat=ago(60), worker=ELSEWHERE,
                                attempts=MAX_ATTEMPTS, request_id=uuid.uuid4())
    reap_jobs()
    second.refresh_from_db()
    assert second.status == Job.Status.FAILED and second.result is None


def test_it_requeues_a_pending_job_whose_task_was_lost_and_fails_one_that_cannot_start(
        world, rerunnable):
    with override_settings(TASKS=DB_TASKS):
        lost = _Rerunnable.enqueue(None)
        broken = _Rerunnable.enqueue(None)
    Job.objects.filter(pk__in=[lost.pk, broken.pk]).update(created=ago(120))
    DBTaskResult.objects.filter(id=lost.task_id).update(status="RUNNING", started_at=ago(100))
    DBTaskResult.objects.filter(id=broken.task_id).update(status="FAILED")
    with override_settings(TASKS=DB_TASKS):
        reap_jobs()
    lost.refresh_from_db()
    broken.refresh_from_db()
    assert lost.status == Job.Status.PENDING and lost.outcome == Job.Outcome.REQUEUED
    assert DBTaskResult.objects.get(id=lost.task_id).status == "READY"  # a new task
    assert broken.status == Job.Status.FAILED and "未能启动" in broken.log


# --- cancel in every state ---------------------------------------------------------

def test_it_cancels_a_pending_job_at_once_and_no_worker_runs_it_later(world, uploads):
    path = uploads / "firms.csv"
    path.write_bytes(b"name\n")
    with override_settings(TASKS=DB_TASKS):
        job = ImportJob.enqueue(world.user("secretariat"), object_type="regions.region",
                                path=str(path), filename="firms.csv")
    assert job.status == Job.Status.PENDING
    response = client_for(world, "secretariat").post(f"{job.get_absolute_url()}cancel/",
                                                     follow=True)
    assert "任务已取消" in response.content.decode()
    job.refresh_from_db()
    assert job.status == Job.Status.CANCELLED and job.outcome == Job.Outcome.NOT_STARTED
    assert "开始前已取消" in job.log and not path.exists()
    assert DBTaskResult.objects.get(id=job.task_id).status == "FAILED"
    execute_job.call(job.pk)  # a worker that had already taken the task
    job.refresh_from_db()
    assert job.status == Job.Status.CANCELLED and job.started is None


def test_it_asks_a_live_running_job_to_stop(world, uploads):
    job = running_import(world, uploads, heartbeat_age=2)
    response = client_for(world, "secretariat").post(f"{job.get_absolute_url()}cancel/",
                                                     follow=True)
    assert "正在取消" in response.content.decode()
    job.refresh_from_db()
    assert job.status == Job.Status.RUNNING and job.cancel_requested
    assert "已请求取消" in response.content.decode().split("data-explanation>", 1)[1]
    # Its worker dies before it noticed: the reaper ends it as cancelled.
    Job.objects.filter(pk=job.pk).update(heartbeat=ago(60))
    from django.core.cache import cache

    cache.clear()
    reap_jobs()
    job.refresh_from_db()
    assert job.status == Job.Status.CANCELLED and job.outcome == Job.Outcome.WORKER_LOST


def test_it_cancels_a_job_whose_worker_died_at_once(world, uploads):
    job = running_import(world, uploads, heartbeat_age=90)
    assert request_cancel(job) == "cancelled"
    job.refresh_from_db()
    assert job.status == Job.Status.CANCELLED and job.outcome == Job.Outcome.WORKER_LOST
    assert not list(uploads.iterdir())
    assert DBTaskResult.objects.get(id=job.task_id).status == "FAILED"
    assert request_cancel(job) == "finished"
    response = client_for(world, "secretariat").post(f"{job.get_absolute_url()}cancel/",
                                                     follow=True)
    assert "任务已结束" in response.content.decode()


def test_it_removes_old_uploads_no_job_needs(world, uploads):
    needed = running_import(world, uploads, heartbeat_age=1).params["path"]
    stray = uploads / "left-by-a-crash.csv"
    stray.write_bytes(b"x")
    assert sweep_uploads(timezone.now() + datetime.timedelta(days=2)) == [stray]
    assert not stray.exists() and (uploads / "firms.csv").exists()
    assert str(uploads / "firms.csv") == needed
