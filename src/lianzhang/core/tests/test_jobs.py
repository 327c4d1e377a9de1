"""Large imports run as background jobs (inline in tests) with the same
all-or-nothing rules; job pages belong to their owner."""

import pytest
from django.test import override_settings

from lianzhang.core.jobs import JobRunner, live_state, register_runner, runners
from lianzhang.core.models import Job, ObjectChange
from lianzhang.core.testing.helpers import Snapshot, client_for, csv_bytes, upload
from lianzhang.regions.models import Region

HEADER = ["名称", "区划代码", "级别", "上级区划代码"]


def rows(n, bad_at=None):
    out = []
    for i in range(n):
        parent = "370281999000" if i == bad_at else "370281006000"
        out.append([f"批量园区{i}", f"370281006{400 + i:03d}", "park", parent])
    return out


@pytest.fixture
def job_settings(tmp_path):
    # Chunks long enough for these small files to pass in one (test_import_chunks
    # covers files that take several).
    with override_settings(IMPORT_JOB_ROWS=5, UPLOAD_DIR=tmp_path, IMPORT_CHUNK_SECONDS=30):
        yield tmp_path


def post(client, data):
    return client.post("/regions/regions/import/", {"file": upload(data), "dry_run": ""})


def test_it_runs_a_big_import_as_a_job_that_completes(world, job_settings):
    client = client_for(world, "secretariat")
    response = post(client, csv_bytes(HEADER, rows(12)))
    job = Job.objects.get()
    assert response.status_code == 302 and response["Location"] == job.get_absolute_url()
    assert job.kind == "core.import" and job.user.username == "secretariat"
    assert job.status == Job.Status.COMPLETED, job.log
    assert job.result == {"created": 12, "updated": 0, "queued": 0, "rows": 12}
    assert (job.done, job.total) == (12, 12) and job.percent == 100
    assert Region.objects.filter(name__startswith="批量园区").count() == 12
    changes = ObjectChange.objects.filter(action="create", object_repr__startswith="批量园区")
    assert changes.count() == 12
    assert {c.user.username for c in changes} == {"secretariat"}
    assert len({c.request_id for c in changes}) == 1
    assert not list(job_settings.iterdir())  # the uploaded copy is removed

    page = client.get(job.get_absolute_url())
    assert page.status_code == 200 and "12" in page.content.decode()
    progress = client.get(f"{job.get_absolute_url()}progress/", HTTP_ACCEPT="application/json")
    assert progress.json()["status"] == "completed" and progress.json()["percent"] == 100
    shown = client.get(f"{job.get_absolute_url()}progress/", HTTP_HX_REQUEST="true")
    result = shown.content.decode().split("data-result", 1)[1]
    assert "读取行数" in result and "新建对象" in result and "created" not in result


def test_it_shows_job_results_in_words():
    from lianzhang.core.jobs import labelled_items

    items = labelled_items({"towns": {"胶莱街道": ["XM1", "XM2"], "九龙街道": []}, "full": True,
                            "codes": ["a", "b"], "other": 3}, {"full": "全量", "towns": "未报"})
    assert items == [("全量", "是"), ("未报", "胶莱街道：XM1、XM2；九龙街道：—"),
                     ("codes", "a、b"), ("other", 3)]


def test_it_leaves_a_failing_big_import_failed_with_nothing_written(world, job_settings):
    client = client_for(world, "secretariat")
    before = Snapshot(Region)
    response = post(client, csv_bytes(HEADER, rows(12, bad_at=9)))
    assert response.status_code == 302
    job = Job.objects.get()
    assert job.status == Job.Status.FAILED
    assert "第11行 上级区划代码: " in job.log and "370281999000" in job.log
    assert job.result is None
    before.assert_unchanged()
    assert not list(job_settings.iterdir())


def test_it_keeps_small_imports_and_previews_out_of_jobs(world, job_settings):
    client = client_for(world, "secretariat")
    assert post(client, csv_bytes(HEADER, rows(5))).status_code == 302
    response = client.post("/regions/regions/import/", {
        "file": upload(csv_bytes(HEADER, rows(12)[5:])), "dry_run": "on"})
    assert response.status_code == 200
    assert not Job.objects.exists()


def test_it_shows_a_job_only_to_its_owner_and_admins(world, job_settings):
    post(client_for(world, "secretariat"), csv_bytes(HEADER, rows(6)))
    job = Job.objects.get()
    url = job.get_absolute_url()
    assert client_for(world, "admin").get(url).status_code == 200
    other = client_for(world, "town_a")
    assert other.get(url).status_code == 403
    assert other.get(f"{url}progress/").status_code == 403
    assert other.post(f"{url}cancel/").status_code == 403
    assert "批量园区" not in other.get("/core/jobs/").content.decode()


@register_runner
class _CancellingRunner(JobRunner):
    """Creates objects, then finds itself cancelled: nothing it did may stay."""

    kind = "tests.cancelling"
    name = "cancel test"

    def run(self):
        from django.db import transaction

        with transaction.atomic():
            Region.objects.create(name="取消园区", code="370281006499", level="park",
                                  parent=Region.objects.get(code="370281006000"))
            from lianzhang.core.jobs import request_cancel

            request_cancel(self.job)
            self.progress(1, 2)
        return {"never": True}


def test_it_cancels_a_job_and_rolls_its_work_back(world):
    before = Snapshot(Region)
    try:
        job = _CancellingRunner.enqueue(world.user("admin"))
    finally:
        runners.pop("tests.cancelling", None)
    job.refresh_from_db()
    assert job.status == Job.Status.CANCELLED and job.cancel_requested
    assert job.result is None
    assert live_state(job)["done"] == job.done
    before.assert_unchanged()


def test_it_hands_a_checked_file_that_needs_several_transactions_to_a_job(world, tmp_path):
    """A web request may be killed by its server's time-out with no one left to undo a
    half-written file: it writes only what fits in one short transaction, and hands a
    checked file that needs more to a job, which writes it (and could be undone)."""
    client = client_for(world, "secretariat")
    with override_settings(IMPORT_JOB_ROWS=1000, UPLOAD_DIR=tmp_path, IMPORT_CHUNK_SECONDS=0):
        bad = post(client, csv_bytes(HEADER, rows(4, bad_at=3)))
        assert bad.status_code == 400 and not Job.objects.exists()  # errors shown inline
        response = post(client, csv_bytes(HEADER, rows(4)))
    job = Job.objects.get()
    assert response["Location"] == job.get_absolute_url()
    assert job.params["checked"] is True and job.status == Job.Status.COMPLETED, job.log
    assert "全部行校验通过" in job.log and "正在逐行校验" not in job.log
    created = ObjectChange.objects.filter(action="create", object_repr__startswith="批量园区")
    assert created.count() == 4 and {c.request_id for c in created} == {job.request_id}
    assert not list(tmp_path.iterdir())
