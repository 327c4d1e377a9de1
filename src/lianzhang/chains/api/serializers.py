"""API serializers of the chains app."""

from lianzhang.core.api.serializers import serializer_for as _serializer

from ..models import Chain, ChainMaster, ChainNode, ChainRole, MapVersion

__all__ = ["ChainSerializer", "ChainRoleSerializer", "ChainMasterSerializer",
           "MapVersionSerializer", "ChainNodeSerializer"]



ChainSerializer = _serializer(Chain, ["name", "code", "category", "description", "created",
                                      "last_updated"])
ChainRoleSerializer = _serializer(ChainRole, ["chain", "role", "person", "unit", "title", "phone",
                                              "since", "until"])
ChainMasterSerializer = _serializer(ChainMaster, ["chain", "enterprise", "since", "criteria"])
MapVersionSerializer = _serializer(MapVersion, [
    "chain", "version", "status", "based_on", "published_at", "published_by", "note"],
    read_only=["version", "status", "based_on", "published_at", "published_by"])
ChainNodeSerializer = _serializer(ChainNode, [
    "map", "parent", "key", "name", "segment", "level", "position", "keywords",
    "negative_keywords", "industry_codes", "weight", "is_core", "description"],
    read_only=["key", "level"])
