"""Forms of the chains app."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from chainkit.chainmap import parse_codes
from chainkit.text import split_list
from lianzhang.core.forms import NaturalKeyChoiceField, ScopedModelForm
from lianzhang.enterprises.fields import EnterpriseField

from .choices import MapStatus
from .models import Chain, ChainMaster, ChainNode, ChainRole, MapVersion

__all__ = ["ChainForm", "ChainRoleForm", "ChainMasterForm", "MapVersionForm", "ChainNodeForm",
           "ListField", "MapUploadForm"]


class ListField(forms.CharField):
    """A list stored as JSON, typed as `a|b|c` (、 and , also separate)."""

    def prepare_value(self, value: Any) -> Any:
        return "|".join(value) if isinstance(value, list) else value

    def clean(self, value: Any) -> list[str]:
        text = super().clean(value) or ""
        for sep in ("、", ",", "，", "；"):
            text = text.replace(sep, "|")
        return split_list(text)


class ChainForm(ScopedModelForm):
    """Create, edit or import a chain."""

    header_aliases = {"产业链": "name", "链名称": "name", "产业链代码": "code"}

    class Meta:
        model = Chain
        fields = ["name", "code", "category", "description"]


class ChainRoleForm(ScopedModelForm):
    """A roster entry."""

    chain = NaturalKeyChoiceField(queryset=Chain.objects.all(), to_field_name="code",
                                  label=_("chain"))

    class Meta:
        model = ChainRole
        fields = ["chain", "role", "person", "unit", "title", "phone", "since", "until"]
        widgets = {"since": forms.DateInput(attrs={"type": "date"}),
                   "until": forms.DateInput(attrs={"type": "date"})}


class ChainMasterForm(ScopedModelForm):
    """A chain master; the firm is typed by name and resolved."""

    chain = NaturalKeyChoiceField(queryset=Chain.objects.all(), to_field_name="code",
                                  label=_("chain"))
    enterprise = EnterpriseField(label=_("enterprise"))

    class Meta:
        model = ChainMaster
        fields = ["chain", "enterprise", "since", "criteria"]
        widgets = {"since": forms.DateInput(attrs={"type": "date"})}


class MapVersionForm(ScopedModelForm):
    """A new draft map version (versions are numbered on publication)."""

    chain = NaturalKeyChoiceField(queryset=Chain.objects.all(), to_field_name="code",
                                  label=_("chain"))

    class Meta:
        model = MapVersion
        fields = ["chain", "note"]


class ChainNodeForm(ScopedModelForm):
    """A node of a draft map."""

    keywords = ListField(required=False, label=_("keywords"))
    negative_keywords = ListField(required=False, label=_("negative keywords"))
    industry_codes = ListField(required=False, label=_("industry codes"))

    class Meta:
        model = ChainNode
        fields = ["map", "parent", "name", "segment", "keywords", "negative_keywords",
                  "industry_codes", "weight", "is_core", "description"]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["map"].queryset = self.fields["map"].queryset.filter(status=MapStatus.DRAFT)

    def clean_industry_codes(self) -> list[str]:
        try:
            return parse_codes(self.cleaned_data.get("industry_codes") or [])
        except ValueError as exc:
            raise forms.ValidationError(str(exc))


class MapUploadForm(forms.Form):
    """Upload a map (XLSX/CSV rows with a path column, or YAML) into the draft."""

    file = forms.FileField(label=_("Map file (XLSX, CSV or YAML)"))
