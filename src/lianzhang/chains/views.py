"""Chain pages: declared once, served by the generic object views."""

from lianzhang.core.registry import ObjectType, register

from .api.serializers import ChainSerializer
from .filtersets import ChainFilterSet
from .forms import ChainForm
from .models import Chain
from .tables import ChainTable

__all__ = ["ChainType"]


@register
class ChainType(ObjectType):
    """Key industrial chains."""

    model = Chain
    filterset = ChainFilterSet
    table = ChainTable
    form = ChainForm
    serializer = ChainSerializer
    natural_key = "code"
