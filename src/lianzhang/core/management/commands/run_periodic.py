"""`lianzhang run_periodic`: enqueue the periodic jobs that are due (monthly chain
snapshots, daily reminders). For production mode, from cron or a systemd timer every
few minutes; `lianzhang serve` does the same by itself."""

from django.core.management.base import BaseCommand

from lianzhang.core.jobs import runners
from lianzhang.core.schedule import run_due


class Command(BaseCommand):
    """Enqueue what is due and say what."""

    help = "Enqueue the periodic jobs (snapshots, reminders) that are due now."

    def handle(self, *args, **options):
        started = [f"{runners[kind].name}（{kind}）" for kind in run_due()]
        self.stdout.write("已加入后台任务：" + "、".join(started) if started else "没有到期的定期任务")
