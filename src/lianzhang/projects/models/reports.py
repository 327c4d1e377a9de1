"""Monthly progress reports (月报) and amendments of approved months. An approved
month is kept for good: nobody deletes it, directly or with its project; it is
corrected by an amendment."""

from __future__ import annotations

import copy
from datetime import date
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import ProtectedError
from django.db.models.functions import Coalesce
from django.db.models.signals import pre_delete
from django.dispatch import receiver
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from lianzhang.core.models import ChangeLoggedModel, DeletionRefused, Scope

from ..choices import AmendmentStatus, ReportStatus, Stage
from .project import MoneySum, Project, money

__all__ = ["ProgressReport", "ReportAmendment", "effective_figure", "month_label",
           "protect_approved_reports"]


def effective_figure() -> Coalesce:
    """The figure a report contributes: its latest approved figure when approved,
    else what was entered (used by the cumulative check before approval)."""
    return Coalesce("approved_completed", "completed")


def month_label(month: date) -> str:
    """`2026年3月`, how offices name a month."""
    return f"{month.year}年{month.month}月"


def protect_approved_reports(collector: Any, field: Any, sub_objs: Any, using: str) -> None:
    """`on_delete` of a report's project: deleting a project deletes its reports, unless
    one of them is approved; then the project is protected (a ProtectedError naming
    the approved months, as the delete page, the API and Django's admin show it)."""
    approved = [r for r in sub_objs if r.status == ReportStatus.APPROVED]
    if approved:
        raise ProtectedError("approved monthly reports are kept for good", approved)
    models.CASCADE(collector, field, sub_objs, using)


class ProgressReport(ChangeLoggedModel):
    """One project's report for one month: investment completed that month (万元),
    image progress and problems needing coordination. Cumulative investment is
    computed from the months' figures, never typed. Roll-ups use
    `approved_completed`, the latest approved figure (set on approval and by
    approved amendments)."""

    project = models.ForeignKey(Project, on_delete=protect_approved_reports,
                                related_name="reports", verbose_name=_("key project"))
    month = models.DateField(_("month"), help_text=_("The first day of the month"))
    completed = money(_("investment completed this month (10k yuan)"))
    progress = models.TextField(_("image progress"), blank=True)
    problems = models.TextField(_("problems needing coordination"), blank=True)
    negative_reason = models.CharField(
        _("reason for a negative figure"), max_length=300, blank=True,
        help_text=_("Required when the month's figure is negative (a correction)"))
    overrun_acknowledged = models.BooleanField(
        _("overrun acknowledged"), default=False,
        help_text=_("Confirms that cumulative investment may exceed the total investment"))
    status = models.CharField(_("status"), max_length=20, choices=ReportStatus.choices,
                              default=ReportStatus.DRAFT, editable=False, db_index=True)
    submitted_at = models.DateTimeField(_("submitted at"), null=True, blank=True, editable=False)
    submitted_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL,
                                     null=True, blank=True, editable=False, related_name="+",
                                     verbose_name=_("submitted by"))
    reviewed_at = models.DateTimeField(_("reviewed at"), null=True, blank=True, editable=False)
    reviewed_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL,
                                    null=True, blank=True, editable=False, related_name="+",
                                    verbose_name=_("reviewed by"))
    review_comment = models.CharField(_("review comment"), max_length=500, blank=True,
                                      editable=False)
    approved_completed = money(_("approved figure (10k yuan)"), null=True, blank=True,
                               editable=False)

    scope = Scope(town="project__town", chain="project__chain")

    class Meta:
        ordering = ["-month", "project"]
        constraints = [models.UniqueConstraint(fields=["project", "month"],
                                               name="unique_project_month_report")]
        # The second index covers the roll-ups' sums (project, month → approved figure).
        indexes = [models.Index(fields=["month", "status"]),
                   models.Index(fields=["project", "month", "approved_completed"],
                                name="projects_report_rollup")]
        verbose_name = _("progress report")
        verbose_name_plural = _("progress reports")

    def __str__(self) -> str:
        return f"{self.project} · {month_label(self.month)}" if self.month else str(self.project)

    def unique_error_message(self, model_class: Any, unique_check: Any) -> Any:
        """A second report for the same project and month gets a plain message."""
        if tuple(unique_check) == ("project", "month"):
            return ValidationError(
                _("%(project)s already has a report for %(month)s.") % {
                    "project": self.project, "month": month_label(self.month)},
                code="unique_together")
        return super().unique_error_message(model_class, unique_check)

    def deletion_refusal(self) -> str:
        """Why this report may not be deleted ('' when it may): an approved month is
        kept for good, whoever asks, and corrected by an amendment."""
        if self.status != ReportStatus.APPROVED:
            return ""
        return str(_("The report of %(month)s for %(project)s is approved and cannot be "
                     "deleted, by anyone. To correct it, file a report amendment for that "
                     "month.") % {"month": month_label(self.month), "project": self.project})

    @property
    def is_locked(self) -> bool:
        """An approved month is locked; corrections are amendments."""
        return self.status == ReportStatus.APPROVED

    def check_figures(self, *, signed: date | None, others: Decimal, total: Decimal,
                      today: date, stored_status: str | None) -> dict[str, Any]:
        """The report's rules on given context (no queries, so the monthly sheet can
        check 300 rows with three queries): `signed` is the signing date, `others`
        the other months' figures summed, `stored_status` the status in the database.
        Returns field → message."""
        errors: dict[str, Any] = {}
        if stored_status == ReportStatus.APPROVED:
            errors["__all__"] = _("%(month)s is approved and locked; file an amendment to "
                                  "correct it.") % {"month": month_label(self.month)}
            return errors
        if signed is None:
            errors["month"] = _("The project has not been signed; monthly reports start with "
                                "the month of signing.")
        elif self.month < signed.replace(day=1):
            errors["month"] = _("%(month)s is before the project was signed (%(signed)s).") % {
                "month": month_label(self.month), "signed": signed.isoformat()}
        elif self.month > today.replace(day=1):
            errors["month"] = _("%(month)s has not begun yet.") % {
                "month": month_label(self.month)}
        if self.completed is not None:
            if self.completed < 0 and not self.negative_reason.strip():
                errors["negative_reason"] = _("A negative monthly investment needs an "
                                              "amendment reason.")
            cumulative = others + self.completed
            if cumulative > total and not self.overrun_acknowledged:
                errors["overrun_acknowledged"] = _(
                    "Cumulative investment %(cumulative)s would exceed the total investment "
                    "%(total)s (10k yuan); tick the acknowledgement to record it anyway.") % {
                    "cumulative": f"{cumulative:,.2f}", "total": f"{total:,.2f}"}
        return errors

    def clean(self) -> None:
        """Normalise the month to its first day, then apply `check_figures` with
        the project's signing date and the other months' figures."""
        super().clean()
        if self.month:
            self.month = self.month.replace(day=1)
        if not self.project_id or not self.month:
            return
        signed = self.project.stages.filter(stage=Stage.SIGNED).values_list(
            "actual_date", flat=True).first()
        others = ProgressReport._base_manager.filter(project_id=self.project_id).exclude(
            pk=self.pk).aggregate(s=MoneySum(effective_figure()))["s"] or Decimal(0)
        stored = None
        if self.pk:
            stored = ProgressReport._base_manager.filter(pk=self.pk).values_list(
                "status", flat=True).first()
        errors = self.check_figures(signed=signed, others=others,
                                    total=self.project.total_investment,
                                    today=timezone.localdate(), stored_status=stored)
        if errors:
            raise ValidationError(errors)

    def save(self, *args: Any, **kwargs: Any) -> None:
        """Months are stored as their first day."""
        if self.month:
            self.month = self.month.replace(day=1)
        super().save(*args, **kwargs)


