"""Forms of the projects app: edit forms of the object types (also their import
forms, except the project, whose import form is the ledger's, `forms.ledger`)."""

from __future__ import annotations

import datetime
import re
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext_lazy as _

from lianzhang.chains.models import Chain, ChainNode
from lianzhang.core.forms import (
    NaturalKeyChoiceField,
    NaturalKeyMultipleChoiceField,
    RevisionField,
    ScopedModelForm,
    style_widgets,
)
from lianzhang.core.params import MAX_YEAR, MIN_YEAR
from lianzhang.enterprises.fields import EnterpriseField, TownField
from lianzhang.enterprises.models import Park
from lianzhang.regions.models import Region

from ..choices import LIVE_STAGES, AmendmentStatus, ReportStatus, Stage
from ..models import ProgressReport, Project, ProjectStage, ProjectYearPlan, ReportAmendment

__all__ = ["MonthField", "ProjectForm", "ProjectYearPlanForm", "ProjectStageForm",
           "ProgressReportForm", "ReportAmendmentForm", "TransitionForm"]

MONTH_RE = re.compile(r"^\s*(\d{4})\s*(?:[-/.年])\s*(\d{1,2})\s*(?:月)?(?:[-/.]\s*(\d{1,2}))?\s*$")


def parse_month(text: str) -> datetime.date | None:
    """`2026-03`, `2026/3`, `2026年3月` or a full date → the month's first day (None
    for anything else, or a year outside 1900–2100)."""
    match = MONTH_RE.match(text or "")
    if not match:
        return None
    year, month = int(match.group(1)), int(match.group(2))
    if not (1 <= month <= 12 and MIN_YEAR <= year <= MAX_YEAR):
        return None
    return datetime.date(year, month, 1)


class MonthField(forms.DateField):
    """A month typed as offices write it; stored as its first day."""

    widget = forms.DateInput(attrs={"type": "month"}, format="%Y-%m")

    def to_python(self, value: Any) -> datetime.date | None:
        if value in self.empty_values:
            return None
        if isinstance(value, datetime.date):
            return value.replace(day=1)
        month = parse_month(str(value))
        if month is None:
            raise ValidationError(_("“%(value)s” is not a month (YYYY-MM)."),
                                  params={"value": value}, code="invalid")
        return month

    def prepare_value(self, value: Any) -> Any:
        return value.strftime("%Y-%m") if isinstance(value, datetime.date) else value


def _date_widget() -> forms.DateInput:
    return forms.DateInput(attrs={"type": "date"})


class ProjectForm(ScopedModelForm):
    """A project in the UI (money in 万元); the ledger import has its own form."""

    chain = NaturalKeyChoiceField(queryset=Chain.objects.all(), to_field_name="code",
                                  label=_("chain"))
    secondary_chains = NaturalKeyMultipleChoiceField(
        queryset=Chain.objects.all(), to_field_name="code", required=False,
        label=_("secondary chains"))
    nodes = forms.ModelMultipleChoiceField(queryset=ChainNode.objects.filter(
        map__status="published"), required=False, label=_("chain nodes"))
    town = TownField(queryset=Region.objects.filter(level="town"), label=_("town"))
    park = NaturalKeyChoiceField(queryset=Park.objects.all(), to_field_name="name",
                                 required=False, label=_("park"))
    investor = EnterpriseField(required=False, label=_("investor"))

    class Meta:
        model = Project
        fields = ["name", "kind", "prior_investment", "chain", "secondary_chains", "nodes",
                  "town", "park", "investor", "project_class", "level", "total_investment",
                  "fixed_asset_investment", "content", "expected_output", "expected_tax",
                  "expected_jobs", "responsible_unit", "responsible_person", "source_ref",
                  "first_contact", "problems", "description"]
        widgets = {"first_contact": _date_widget()}


class ProjectYearPlanForm(ScopedModelForm):
    """A project's planned investment for one year."""

    project = NaturalKeyChoiceField(queryset=Project.objects.all(), to_field_name="code",
                                    label=_("key project"))

    class Meta:
        model = ProjectYearPlan
        fields = ["project", "year", "planned_investment"]


class ProjectStageForm(ScopedModelForm):
    """A stage's planned date and note. Actual dates move only through the stage
    transition (`workflow.advance`), never through this form."""

    project = NaturalKeyChoiceField(queryset=Project.objects.all(), to_field_name="code",
                                    label=_("key project"))
    stage = forms.ChoiceField(choices=[(s, Stage(s).label) for s in LIVE_STAGES[1:]],
                              label=_("stage"))

    class Meta:
        model = ProjectStage
        fields = ["project", "stage", "planned_date", "note"]
        widgets = {"planned_date": _date_widget()}


class ProgressReportForm(ScopedModelForm):
    """One month's report (the monthly sheet is the usual way in; this form serves
    single edits, the API's rules and imports). Submitted reports wait for review;
    approved ones are locked (the model refuses)."""

    project = NaturalKeyChoiceField(queryset=Project.objects.all(), to_field_name="code",
                                    label=_("key project"))
    month = MonthField(label=_("month"))

    class Meta:
        model = ProgressReport
        fields = ["project", "month", "completed", "progress", "problems", "negative_reason",
                  "overrun_acknowledged"]

    def clean(self) -> dict[str, Any]:
        from ..reporting import can_review

        data = super().clean()
        stored = self.instance.status if self.instance.pk else None
        if stored == ReportStatus.SUBMITTED and not can_review(self.user, self.instance.project):
            raise ValidationError(_("The report is submitted and waits for review; it cannot "
                                    "be changed now."))
        return data


class ReportAmendmentForm(ScopedModelForm):
    """A correction of an approved month, saved through `reporting.amend`; it counts
    once the secretariat approves it."""

    report = forms.ModelChoiceField(queryset=ProgressReport.objects.filter(
        status=ReportStatus.APPROVED).select_related("project"), label=_("progress report"))

    class Meta:
        model = ReportAmendment
        fields = ["report", "completed", "reason"]

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        if self.instance.pk and self.instance.status != AmendmentStatus.SUBMITTED:
            raise ValidationError(_("The amendment has already been decided."))
        return data

    @transaction.atomic
    def save(self, commit: bool = True) -> ReportAmendment:
        if self.instance.pk:
            return super().save(commit)
        from ..reporting import amend

        return amend(self.user, self.cleaned_data["report"], self.cleaned_data["completed"],
                     self.cleaned_data["reason"])


class TransitionForm(forms.Form):
    """Move a project to a later stage (or terminate it) on a date, with a reason
    when stages are passed over or the project ends."""

    stage = forms.ChoiceField(choices=[(s, Stage(s).label) for s in (*LIVE_STAGES[1:],
                                                                     Stage.TERMINATED)],
                              label=_("stage"))
    on = forms.DateField(label=_("date"), widget=_date_widget())
    reason = forms.CharField(label=_("reason"), required=False, max_length=300)
    # The project's revision when the page was shown: a move decided on a stale page
    # is refused (the project changed meanwhile).
    revision = RevisionField()

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        style_widgets(self)  # the detail page renders the stage select on its own
