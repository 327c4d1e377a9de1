"""`lianzhang snapshot_chains [--as-of YYYY-MM-DD]`: freeze every chain's figures
(schedule it monthly with cron or a systemd timer)."""

from django.core.management.base import BaseCommand

from lianzhang.core.context import change_context
from lianzhang.dashboards.snapshots import SnapshotJob


class Command(BaseCommand):
    """Run the snapshot job now (in this process) and print what it did."""

    help = "Snapshot the headline figures of every chain with a published map."

    def add_arguments(self, parser):
        parser.add_argument("--as-of", default=None, help="Date of the snapshot (default today).")

    def handle(self, *args, as_of=None, **options):
        from lianzhang.core.models import Job

        job = Job.objects.create(kind=SnapshotJob.kind, name=str(SnapshotJob.name),
                                 params={"as_of": as_of})
        with change_context(actor="snapshot_chains"):
            SnapshotJob(job).execute()
        job.refresh_from_db()
        self.stdout.write(f"{job.get_status_display()}: {job.result or job.log}")
        if job.status != Job.Status.COMPLETED:
            raise SystemExit(1)
