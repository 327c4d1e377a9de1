"""The mapping run as a background job with a progress bar."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from chainkit.mapping import MappingCancelled
from lianzhang.core.jobs import JobCancelled, JobRunner, register_runner

from .choices import RUN_STAT_LABELS, RunStatus
from .models import MappingRun
from .services import run_mapping

__all__ = ["MappingJob", "start_run"]


@register_runner
class MappingJob(JobRunner):
    """Maps local firms onto chain nodes; cancelling leaves previous links intact."""

    kind = "mapping.run"
    name = gettext_lazy("Chain mapping run")
    result_labels = RUN_STAT_LABELS
    # All link changes are written in one transaction at the end: a run whose worker
    # died wrote nothing, and running it again computes the same links.
    requeue_when_orphaned = True

    @classmethod
    def abandoned(cls, job: Any) -> list[str]:
        """The run row of a job that will not finish must not stay "running"."""
        run = MappingRun.objects.filter(pk=job.params.get("run_id")).first()
        if run is not None and run.status in (RunStatus.PENDING, RunStatus.RUNNING):
            run.status = (RunStatus.CANCELLED if job.status == "cancelled"
                          else RunStatus.FAILED)
            run.save()
        return []

    def run(self, run_id: int) -> dict[str, Any]:
        run = MappingRun.objects.get(pk=run_id)
        run.status = RunStatus.RUNNING
        run.save()
        self.log(_("Mapping %(scope)s (%(kind)s run)") % {
            "scope": run.chain or _("all chains"), "kind": _("full") if run.full else _(
                "incremental")})
        try:
            stats = run_mapping(run, progress=self.progress, should_stop=self.should_stop)
        except (MappingCancelled, JobCancelled):
            run.refresh_from_db()
            run.status = RunStatus.CANCELLED
            run.save()
            raise JobCancelled from None
        except Exception:
            run.refresh_from_db()
            run.status = RunStatus.FAILED
            run.save()
            raise
        self.log(_("Firms mapped: %(mapped)d, links created %(created)d, updated %(updated)d, "
                   "removed %(removed)d; %(review)d awaiting review.") % stats)
        return stats


def start_run(user: Any, chain=None, full: bool = False, tau_high: float = 0.6,
              tau_low: float = 0.3, note: str = "") -> MappingRun:
    """Create the run row and enqueue its job."""
    run = MappingRun.objects.create(chain=chain, full=full, tau_high=tau_high, tau_low=tau_low,
                                    note=note,
                                    started_by=user if getattr(user, "pk", None) else None)
    job = MappingJob.enqueue(user, name=_("Chain mapping: %(scope)s") % {
        "scope": chain or _("all chains")}, run_id=run.pk)
    run.refresh_from_db()
    if run.job_id != job.pk:
        run.job = job
        run.save()
    return run
