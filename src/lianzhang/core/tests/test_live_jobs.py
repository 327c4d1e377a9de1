"""Real processes on a real SQLite file: a worker killed with SIGKILL in the middle of
a big import, and a second connection writing while a big import runs.

The site (`core.testing.live`) runs the production settings in its own var dir; these
tests read its database with `sqlite3`."""

import json
import sqlite3
import time
from pathlib import Path

import pytest

from lianzhang.core.testing.live import LiveSite, wait_until

pytestmark = pytest.mark.slow

SETUP = """
from django.contrib.auth import get_user_model
from lianzhang.core.context import change_context
from lianzhang.regions.models import Region
from lianzhang.users.models import RoleAssignment
from lianzhang.users.roles import Role
with change_context(actor="test"):
    city = Region.objects.create(name="青岛市", code="370200000000", level="city")
    district = Region.objects.create(name="胶州市", code="370281000000", level="district",
                                     parent=city)
    Region.objects.create(name="九龙街道", code="370281006000", level="town", parent=district)
    user = get_user_model().objects.create_user("mishu", password="Test-Passw0rd!x")
    RoleAssignment.objects.create(user=user, role=Role.SECRETARIAT)
"""

FIRM_FILE = """
import csv, io
from lianzhang.demo.generator import generate
rows = []
for firm in generate(seed=7, enterprises=max(300, 2 * {rows})).iter_firms():
    if firm.town:
        rows.append([firm.uscc, firm.name, "九龙街道", "存续",
                     "|".join(f"{{n}}:{{s}}" for n, s in firm.products)])
    if len(rows) == {rows}:
        break
buf = io.StringIO()
writer = csv.writer(buf)
writer.writerow(["统一社会信用代码", "企业名称", "所属镇街", "登记状态", "主营产品"])
writer.writerows(rows)
data = buf.getvalue().encode()
"""


@pytest.fixture(scope="module")
def migrated(tmp_path_factory):
    return LiveSite(tmp_path_factory.mktemp("live-template")).migrate()


def test_it_ends_a_killed_workers_import_undoes_it_and_the_next_worker_carries_on(
        migrated, tmp_path):
    site = migrated.clone(tmp_path / "var", LIANZHANG_IMPORT_CHUNK_SECONDS="0.2",
                          LIANZHANG_JOB_HEARTBEAT_SECONDS="0.5",
                          LIANZHANG_JOB_STALE_SECONDS="10")
    job_id = int(site.python(SETUP + FIRM_FILE.format(rows=400) + """
from django.conf import settings
from lianzhang.core.import_jobs import ImportJob
settings.UPLOAD_DIR.mkdir(parents=True, exist_ok=True)
path = settings.UPLOAD_DIR / "firms.csv"
path.write_bytes(data)
job = ImportJob.enqueue(user, name="导入企业", object_type="enterprises.enterprise",
                        path=str(path), filename="firms.csv")
print(job.pk)
"""))
    upload = tmp_path / "var" / "uploads" / "firms.csv"
    assert upload.exists()
    worker = site.start_worker()

    def writing():
        """the import commits its first chunks"""
        return site.value("SELECT count(*) FROM core_objectchange c JOIN core_job j "
                          "ON c.request_id = j.request_id WHERE j.id = ?", job_id) >= 30

    try:
        wait_until(writing, timeout=600)
    finally:
        worker.kill()
        worker.wait()
    killed = time.monotonic()
    assert site.value("SELECT status FROM core_job WHERE id = ?", job_id) == "running"
    assert upload.exists() and site.value("SELECT count(*) FROM enterprises_enterprise") > 0

    successor = site.start_worker()
    try:
        wait_until(lambda: site.value("SELECT status FROM core_job WHERE id = ?", job_id)
                   == "failed", timeout=60)
        assert time.monotonic() - killed < 60, site.logs()
        status, outcome, attempts, log, task_id = site.sql(
            "SELECT status, outcome, attempts, log, task_id FROM core_job WHERE id = ?",
            job_id)[0]
        assert (outcome, attempts) == ("worker_lost", 1) and "后台任务进程已中断" in log

        def cleaned_up():
            """the reaper's clean-up is in the job's log"""
            text = site.value("SELECT log FROM core_job WHERE id = ?", job_id)
            return text if "上传的文件已删除" in text else None

        log = wait_until(cleaned_up, timeout=30)
        assert not upload.exists()
        assert site.value("SELECT status FROM django_tasks_database_dbtaskresult "
                          "WHERE id = ?", task_id.replace("-", "")) == "FAILED"
        undo_id = site.value("SELECT id FROM core_job WHERE parent_id = ?", job_id)
        assert undo_id is not None and f"#{undo_id}" in log
        wait_until(lambda: site.value("SELECT status FROM core_job WHERE id = ?", undo_id)
                   == "completed", timeout=300)
        assert site.value("SELECT count(*) FROM enterprises_enterprise") == 0
        assert site.value("SELECT count(*) FROM enterprises_product") == 0
        creates, deletes = (site.value(
            "SELECT count(*) FROM core_objectchange c JOIN django_content_type t "
            "ON c.content_type_id = t.id WHERE t.model = 'enterprise' AND c.action = ?",
            action) for action in ("create", "delete"))
        assert creates == deletes > 0  # the writes and their undoing, all on record
        time.sleep(1)  # the new worker does not run the failed import again
        assert site.sql("SELECT status, attempts FROM core_job WHERE id = ?", job_id) == [
            ("failed", 1)]
    finally:
        successor.terminate()
        successor.wait(timeout=30)
    assert site.python(f"""
from lianzhang.core.jobs import request_cancel
from lianzhang.core.models import Job
print(request_cancel(Job.objects.get(pk={job_id})))
""") == "finished"


def test_it_lets_another_connection_write_while_a_big_import_runs(migrated, tmp_path):
    site = migrated.clone(tmp_path / "var", LIANZHANG_IMPORT_CHUNK_SECONDS="0.5")
    site.python(SETUP)
    with sqlite3.connect(site.database) as db:
        db.execute("CREATE TABLE probe (n integer)")
    importer = site.spawn(FIRM_FILE.format(rows=500) + """
import json
from django.contrib.auth import get_user_model
from lianzhang.core.context import change_context
from lianzhang.core.importer import import_file
from lianzhang.enterprises.views import EnterpriseType
user = get_user_model().objects.get(username="mishu")
steps = []
print("start", flush=True)
with change_context(user=user):
    result = import_file(EnterpriseType, user, "firms.csv", data, dry_run=False,
                         progress=lambda done, total: steps.append(total))
print(json.dumps({"errors": result.errors[:5], "created": len(result.created),
                  "totals": sorted(set(steps))}))
""")
    assert importer.stdout.readline().strip() == "start"
    probe = sqlite3.connect(site.database, timeout=10, isolation_level=None)
    waits = []
    while importer.poll() is None:
        started = time.monotonic()
        probe.execute("BEGIN IMMEDIATE")  # what any write of a login or the API needs
        probe.execute("INSERT INTO probe VALUES (1)")
        probe.execute("COMMIT")
        waits.append(time.monotonic() - started)
        time.sleep(0.05)
    out, err = importer.communicate()
    assert importer.returncode == 0, err[-3000:]
    result = json.loads(out.strip().splitlines()[-1])
    assert result["errors"] == [] and result["created"] > 450
    assert result["totals"] == [1000]  # checked, then written: two passes
    assert len(waits) >= 10, "the import ended before it could be probed"
    assert max(waits) < 1.5, sorted(waits)[-5:]  # about one 0.5 s chunk, with a margin
    assert Path(site.database).exists()
