"""`lianzhang db_worker`: django-tasks-db's worker, plus finding and ending the jobs of
workers that died (`core.reaper`): once when it starts — so a worker restarted after
a crash cleans up after its predecessor at once — and from a thread every few
seconds while it runs. Takes precedence over the library's command because
`lianzhang.core` comes before `django_tasks_db` in INSTALLED_APPS."""

from __future__ import annotations

import logging

from django.db import connection
from django_tasks_db.management.commands.db_worker import Command as LibraryWorkerCommand

from lianzhang.core.reaper import reap_jobs, start_reaper, sweep_uploads

logger = logging.getLogger("lianzhang.core.reaper")


class Command(LibraryWorkerCommand):
    """Run the database task worker with job reaping."""

    help = "Run the background worker (and end the jobs of workers that died)."

    def handle(self, *args, **options):
        reaped = reap_jobs()
        for job in reaped:
            self.stdout.write(f"已处理中断的后台任务 #{job.pk}（{job.name}）：{job.get_status_display()}")
        removed = sweep_uploads()
        if removed:
            self.stdout.write(f"已删除 {len(removed)} 个无人使用的上传文件")
        connection.close()
        start_reaper()
        super().handle(*args, **options)
