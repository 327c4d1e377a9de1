"""`lianzhang run_periodic`: enqueue the periodic jobs that are due (monthly chain
snapshots, daily reminders). For production mode, from cron or a systemd timer every
few minutes; `lianzhang serve` does the same by itself. Also ends the jobs of workers
that died (`core.reaper`)."""

from django.core.management.base import BaseCommand

from lianzhang.core.jobs import runners
from lianzhang.core.reaper import reap_jobs
from lianzhang.core.schedule import run_due


class Command(BaseCommand):
    """Enqueue what is due and say what."""

    help = "Enqueue the periodic jobs (snapshots, reminders) that are due now."

    def handle(self, *args, **options):
        for job in reap_jobs():  # a worker that died since the last run
            self.stdout.write(f"已处理中断的后台任务 #{job.pk}（{job.name}）：{job.get_status_display()}")
        started = [f"{runners[kind].name}（{kind}）" for kind in run_due()]
        self.stdout.write("已加入后台任务：" + "、".join(started) if started else "没有到期的定期任务")
