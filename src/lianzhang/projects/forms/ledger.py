"""The ledger import form: one row of the offices' project ledger (项目名称, 建设地点,
所属产业链, 项目类别, 总投资(亿元), 年度计划投资(亿元), 累计完成投资, 开工时间 …).

Amounts arrive in 亿元 (`units.normalise_units` converts a file declared in 万元
first) and are stored in 万元. Stage dates go through the stage machine's checks;
累计完成投资 is exported for reading and ignored on import (it is computed)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext_lazy as _

from lianzhang.chains.models import Chain
from lianzhang.core.forms import NaturalKeyChoiceField, ScopedModelForm
from lianzhang.enterprises.fields import EnterpriseField, TownField
from lianzhang.enterprises.models import Park
from lianzhang.regions.models import Region

from .. import workflow
from ..choices import ProjectClass, ProjectKind, ProjectLevel, Stage
from ..models import Project, ProjectYearPlan
from ..models.ledger import from_yi

__all__ = ["LedgerForm", "LabelChoiceField", "ChainNameField", "MONEY_FIELDS", "DATE_FIELDS",
           "CANONICAL_HEADERS"]

#: Actual-date columns → stage.
DATE_FIELDS = {"signed_on": Stage.SIGNED, "started_on": Stage.STARTED,
               "completed_on": Stage.COMPLETED, "producing_on": Stage.PRODUCING,
               "in_stats_on": Stage.IN_STATS}
PLANNED_FIELDS = {"planned_start": Stage.STARTED, "planned_completion": Stage.COMPLETED}
#: Amount columns (亿元) → model field (万元); `cumulative_yi` is read-only.
MONEY_FIELDS = {"total_yi": "total_investment", "fixed_asset_yi": "fixed_asset_investment",
                "prior_yi": "prior_investment", "output_yi": "expected_output",
                "tax_yi": "expected_tax", "plan_yi": None, "cumulative_yi": None}
#: The headers the offices use; unit-free bases are what `normalise_units` matches.
CANONICAL_HEADERS = {
    "total_yi": "总投资(亿元)", "fixed_asset_yi": "固定资产投资(亿元)",
    "prior_yi": "原已计入投资(亿元)", "output_yi": "达产后年产值(亿元)",
    "tax_yi": "达产后年税收(亿元)", "plan_yi": "年度计划投资(亿元)",
    "cumulative_yi": "累计完成投资(亿元)"}
# Model fields whose errors show on a differently named ledger column.
ERROR_COLUMNS = {"town": "location", "park": "park_name", "chain": "chain_name",
                 "investor": "investor_name", "project_class": "class_name",
                 "level": "level_name", "kind": "kind_name", **{
                     v: k for k, v in MONEY_FIELDS.items() if v}}


class LabelChoiceField(forms.ChoiceField):
    """A choice typed as its value, its label in Chinese or English, or an office
    spelling from `aliases` (新建 / new / 新开工)."""

    def __init__(self, *args: Any, aliases: dict[str, str] | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.aliases = aliases or {}

    def to_python(self, value: Any) -> str:
        text = str(super().to_python(value)).strip()
        if text in self.aliases:
            return self.aliases[text]
        for key, label in self.choices:
            names = {str(key)}
            for lang in ("zh-hans", "en"):
                with translation.override(lang):
                    names.add(str(label))
            if text in names:
                return str(key)
        return text


class ChainNameField(NaturalKeyChoiceField):
    """A chain by name (as offices write it) or by code."""

    def to_python(self, value: Any) -> Chain | None:
        if value in self.empty_values:
            return None
        text = str(value).strip()
        found = self.queryset.filter(name=text).first() or self.queryset.filter(code=text).first()
        if found is None:
            raise ValidationError(self.error_messages["invalid_choice"],
                                  code="invalid_choice", params={"value": text})
        return found


class ChainNamesField(forms.CharField):
    """Several chains by name or code, `|`/、-separated."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.queryset = Chain.objects.all()

    def clean(self, value: Any) -> list[Chain]:
        text = super().clean(value) or ""
        names = [n.strip() for n in text.replace("、", "|").replace(",", "|").split("|")
                 if n.strip()]
        chains = []
        for name in names:
            found = self.queryset.filter(name=name).first() or self.queryset.filter(
                code=name).first()
            if found is None:
                raise ValidationError(_("No chain “%(name)s”.") % {"name": name})
            chains.append(found)
        return chains


