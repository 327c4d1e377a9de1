"""Home page, health check, the global audit list and job pages."""

from __future__ import annotations

import logging

from django import forms
from django.contrib import messages
from django.contrib.auth import get_user_model
from django.contrib.auth.decorators import login_not_required
from django.core.exceptions import PermissionDenied
from django.db import connection
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST, require_safe

from ..audit_access import can_view_audit_log, can_view_change, visible_changes
from ..filtersets import ObjectChangeFilterSet
from ..job_explain import job_explanation
from ..jobs import live_state, request_cancel, result_items
from ..models import Job, ObjectChange
from ..params import QueryForm, list_query, paginate, parse_query
from ..permissions import firm_user_enterprises, is_system_admin
from ..reaper import reap_job
from ..tables import ObjectChangeTable
from ..worker import worker_alive

__all__ = ["home", "healthz", "audit_list", "audit_detail", "job_detail", "job_progress",
           "job_cancel", "job_list"]

logger = logging.getLogger(__name__)


def home(request: HttpRequest) -> HttpResponse:
    """Figures from the database, limited to what the user may see; an enterprise
    user's home is its own firm."""
    firms = firm_user_enterprises(request.user)
    if firms is not None:
        if len(firms) == 1:
            return redirect("enterprises:enterprise", pk=next(iter(firms)))
        return redirect("enterprises:enterprise_list")
    from lianzhang.chains.models import Chain
    from lianzhang.regions.choices import RegionLevel
    from lianzhang.regions.models import Region

    towns = Region.objects.restrict(request.user, "view").filter(level=RegionLevel.TOWN)
    chains = Chain.objects.restrict(request.user, "view")
    users = get_user_model().objects.filter(is_active=True)
    # Auditors see everyone's changes; other users see their own.
    changes = visible_changes(request.user) if can_view_audit_log(request.user) else (
        ObjectChange.objects.filter(user=request.user).select_related("content_type"))
    return render(request, "core/home.html", {
        "town_count": towns.count(),
        "towns": towns.select_related("main_chain")[:20],
        "chain_count": chains.count(),
        "user_count": users.count(),
        "change_count": changes.count(),
        "recent_changes": changes[:10],
        "jobs": Job.objects.filter(user=request.user)[:5],
    })


@login_not_required
@require_safe
@never_cache
def healthz(request: HttpRequest) -> JsonResponse:
    """For load balancers and monitors, without a login: 200 when the database answers,
    503 otherwise; and whether a background worker beat in the last minute (a dead
    worker does not take the web server out of rotation, so it does not change the
    status code). Why the database failed goes to the server log only: an exception's
    text can name hosts, users, paths and queries."""
    database = "ok"
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except Exception:  # report, don't crash the monitor
        logger.exception("health check: the database does not answer")
        database = "error"
    return JsonResponse({"status": "ok" if database == "ok" else "error", "database": database,
                         "worker": "ok" if worker_alive() else "down"},
                        status=200 if database == "ok" else 503)


@require_safe
def audit_list(request: HttpRequest) -> HttpResponse:
    """Every change record, filterable by user, model, action and time."""
    if not can_view_audit_log(request.user):
        raise PermissionDenied
    filterset = ObjectChangeFilterSet(request.GET or None, queryset=visible_changes(request.user))
    params, errors = list_query(request, filterset)
    if errors:
        return render(request, "core/audit_list.html", {
            "filter_form": filterset.form, "query_errors": errors}, status=400)
    rows = filterset.qs if filterset.is_bound else visible_changes(request.user)
    table = paginate(request, ObjectChangeTable(rows), params)
    return render(request, "core/audit_list.html", {"table": table, "filter_form": filterset.form})


@require_safe
def audit_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """One change record with its before/after diff (for auditors, and for whoever
    may view the object the record belongs to)."""
    change = get_object_or_404(ObjectChange.objects.select_related("user", "content_type"),
                               pk=pk)
    if not can_view_change(request.user, change):
        raise Http404
    return render(request, "core/audit_detail.html", {"change": change})


def _job_for(request: HttpRequest, pk: int) -> Job:
    job = get_object_or_404(Job, pk=pk)
    if job.user_id != request.user.pk and not is_system_admin(request.user):
        raise PermissionDenied
    # Looking at a job is one of the moments a dead worker's job is found and ended.
    reap_job(job)
    return job


def job_list(request: HttpRequest) -> HttpResponse:
    """The user's own jobs (all jobs for administrators)."""
    jobs = Job.objects.all() if is_system_admin(request.user) else Job.objects.filter(
        user=request.user)
    for job in jobs.filter(status=Job.Status.RUNNING):
        reap_job(job)
    return render(request, "core/job_list.html", {"jobs": jobs.select_related("user")[:100]})


def _job_context(request: HttpRequest, job: Job) -> dict:
    return {"job": job, "live": live_state(job), "result": result_items(job),
            "explanation": job_explanation(job),
            "audit_url": f"{reverse('core:audit')}?request_id={job.request_id}"
            if job.request_id and can_view_audit_log(request.user) else ""}


def job_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """The job page with a live progress bar."""
    job = _job_for(request, pk)
    return render(request, "core/job.html", _job_context(request, job))


class ProgressQuery(QueryForm):
    """`poll`: the page polls the bar and wants one reload when the job finishes."""

    poll = forms.BooleanField()


def job_progress(request: HttpRequest, pk: int) -> HttpResponse:
    """HTMX fragment polled by the progress bar (JSON when asked for). When a job that
    was being polled (`?poll=1`) has finished, the page around the bar is reloaded once,
    so figures the job wrote (a run's statistics, new links) show without a manual refresh."""
    job = _job_for(request, pk)
    live = live_state(job)
    if request.headers.get("Accept", "").startswith("application/json"):
        return JsonResponse({"status": job.status, **live, "result": job.result,
                             "outcome": job.outcome, "explanation": job_explanation(job)})
    response = render(request, "core/job_progress.html", _job_context(request, job))
    poll = parse_query(request, ProgressQuery)["poll"]
    if job.is_finished and poll and request.headers.get("HX-Request"):
        response["HX-Refresh"] = "true"
    return response


@require_POST
def job_cancel(request: HttpRequest, pk: int) -> HttpResponse:
    """Cancel a job in any state: a pending one (or one whose worker died) ends now; a
    running one stops at its next step and rolls back or undoes what it wrote."""
    job = _job_for(request, pk)
    outcome = request_cancel(job)
    if outcome == "cancelled":
        messages.success(request, _("The job was cancelled."))
    elif outcome == "requested":
        messages.info(request, _("Cancelling: the job stops at its next step and undoes "
                                 "what it wrote."))
    else:
        messages.warning(request, _("The job had already ended; nothing to cancel."))
    return redirect(job.get_absolute_url())
