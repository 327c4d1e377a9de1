"""Forms for regions: the edit form and the import form (parent by code)."""

from django.utils.translation import gettext_lazy as _

from lianzhang.chains.models import Chain
from lianzhang.core.forms import NaturalKeyChoiceField, ScopedModelForm

from .models import Region

__all__ = ["RegionForm", "RegionImportForm"]

FIELDS = ["name", "code", "level", "parent", "main_chain", "main_industry", "description"]


class RegionForm(ScopedModelForm):
    """Create or edit a region."""

    class Meta:
        model = Region
        fields = FIELDS


class RegionImportForm(ScopedModelForm):
    """One import row: the parent and the main chain are given by their codes."""

    parent = NaturalKeyChoiceField(queryset=Region.objects.all(), to_field_name="code",
                                   required=False, label=_("parent"))
    main_chain = NaturalKeyChoiceField(queryset=Chain.objects.all(), to_field_name="code",
                                       required=False, label=_("main chain"))
    header_aliases = {"名称": "name", "区划代码": "code", "级别": "level",
                      "上级区划代码": "parent", "主导产业链": "main_chain",
                      "一镇一业": "main_industry", "说明": "description",
                      "parent_code": "parent"}

    class Meta:
        model = Region
        fields = FIELDS
