"""The monthly reporting workflow: a town saves or submits the month's sheet for all
its projects (all rows or none), the secretariat approves or returns with a comment,
approved months are locked and corrected by amendments. Every write is an audited
save or an audited bulk write."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal, InvalidOperation
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.html import format_html
from django.utils.translation import gettext as _

from lianzhang.core.audit import audited_bulk_create, audited_bulk_update
from lianzhang.core.importer import row_error
from lianzhang.core.locking import StaleObjectError, conflict_html
from lianzhang.core.permissions import allowed_for, is_system_admin, user_assignments
from lianzhang.users.roles import Role

from .choices import AmendmentStatus, ReportStatus, Stage
from .models import (
    MoneySum,
    ProgressReport,
    Project,
    ProjectStage,
    ReportAmendment,
    effective_figure,
)

__all__ = ["SheetRow", "SheetResult", "save_month", "can_review", "approve", "return_reports",
           "amend", "approve_amendment", "is_reviewer", "parse_amount", "REPORT_FIELDS"]

#: Sheet columns (field → label) shared by the screen, the Excel sheet and errors.
REPORT_FIELDS = ("completed", "progress", "problems", "negative_reason", "overrun_acknowledged")


@dataclass
class SheetRow:
    """One project's entry on the month's sheet (raw text as typed)."""

    row_no: int
    project_id: int | None = None
    code: str = ""
    completed: str = ""
    progress: str = ""
    problems: str = ""
    negative_reason: str = ""
    overrun_acknowledged: bool = False
    #: The report's revision when the sheet was shown (0: there was no report yet;
    #: None: not known, as in an uploaded file, so not checked).
    revision: int | None = None


@dataclass
class SheetResult:
    """What a sheet save did; `errors` non-empty means nothing was written."""

    errors: list[str] = field(default_factory=list)
    created: int = 0
    updated: int = 0
    submitted: int = 0

    @property
    def ok(self) -> bool:
        """True when every row passed."""
        return not self.errors


def parse_amount(text: str) -> Decimal:
    """A 万元 amount as typed (thousands separators allowed); ValueError if not a number."""
    try:
        value = Decimal(str(text).replace(",", "").replace("，", "").strip())
    except InvalidOperation:
        raise ValueError(_("“%(value)s” is not a number.") % {"value": text}) from None
    if not value.is_finite():
        raise ValueError(_("“%(value)s” is not a number.") % {"value": text})
    return value.quantize(Decimal("0.01"))


def can_review(user: Any, project: Project) -> bool:
    """Approving and returning is the secretariat's (or an administrator's), within
    its scope; town users and every other role are refused."""
    if is_system_admin(user):
        return True
    for a in user_assignments(user):
        if a.role != Role.SECRETARIAT:
            continue
        if (not a.town_ids or project.town_id in a.town_ids) and \
                (not a.chain_ids or project.chain_id in a.chain_ids):
            return True
    return False


def is_reviewer(user: Any) -> bool:
    """Whether the user reviews reports anywhere (shows the review buttons)."""
    return is_system_admin(user) or any(a.role == Role.SECRETARIAT
                                        for a in user_assignments(user))


def _label(name: str) -> str:
    return str(ProgressReport._meta.get_field(name).verbose_name)


def _signed_dates(ids: list[int]) -> dict[int, date]:
    return dict(ProjectStage.objects.filter(project_id__in=ids, stage=Stage.SIGNED)
                .exclude(actual_date=None).values_list("project_id", "actual_date"))


def _other_months(ids: list[int], month: date) -> dict[int, Decimal]:
    rows = (ProgressReport.objects.filter(project_id__in=ids).exclude(month=month)
            .values("project_id").annotate(s=MoneySum(effective_figure())))
    return {r["project_id"]: r["s"] or Decimal(0) for r in rows}


def _stale_row(row: SheetRow, project: Project, report: ProgressReport | None) -> str:
    """The error of a row whose report changed (or appeared) after the sheet was shown."""
    advice = " " + _("Your input is kept; check the change, then save again to overwrite it.")
    if report is None:
        return row_error(row.row_no, "", _("%(project)s: this month's report was deleted after "
                                           "you opened the sheet.") % {"project": project.name})
    exc = StaleObjectError(ProgressReport, report.pk, row.revision)
    return format_html("{}{}", row_error(row.row_no, "", f"{project.name}: "),
                       conflict_html(exc, advice))


def save_month(user: Any, month: date, rows: list[SheetRow], submit: bool) -> SheetResult:
    """Save (as drafts) or submit the month's figures of the given projects in one
    transaction. Any refused row means nothing is written. A row that carries the
    revision its report had when the sheet was shown is refused if the report changed
    since (someone else's figures are never overwritten unseen)."""
    month = month.replace(day=1)
    result = SheetResult()
    visible = Project.objects.restrict(user, "view")
    by_id = {p.pk: p for p in visible.filter(pk__in=[r.project_id for r in rows if r.project_id])}
    by_code = {p.code: p for p in visible.filter(code__in=[r.code for r in rows if r.code])}
    picked: list[tuple[SheetRow, Project]] = []
    for row in rows:
        project = by_id.get(row.project_id) if row.project_id else by_code.get(row.code)
        if project is None or not allowed_for(user, ProgressReport, "change",
                                              chain_id=project.chain_id, town_id=project.town_id):
            result.errors.append(row_error(row.row_no, "", _(
                "project “%(project)s” is outside your permitted scope; a town reports only "
                "its own projects") % {"project": row.code or row.project_id}))
            continue
        picked.append((row, project))
    if result.errors:
        return result
    ids = [p.pk for _r, p in picked]
    existing = {r.project_id: r for r in ProgressReport.objects.filter(project_id__in=ids,
                                                                       month=month)}
    signed, others = _signed_dates(ids), _other_months(ids, month)
    today, now = timezone.localdate(), timezone.now()
    to_create: list[ProgressReport] = []
    to_update: list[ProgressReport] = []
    for row, project in picked:
        report = existing.get(project.pk)
        if not row.completed.strip():
            if report is None:  # not filled in: an error only when submitting the month
                if submit:
                    result.errors.append(row_error(row.row_no, _label("completed"), _(
                        "enter this month's figure (0 when nothing was invested)")))
                continue
            row.completed = str(report.completed)
        try:
            completed = parse_amount(row.completed)
        except ValueError as exc:
            result.errors.append(row_error(row.row_no, _label("completed"), str(exc)))
            continue
        values = {"completed": completed, "progress": row.progress.strip(),
                  "problems": row.problems.strip(), "negative_reason": row.negative_reason.strip(),
                  "overrun_acknowledged": bool(row.overrun_acknowledged)}
        if report is not None and report.status in (ReportStatus.APPROVED, ReportStatus.SUBMITTED):
            unchanged = all(getattr(report, k) == v for k, v in values.items())
            if report.status == ReportStatus.APPROVED or not can_review(user, project):
                if not unchanged:
                    result.errors.append(row_error(row.row_no, "", _(
                        "%(project)s: this month is %(status)s and cannot be changed here") % {
                        "project": project.name, "status": report.get_status_display()}))
                continue
        if row.revision is not None and row.revision != (report.revision if report else 0):
            if report is None or any(getattr(report, k) != v for k, v in values.items()):
                result.errors.append(_stale_row(row, project, report))
            continue  # stale but the same as stored: nothing to write
        candidate = report or ProgressReport(project=project, month=month)
        for key, value in values.items():
            setattr(candidate, key, value)
        errors = candidate.check_figures(
            signed=signed.get(project.pk), others=others.get(project.pk, Decimal(0)),
            total=project.total_investment, today=today,
            stored_status=report.status if report else None)
        if errors:
            for name, message in errors.items():
                column = "" if name == "__all__" else _label(name)
                result.errors.append(row_error(row.row_no, column, f"{project.name}: {message}"))
            continue
        if submit:
            candidate.status = ReportStatus.SUBMITTED
            candidate.submitted_at, candidate.submitted_by = now, user
            result.submitted += 1
        elif candidate.status == ReportStatus.RETURNED:
            candidate.status = ReportStatus.DRAFT
        (to_update if report else to_create).append(candidate)
    if result.errors:
        return result
    try:
        with transaction.atomic():
            audited_bulk_create(ProgressReport, to_create)
            audited_bulk_update(ProgressReport, to_update, [
                *REPORT_FIELDS, "status", "submitted_at", "submitted_by"])
    except (StaleObjectError, IntegrityError):
        # Another save of the same month won the race after the rows were read.
        result.errors.append(_("Someone else saved reports of this month at the same time; "
                               "nothing was saved. Reload the sheet and try again."))
        return result
    result.created, result.updated = len(to_create), len(to_update)
    return result


def _review_check(user: Any, reports: list[ProgressReport]) -> None:
    for report in reports:
        if not can_review(user, report.project):
            raise PermissionDenied(_("Only the secretariat approves or returns monthly reports."))
        if report.status != ReportStatus.SUBMITTED:
            raise ValidationError(_("%(report)s is %(status)s, not submitted.") % {
                "report": report, "status": report.get_status_display()})


@transaction.atomic
def approve(user: Any, reports: list[ProgressReport]) -> int:
    """Approve submitted reports: the month is locked and its figure counts."""
    _review_check(user, reports)
    now = timezone.now()
    for report in reports:
        report.status, report.reviewed_at, report.reviewed_by = ReportStatus.APPROVED, now, user
        report.approved_completed, report.review_comment = report.completed, ""
    return audited_bulk_update(ProgressReport, reports, [
        "status", "reviewed_at", "reviewed_by", "approved_completed", "review_comment"])


@transaction.atomic
def return_reports(user: Any, reports: list[ProgressReport], comment: str) -> int:
    """Send submitted reports back to the town with a comment."""
    if not comment.strip():
        raise ValidationError(_("Returning a report needs a comment."))
    _review_check(user, reports)
    now = timezone.now()
    for report in reports:
        report.status, report.reviewed_at, report.reviewed_by = ReportStatus.RETURNED, now, user
        report.review_comment = comment.strip()
    return audited_bulk_update(ProgressReport, reports, [
        "status", "reviewed_at", "reviewed_by", "review_comment"])


@transaction.atomic
def amend(user: Any, report: ProgressReport, completed: Decimal, reason: str) -> ReportAmendment:
    """Propose a correction of an approved month; it takes effect when the
    secretariat approves it (`approve_amendment`), like the month itself did."""
    amendment = ReportAmendment(report=report, completed=completed, reason=reason.strip(),
                                created_by=user if getattr(user, "pk", None) else None)
    amendment.full_clean()
    amendment.save()
    return amendment


@transaction.atomic
def approve_amendment(user: Any, amendment: ReportAmendment) -> ReportAmendment:
    """Approve an amendment: its figure becomes the month's figure in roll-ups."""
    report = amendment.report
    if not can_review(user, report.project):
        raise PermissionDenied(_("Only the secretariat approves or returns monthly reports."))
    if amendment.status != AmendmentStatus.SUBMITTED:
        raise ValidationError(_("The amendment has already been decided."))
    amendment.status = AmendmentStatus.APPROVED
    amendment.reviewed_at, amendment.reviewed_by = timezone.now(), user
    amendment.save()
    report.approved_completed = amendment.completed
    report.save()
    return amendment
