"""The secretariat's review of a month: submitted reports by town (approve, or return
with a comment), amendments waiting for approval, and the towns still missing."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from chainkit.projects import add_months
from lianzhang.core.locking import StaleObjectError, check_revision, conflict_html
from lianzhang.core.params import QueryForm, parse_id, parse_query
from lianzhang.core.permissions import user_can

from .. import workflow
from ..choices import AmendmentStatus, ReportStatus
from ..forms import MonthField, TransitionForm, parse_month
from ..models import ProgressReport, Project, ReportAmendment, month_label
from ..reminders import due_date, missing_reports
from ..reporting import approve, approve_amendment, is_reviewer, return_reports

__all__ = ["review", "transition"]


def _render(request: HttpRequest, month, error: str = "", status: int = 200,
            confirm: dict | None = None) -> HttpResponse:
    reports = (ProgressReport.objects.restrict(request.user, "view")
               .filter(month=month, status=ReportStatus.SUBMITTED)
               .select_related("project", "project__town").order_by("project__town__code",
                                                                    "project__code"))
    by_town: dict = {}
    for report in reports:
        by_town.setdefault(report.project.town, []).append(report)
    amendments = (ReportAmendment.objects.restrict(request.user, "view")
                  .filter(status=AmendmentStatus.SUBMITTED)
                  .select_related("report", "report__project"))
    missing = missing_reports(month, Project.objects.restrict(request.user, "view"))
    reviewer = is_reviewer(request.user)
    return render(request, "projects/review.html", {
        "month": month, "month_text": month_label(month), "by_town": by_town,
        "amendments": amendments, "missing": missing, "due": due_date(month),
        "prev_month": add_months(month, -1), "next_month": add_months(month, 1),
        "error": error, "reviewer": reviewer, "confirm": confirm}, status=status)


class MonthQuery(QueryForm):
    """The month a page shows (default: last month)."""

    month = MonthField()


def review(request: HttpRequest) -> HttpResponse:
    """GET: the month's review page; POST: approve or return reports (all of a town's
    submitted reports, or the ticked ones), or approve an amendment."""
    if not user_can(request.user, ProgressReport, "view"):
        raise PermissionDenied
    month = parse_query(request, MonthQuery)["month"] or parse_month(
        request.POST.get("month", "")) or add_months(timezone.localdate(), -1)
    if request.method != "POST":
        return _render(request, month)
    action = request.POST.get("action", "")
    visible = ProgressReport.objects.restrict(request.user, "view").select_related("project")
    try:
        if action == "approve_amendment":
            amendment = get_object_or_404(ReportAmendment.objects.restrict(request.user, "view"),
                                          pk=parse_id(request.POST.get("amendment")))
            approve_amendment(request.user, amendment)
            count = 1
        else:
            chosen = visible.filter(month=month, status=ReportStatus.SUBMITTED)
            ids = [i for i in map(parse_id, request.POST.getlist("report")) if i]
            town = parse_id(request.POST.get("town"))
            chosen = chosen.filter(pk__in=ids) if ids else chosen.filter(project__town=town) \
                if town else chosen.none()
            reports = list(chosen)
            if not reports:
                raise ValidationError(_("Choose the reports to review."))
            if action == "approve" and not ids and not _town_confirmed(request, reports):
                return _confirm_town(request, month, reports)
            if action == "approve":
                count = approve(request.user, reports)
            elif action == "return":
                count = return_reports(request.user, reports, request.POST.get("comment", ""))
            else:
                raise ValidationError(_("Unknown action."))
    except PermissionDenied as exc:
        return _render(request, month, str(exc) or _("Permission denied."), status=403)
    except ValidationError as exc:
        return _render(request, month, " ".join(exc.messages), status=400)
    messages.success(request, _("%(month)s: %(count)d decided.") % {
        "month": month_label(month), "count": count})
    return redirect(reverse("projects:review") + f"?month={month:%Y-%m}")


def _town_confirmed(request: HttpRequest, reports: list[ProgressReport]) -> bool:
    """Whether the reviewer confirmed approving the whole town's batch, and the batch is
    still the one they saw (a report submitted since would not have been confirmed)."""
    return (request.POST.get("confirm_town") == "1"
            and parse_id(request.POST.get("count")) == len(reports))


def _confirm_town(request: HttpRequest, month, reports: list[ProgressReport]) -> HttpResponse:
    """Nothing ticked: approving a town's whole batch is one click too easy, so the page
    asks first, naming the town and the number of reports; nothing is approved."""
    town = reports[0].project.town
    error = _("Nothing is ticked: this would approve all %(count)d submitted reports of "
              "%(town)s for %(month)s. Confirm below, or tick the reports to approve.") % {
        "count": len(reports), "town": town, "month": month_label(month)}
    return _render(request, month, error, status=400,
                   confirm={"town": town, "count": len(reports)})


@require_POST
def transition(request: HttpRequest, pk: int) -> HttpResponse:
    """Move a project to a later stage (or terminate it); refused moves say why."""
    project = get_object_or_404(Project.objects.restrict(request.user, "change"), pk=pk)
    form = TransitionForm(request.POST)
    if not form.is_valid():
        messages.error(request, " ".join(e for errs in form.errors.values() for e in errs))
        return redirect(project.get_absolute_url())
    data = form.cleaned_data
    try:
        with transaction.atomic():
            check_revision(project, data["revision"])  # decided on what the page showed
            workflow.advance(project, data["stage"], data["on"], data["reason"] or "")
    except StaleObjectError as exc:
        messages.error(request, conflict_html(exc, " " + _("The stage was not changed.")))
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, _("%(project)s is now at %(stage)s.") % {
            "project": project, "stage": project.get_stage_display()})
    return redirect(project.get_absolute_url())
