"""Background job records: status, progress, log and result for the UI's progress bar,
plus the liveness facts (heartbeat, worker, task id) that let a dead worker's job be
found and ended."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

__all__ = ["Job"]


class Job(models.Model):
    """One run of a background job (an import, a mapping run, a report)."""

    class Status(models.TextChoices):
        PENDING = "pending", _("pending")
        RUNNING = "running", _("running")
        COMPLETED = "completed", _("completed")
        FAILED = "failed", _("failed")
        CANCELLED = "cancelled", _("cancelled")

    class Outcome(models.TextChoices):
        """What happened to the job from outside its own code (empty: nothing)."""

        NONE = "", _("none")
        NOT_STARTED = "not_started", _("cancelled before it started")
        WORKER_LOST = "worker_lost", _("worker stopped while running it")
        REQUEUED = "requeued", _("re-queued after its worker stopped")

    kind = models.CharField(_("kind"), max_length=100)
    name = models.CharField(_("name"), max_length=200)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True,
                             blank=True, related_name="jobs", verbose_name=_("user"))
    status = models.CharField(_("status"), max_length=20, choices=Status.choices,
                              default=Status.PENDING, db_index=True)
    params = models.JSONField(_("parameters"), default=dict, blank=True)
    done = models.PositiveIntegerField(_("done"), default=0)
    total = models.PositiveIntegerField(_("total"), default=0)
    log = models.TextField(_("log"), blank=True)
    result = models.JSONField(_("result"), null=True, blank=True)
    cancel_requested = models.BooleanField(_("cancel requested"), default=False)
    created = models.DateTimeField(_("created"), auto_now_add=True)
    started = models.DateTimeField(_("started"), null=True, blank=True)
    finished = models.DateTimeField(_("finished"), null=True, blank=True)
    # Liveness: the process running the job refreshes `heartbeat` every few seconds;
    # a running job whose heartbeat is old (or whose worker process is gone) is dead.
    heartbeat = models.DateTimeField(_("last sign of life"), null=True, blank=True)
    worker = models.CharField(_("worker"), max_length=200, blank=True)
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    # The task backend's id for the current attempt, so a dead worker's task row can be
    # settled too; the change-context id its audited writes carry (for undoing them).
    task_id = models.CharField(_("task id"), max_length=64, blank=True)
    request_id = models.UUIDField(_("request id"), null=True, blank=True)
    outcome = models.CharField(_("outcome"), max_length=20, choices=Outcome.choices,
                               blank=True, default=Outcome.NONE)
    parent = models.ForeignKey("self", on_delete=models.SET_NULL, null=True, blank=True,
                               related_name="followups", verbose_name=_("started because of"))

    class Meta:
        ordering = ["-created", "-pk"]
        verbose_name = _("job")
        verbose_name_plural = _("jobs")

    def __str__(self) -> str:
        return f"{self.name} #{self.pk}"

    def get_absolute_url(self) -> str:
        """The job's page with its live progress bar."""
        from django.urls import reverse

        return reverse("core:job", args=[self.pk])

    @property
    def percent(self) -> int:
        """Progress in whole percent (0 when the total is not known yet)."""
        if self.status == self.Status.COMPLETED:
            return 100
        return int(100 * self.done / self.total) if self.total else 0

    @property
    def is_finished(self) -> bool:
        """True once the job has completed, failed or been cancelled."""
        return self.status in {self.Status.COMPLETED, self.Status.FAILED, self.Status.CANCELLED}
