"""The project stage machine (谋划 → 签约 → 开工 → 竣工 → 投产 → 纳统, or 终止), kept
small and explicit: every transition is checked here and written as audited saves of
`ProjectStage` rows and the project's `stage`.

Rules: stages only move forward; a date is never in the future nor before the date
of an earlier reached stage (so no 开工 before 签约); passing over a stage needs a
recorded reason (and the passed stages are marked skipped with it); 终止 needs a
reason and ends the machine."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from .choices import LIVE_STAGES, Stage
from .models import Project, ProjectStage

__all__ = ["advance", "terminate", "set_history", "set_planned", "check_history",
           "check_planned_order", "label"]


def label(stage: str) -> str:
    """The stage's display name."""
    return str(Stage(stage).label)


def check_planned_order(planned: Mapping[str, date | None]) -> str:
    """'' when planned dates follow the stage order, else the message."""
    previous: tuple[str, date] | None = None
    for stage in LIVE_STAGES:
        day = planned.get(stage)
        if not day:
            continue
        if previous and day < previous[1]:
            return _("The planned date of %(stage)s (%(date)s) is before that of %(prev)s "
                     "(%(prev_date)s).") % {"stage": label(stage), "date": day,
                                             "prev": label(previous[0]), "prev_date": previous[1]}
        previous = (stage, day)
    return ""


def check_history(actual: Mapping[str, date | None], reason: str = "",
                  today: date | None = None) -> str:
    """'' when a full set of actual dates is consistent, else the message: dates in
    stage order and not in the future; stages before the last reached one missing
    only with a reason."""
    today = today or timezone.localdate()
    reached = [s for s in LIVE_STAGES if actual.get(s)]
    if not reached:
        return ""
    previous: tuple[str, date] | None = None
    for stage in reached:
        day = actual[stage]
        if day > today:
            return _("The date of %(stage)s (%(date)s) is in the future.") % {
                "stage": label(stage), "date": day}
        if previous and day < previous[1]:
            return _("The date of %(stage)s (%(date)s) is before the date of %(prev)s "
                     "(%(prev_date)s).") % {"stage": label(stage), "date": day,
                                            "prev": label(previous[0]), "prev_date": previous[1]}
        previous = (stage, day)
    top = LIVE_STAGES.index(reached[-1])
    missing = [s for s in LIVE_STAGES[1:top] if not actual.get(s)]
    if missing and not reason.strip():
        return _skip_message(reached[-1], missing)
    return ""


def _skip_message(target: str, missing: list[str]) -> str:
    if Stage.SIGNED in missing:
        return _("A project cannot reach %(stage)s before it is signed; record the reason "
                 "if signing is really skipped.") % {"stage": label(target)}
    return _("Reaching %(stage)s skips %(skipped)s; record the reason.") % {
        "stage": label(target), "skipped": "、".join(label(s) for s in missing)}


def _row(project: Project, stage: str) -> ProjectStage:
    return ProjectStage.objects.filter(project=project, stage=stage).first() or ProjectStage(
        project=project, stage=stage)


def _save_row(row: ProjectStage, **values: object) -> None:
    changed = [k for k, v in values.items() if getattr(row, k) != v]
    for key in changed:
        setattr(row, key, values[key])
    if row.pk is None or changed:
        row.save()


@transaction.atomic
def advance(project: Project, stage: str, on: date, reason: str = "") -> Project:
    """Move `project` forward to `stage` reached on `on` (ValidationError if not allowed)."""
    if project.stage == Stage.TERMINATED:
        raise ValidationError(_("The project is terminated; its stage cannot change."))
    if stage == Stage.TERMINATED:
        return terminate(project, on, reason)
    if stage not in LIVE_STAGES:
        raise ValidationError(_("Unknown stage “%(stage)s”.") % {"stage": stage})
    current = LIVE_STAGES.index(project.stage)
    target = LIVE_STAGES.index(stage)
    if target <= current:
        raise ValidationError(_("The project is already at %(current)s; it cannot move to "
                                "%(stage)s.") % {"current": label(project.stage),
                                                 "stage": label(stage)})
    actual = {s.stage: s.actual_date for s in project.stages.all() if s.actual_date}
    actual[stage] = on
    reached_before = {s: d for s, d in actual.items() if s != stage}
    skipped = [s for s in LIVE_STAGES[current + 1:target] if s not in reached_before]
    message = check_history(actual, reason)
    if message:
        raise ValidationError(message)
    for name in skipped:
        _save_row(_row(project, name), skipped=True, reason=reason)
    _save_row(_row(project, stage), actual_date=on, reason=reason if skipped else "")
    project.stage = stage
    project.save()
    return project


@transaction.atomic
def terminate(project: Project, on: date, reason: str) -> Project:
    """End the project (终止) with a reason; its history stays."""
    if project.stage == Stage.TERMINATED:
        raise ValidationError(_("The project is already terminated."))
    if not (reason or "").strip():
        raise ValidationError(_("Terminating a project needs a reason."))
    if on > timezone.localdate():
        raise ValidationError(_("The date of %(stage)s (%(date)s) is in the future.") % {
            "stage": label(Stage.TERMINATED), "date": on})
    _save_row(_row(project, Stage.TERMINATED), actual_date=on, reason=reason.strip())
    project.stage = Stage.TERMINATED
    project.save()
    return project


@transaction.atomic
def set_history(project: Project, actual: Mapping[str, date | None], reason: str = "") -> Project:
    """Set every live stage's actual date at once (ledger imports, corrections by the
    secretariat): the same checks as `advance`; stages without a date are cleared."""
    message = check_history(actual, reason)
    if message:
        raise ValidationError(message)
    rows = {s.stage: s for s in project.stages.all()}
    reached = [s for s in LIVE_STAGES if actual.get(s)]
    top = LIVE_STAGES.index(reached[-1]) if reached else 0
    any_skipped = any(not actual.get(s) for s in LIVE_STAGES[1:top])
    for index, stage in enumerate(LIVE_STAGES[1:], start=1):
        day = actual.get(stage)
        skipped = index < top and not day
        row = rows.get(stage)
        if row is None and not day and not skipped:
            continue
        why = reason if skipped or (index == top and any_skipped) else ""
        _save_row(row or ProjectStage(project=project, stage=stage), actual_date=day,
                  skipped=skipped, reason=why)
    if project.stage != Stage.TERMINATED:
        new_stage = LIVE_STAGES[top]
        if project.stage != new_stage:
            project.stage = new_stage
            project.save()
    return project


@transaction.atomic
def set_planned(project: Project, planned: Mapping[str, date | None]) -> None:
    """Set planned dates of the given stages (checked for order with the others)."""
    rows = {s.stage: s for s in project.stages.all()}
    merged = {s: r.planned_date for s, r in rows.items()}
    merged.update(planned)
    message = check_planned_order(merged)
    if message:
        raise ValidationError(message)
    for stage, day in planned.items():
        row = rows.get(stage)
        if row is None and not day:
            continue
        _save_row(row or ProjectStage(project=project, stage=stage), planned_date=day)
