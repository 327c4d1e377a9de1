"""API serializers for regions."""

from lianzhang.core.api.serializers import ObjectSerializer

from ..models import Region

__all__ = ["RegionSerializer"]


class RegionSerializer(ObjectSerializer):
    """A region over the API (parent and main chain by id)."""

    class Meta:
        model = Region
        fields = ["id", "display", "name", "code", "level", "parent", "main_chain",
                  "main_industry", "description", "created", "last_updated"]
