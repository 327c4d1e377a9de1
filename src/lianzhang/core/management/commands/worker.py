"""`lianzhang worker`: core's `db_worker` (django-tasks-db's worker that also ends the
jobs of dead workers; same options) plus a process heartbeat for `/healthz`, and,
under `lianzhang serve`, an end when serve is gone."""

from __future__ import annotations

from lianzhang.core.management.commands import db_worker
from lianzhang.core.supervisor import watch_parent
from lianzhang.core.worker import start_heartbeat


class Command(db_worker.Command):
    """Run the background task worker with a heartbeat."""

    help = "Run the background task worker (db_worker) with a heartbeat for /healthz."

    def handle(self, *args, **options) -> None:
        start_heartbeat()
        watch_parent()
        super().handle(*args, **options)