def _yi_field(label: Any) -> forms.DecimalField:
    return forms.DecimalField(label=label, required=False, min_value=0, max_digits=14,
                              decimal_places=6)


class LedgerForm(ScopedModelForm):
    """One ledger row (create, or update when its 项目编号 matches)."""

    code = forms.CharField(label=_("project code"), required=False,
                           help_text=_("Empty for a new project"))
    location = TownField(queryset=Region.objects.filter(level="town"),
                         label=_("Construction location"))
    park_name = NaturalKeyChoiceField(queryset=Park.objects.all(), to_field_name="name",
                                      required=False, label=_("Park"))
    chain_name = ChainNameField(queryset=Chain.objects.all(), to_field_name="name",
                                label=_("Industrial chain"))
    secondary_chain_names = ChainNamesField(required=False, label=_("Related chains"))
    class_name = LabelChoiceField(choices=ProjectClass.choices, required=False,
                                  label=_("Project class"), aliases={
                                      "新建": "new", "新开工": "new", "续建": "continuing",
                                      "前期": "preparatory", "建成": "built", "竣工": "built"})
    level_name = LabelChoiceField(choices=ProjectLevel.choices, required=False,
                                  label=_("Project level"), aliases={
                                      "省重点": "province", "省级": "province",
                                      "市重点": "city", "市级": "city", "区县重点": "county",
                                      "县级": "county", "区级": "county"})
    kind_name = LabelChoiceField(choices=ProjectKind.choices, required=False,
                                 label=_("Investment kind"), aliases={
                                     "新项目": "new", "新引进": "new", "增资扩产": "upgrade",
                                     "技改": "upgrade", "增资": "upgrade", "技改扩建": "upgrade"})
    total_yi = _yi_field(_("Total investment (100 million yuan)"))
    fixed_asset_yi = _yi_field(_("Fixed-asset investment (100 million yuan)"))
    prior_yi = _yi_field(_("Investment counted before (100 million yuan)"))
    plan_year = forms.IntegerField(label=_("Plan year"), required=False, min_value=2000,
                                   max_value=2100)
    plan_yi = _yi_field(_("Annual planned investment (100 million yuan)"))
    cumulative_yi = forms.CharField(label=_("Cumulative completed investment (100 million yuan)"),
                                    required=False,
                                    help_text=_("Computed from approved reports; ignored on "
                                                "import"))
    signed_on = forms.DateField(label=_("Signing date"), required=False)
    planned_start = forms.DateField(label=_("Planned start date"), required=False)
    started_on = forms.DateField(label=_("Start date"), required=False)
    planned_completion = forms.DateField(label=_("Planned completion date"), required=False)
    completed_on = forms.DateField(label=_("Completion date"), required=False)
    producing_on = forms.DateField(label=_("Production date"), required=False)
    in_stats_on = forms.DateField(label=_("Date entered statistics"), required=False)
    skip_reason = forms.CharField(label=_("Reason for skipped stages"), required=False,
                                  max_length=300)
    investor_name = EnterpriseField(required=False, label=_("Investor"))
    output_yi = _yi_field(_("Expected annual output (100 million yuan)"))
    tax_yi = _yi_field(_("Expected annual tax (100 million yuan)"))

    header_aliases = {
        "项目编号": "code", "项目代码": "code", "项目名称": "name", "建设地点": "location",
        "所在镇街": "location", "镇街": "location", "所在园区": "park_name", "园区": "park_name",
        "所属产业链": "chain_name", "产业链": "chain_name", "关联产业链": "secondary_chain_names",
        "项目类别": "class_name", "项目级别": "level_name", "项目性质": "kind_name",
        "计划年度": "plan_year", "签约时间": "signed_on", "计划开工时间": "planned_start",
        "开工时间": "started_on", "计划竣工时间": "planned_completion",
        "竣工时间": "completed_on", "投产时间": "producing_on", "纳统时间": "in_stats_on",
        "跳过阶段原因": "skip_reason", "投资主体": "investor_name", "投资方": "investor_name",
        "建设内容及规模": "content", "建设内容": "content", "预计新增就业": "expected_jobs",
        "责任单位": "responsible_unit", "责任人": "responsible_person",
        "首次接洽时间": "first_contact", "线索来源": "source_ref", "存在问题": "problems",
        **{header: name for name, header in CANONICAL_HEADERS.items()},
    }

    class Meta:
        model = Project
        fields = ["code", "name", "location", "park_name", "chain_name", "secondary_chain_names",
                  "class_name", "level_name", "kind_name", "total_yi", "fixed_asset_yi",
                  "prior_yi", "plan_year", "plan_yi", "cumulative_yi", "signed_on",
                  "planned_start", "started_on", "planned_completion", "completed_on",
                  "producing_on", "in_stats_on", "skip_reason", "investor_name", "content",
                  "output_yi", "tax_yi", "expected_jobs", "responsible_unit",
                  "responsible_person", "first_contact", "source_ref", "problems"]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["total_yi"].required = True
        self.order_fields(self._meta.fields)  # the export's column order

    def given(self, name: str) -> bool:
        """Whether the row has the column (an update leaves absent columns alone)."""
        return self.instance.pk is None or name in self.data

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        project = self.instance
        direct = {"location": "town", "park_name": "park", "chain_name": "chain",
                  "investor_name": "investor"}
        for name, attr in direct.items():
            if self.given(name) and name in data:
                setattr(project, attr, data[name])
        for name, attr, default in (("class_name", "project_class", ProjectClass.NEW),
                                    ("level_name", "level", ProjectLevel.CITY),
                                    ("kind_name", "kind", ProjectKind.NEW)):
            if self.given(name) and name in data:
                setattr(project, attr, data[name] or default)
        for name, attr in MONEY_FIELDS.items():
            if attr and self.given(name) and name in data:
                value = from_yi(data[name])
                setattr(project, attr, value if value is not None or attr in (
                    "fixed_asset_investment", "expected_output", "expected_tax") else 0)
        self._check_dates(data)
        return data

    def _dates(self, data: dict[str, Any], fields: dict[str, str], current: dict[str, Any]
               ) -> dict[str, Any]:
        merged = dict(current)
        for name, stage in fields.items():
            if self.given(name) and name in data:
                merged[stage] = data[name]
        return merged

    def _check_dates(self, data: dict[str, Any]) -> None:
        rows = list(self.instance.stages.all()) if self.instance.pk else []
        self.actual = self._dates(data, DATE_FIELDS, {r.stage: r.actual_date for r in rows})
        self.planned = self._dates(data, PLANNED_FIELDS, {r.stage: r.planned_date for r in rows})
        message = workflow.check_history(self.actual, data.get("skip_reason") or "")
        if message:
            self.add_error(None, message)
        message = workflow.check_planned_order(self.planned)
        if message:
            self.add_error("planned_completion" if "planned_completion" in self.data else None,
                           message)
        plan = from_yi(data.get("plan_yi"))
        total = self.instance.total_investment
        if plan is not None and total is not None and plan > total:
            self.add_error("plan_yi", _("The annual plan exceeds the project's total "
                                        "investment."))

    def _update_errors(self, errors: ValidationError) -> None:
        # Model errors name model fields; show them on the ledger column they came from.
        error_dict = getattr(errors, "error_dict", {NON_FIELD_ERRORS: errors.error_list})
        mapped: dict[str, list] = {}
        for name, messages in error_dict.items():
            target = ERROR_COLUMNS.get(name, name)
            target = target if target in self.fields else NON_FIELD_ERRORS
            mapped.setdefault(target, []).extend(messages)
        super()._update_errors(ValidationError(mapped))

    @transaction.atomic
    def save(self, commit: bool = True) -> Project:
        project = super().save(commit=True)
        if self.given("secondary_chain_names"):
            project.secondary_chains.set(self.cleaned_data.get("secondary_chain_names") or [])
        plan = from_yi(self.cleaned_data.get("plan_yi"))
        if self.given("plan_yi") and plan is not None:
            year = self.cleaned_data.get("plan_year") or timezone.localdate().year
            row = ProjectYearPlan.objects.filter(project=project, year=year).first()
            if row is None:
                ProjectYearPlan.objects.create(project=project, year=year,
                                               planned_investment=plan)
            elif row.planned_investment != plan:
                row.planned_investment = plan
                row.save()
        workflow.set_planned(project, {s: d for s, d in self.planned.items()
                                       if s in PLANNED_FIELDS.values()})
        workflow.set_history(project, self.actual, self.cleaned_data.get("skip_reason") or "")
        return project