@receiver(pre_delete, sender=ProgressReport)
def _refuse_deleting_approved(sender: Any, instance: ProgressReport, **kwargs: Any) -> None:
    """Every delete path (the object's delete(), a queryset delete, a cascade) passes
    here inside the delete's transaction. The stored status is read with the row
    locked, so a report approved a moment ago is not deleted from a stale copy."""
    stored = (ProgressReport._base_manager.select_for_update().filter(pk=instance.pk)
              .values_list("status", flat=True).first())
    if ReportStatus.APPROVED in (stored, instance.status):
        approved = copy.copy(instance)  # the stored status, not the caller's stale copy
        approved.status = ReportStatus.APPROVED
        raise DeletionRefused(approved.deletion_refusal(), [instance])


class ReportAmendment(ChangeLoggedModel):
    """A correction of an approved month: the corrected figure and why. Once
    approved it becomes the month's figure in roll-ups (the latest approved
    amendment wins); the report itself stays as it was approved."""

    report = models.ForeignKey(ProgressReport, on_delete=models.CASCADE,
                               related_name="amendments", verbose_name=_("progress report"))
    completed = money(_("corrected investment this month (10k yuan)"))
    reason = models.CharField(_("reason for the amendment"), max_length=500)
    status = models.CharField(_("status"), max_length=20, choices=AmendmentStatus.choices,
                              default=AmendmentStatus.SUBMITTED, editable=False)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL,
                                   null=True, blank=True, editable=False, related_name="+",
                                   verbose_name=_("created by"))
    reviewed_at = models.DateTimeField(_("reviewed at"), null=True, blank=True, editable=False)
    reviewed_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL,
                                    null=True, blank=True, editable=False, related_name="+",
                                    verbose_name=_("reviewed by"))

    scope = Scope(town="report__project__town", chain="report__project__chain")

    class Meta:
        ordering = ["report", "pk"]
        verbose_name = _("report amendment")
        verbose_name_plural = _("report amendments")

    def __str__(self) -> str:
        return f"{self.report} · {self.completed}"

    def clean(self) -> None:
        """Only an approved month is amended, and only with a reason."""
        super().clean()
        errors: dict[str, Any] = {}
        if not (self.reason or "").strip():
            errors["reason"] = _("An amendment needs a reason.")
        if self.report_id and self.report.status != ReportStatus.APPROVED:
            errors["report"] = _("Only an approved month is amended; edit the report itself "
                                 "until it is approved.")
        if errors:
            raise ValidationError(errors)
