"""Region pages: declared once, served by the generic object views."""

from lianzhang.core.navigation import register_link
from lianzhang.core.registry import ObjectType, register

from .api.serializers import RegionSerializer
from .filtersets import RegionFilterSet
from .forms import RegionForm, RegionImportForm
from .models import Region
from .tables import RegionTable

__all__ = ["RegionType"]


@register
class RegionType(ObjectType):
    """Regions: province → city → district → town/park."""

    model = Region
    filterset = RegionFilterSet
    table = RegionTable
    form = RegionForm
    import_form = RegionImportForm
    serializer = RegionSerializer
    natural_key = "code"

register_link("regions", 0, object_type="regions.region")
