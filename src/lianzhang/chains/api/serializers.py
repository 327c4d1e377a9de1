"""API serializers for chains."""

from lianzhang.core.api.serializers import ObjectSerializer

from ..models import Chain

__all__ = ["ChainSerializer"]


class ChainSerializer(ObjectSerializer):
    """A chain over the API."""

    class Meta:
        model = Chain
        fields = ["id", "display", "name", "code", "category", "description", "created",
                  "last_updated"]
