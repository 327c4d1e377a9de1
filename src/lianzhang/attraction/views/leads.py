"""Lead actions: move to a stage (lead page and kanban), record an activity, the
overdue list and the secretariat's duplicate flags."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from lianzhang.core.locking import StaleObjectError, check_revision, conflict_html, conflict_text
from lianzhang.core.params import parse_id
from lianzhang.core.permissions import user_can

from ..choices import FlagStatus
from ..forms import MoveForm
from ..models import DuplicateFlag, Lead, LeadActivity
from ..services.deadlines import deadlines, overdue
from ..services.duplicates import resolve_flag
from ..services.leads import LeadMoveError, move, stage_label

__all__ = ["lead_move", "lead_activity", "overdue_list", "duplicates", "lead_convert"]


def _wants_json(request: HttpRequest) -> bool:
    return "application/json" in request.headers.get("Accept", "") or bool(
        request.headers.get("HX-Request"))


@require_POST
def lead_move(request: HttpRequest, pk: int) -> HttpResponse:
    """Move a lead to a stage; the rules are checked here, on the server, whatever the
    board's drag and drop allowed. JSON for the board, a redirect for the page."""
    if not user_can(request.user, Lead, "change"):
        raise PermissionDenied
    lead = get_object_or_404(Lead.objects.restrict(request.user, "change"), pk=pk)
    form = MoveForm(request.POST)
    error, stale = "", None
    if form.is_valid():
        data = form.cleaned_data
        try:
            with transaction.atomic():
                check_revision(lead, data["revision"])  # the card was not stale
                move(lead, data["stage"], request.user, data["reason"], data["date"],
                     data["investment"], skipped=form.skipped_dates())
        except LeadMoveError as exc:
            error = " ".join(exc.messages)
        except StaleObjectError as exc:
            stale, error = exc, conflict_text(exc, " " + _("The lead was not moved; reload "
                                                           "the page to see its stage now."))
    else:
        error = " ".join(e for errs in form.errors.values() for e in errs)
    if _wants_json(request):
        if error:
            return JsonResponse({"ok": False, "error": error}, status=409 if stale else 400)
        return JsonResponse({"ok": True, "stage": lead.stage, "label": stage_label(lead.stage),
                             "revision": lead.revision})
    if stale is not None:
        messages.error(request, conflict_html(stale, " " + _("The lead was not moved.")))
    elif error:
        messages.error(request, error)
    else:
        messages.success(request, _("Moved to %(stage)s.") % {"stage": stage_label(lead.stage)})
    return redirect(lead.get_absolute_url())


@require_POST
def lead_activity(request: HttpRequest, pk: int) -> HttpResponse:
    """Record a visit, call or meeting on the lead page."""
    if not user_can(request.user, LeadActivity, "add"):
        raise PermissionDenied
    lead = get_object_or_404(Lead.objects.restrict(request.user, "change"), pk=pk)
    kind, date = request.POST.get("kind", ""), request.POST.get("date", "")
    activity = LeadActivity(lead=lead, kind=kind, date=date or None,
                            notes=request.POST.get("notes", ""), user=request.user)
    try:
        activity.full_clean()
    except Exception as exc:  # ValidationError: say what is wrong, write nothing
        messages.error(request, " ".join(getattr(exc, "messages", [str(exc)])))
    else:
        with transaction.atomic():
            activity.save()
        messages.success(request, _("Activity recorded."))
    return redirect(lead.get_absolute_url())


def overdue_list(request: HttpRequest) -> HttpResponse:
    """Open leads past a service deadline (respond, assess, follow up)."""
    if not user_can(request.user, Lead, "view"):
        raise PermissionDenied
    items = overdue(Lead.objects.restrict(request.user, "view"))
    return render(request, "attraction/overdue.html", {"items": items, "rules": deadlines()})


def duplicates(request: HttpRequest) -> HttpResponse:
    """Duplicate-lead flags for the secretariat: keep both, or mark resolved once one
    lead has been dropped."""
    if not user_can(request.user, DuplicateFlag, "view"):
        raise PermissionDenied
    flags = DuplicateFlag.objects.restrict(request.user, "view").select_related(
        "lead__enterprise", "lead__town", "lead__node", "other__town", "other__enterprise")
    if request.method == "POST":
        flag = get_object_or_404(DuplicateFlag.objects.restrict(request.user, "change"),
                                 pk=parse_id(request.POST.get("flag")))
        with transaction.atomic():
            resolve_flag(flag, request.user, request.POST.get("decision") == "keep",
                         request.POST.get("note", ""))
        messages.success(request, _("Decision recorded."))
        return redirect("attraction:duplicates")
    return render(request, "attraction/duplicates.html", {
        "flags": flags, "open": flags.filter(status=FlagStatus.OPEN).count(),
        "can_change": user_can(request.user, DuplicateFlag, "change")})


@require_POST
def lead_convert(request: HttpRequest, pk: int) -> HttpResponse:
    """转为项目: a signed lead becomes a key project (needs the right to add projects)."""
    from lianzhang.projects.models import Project

    from ..services.lineage import ConversionRefused, convert_to_project

    if not (user_can(request.user, Lead, "change") and user_can(request.user, Project, "add")):
        raise PermissionDenied
    lead = get_object_or_404(Lead.objects.restrict(request.user, "change"), pk=pk)
    try:
        with transaction.atomic():
            project = convert_to_project(lead, request.user)
            if not Project.objects.restrict(request.user, "add").filter(pk=project.pk).exists():
                raise PermissionDenied
    except ConversionRefused as exc:
        messages.error(request, " ".join(exc.messages))
        return redirect(lead.get_absolute_url())
    messages.success(request, _("Project %(code)s created from the lead.") % {
        "code": project.code})
    return redirect(project.get_absolute_url())
