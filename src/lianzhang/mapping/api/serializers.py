"""API serializers of the mapping app."""

from lianzhang.core.api.serializers import serializer_for

from ..models import MappingRun, NodeLink

__all__ = ["NodeLinkSerializer", "MappingRunSerializer"]

NodeLinkSerializer = serializer_for(NodeLink, [
    "enterprise", "node", "source", "status", "score", "evidence", "run", "reviewed_by",
    "reviewed_at"], read_only=["run", "reviewed_by", "reviewed_at", "evidence"])
MappingRunSerializer = serializer_for(MappingRun, [
    "chain", "full", "status", "tau_high", "tau_low", "note", "taxonomy_fingerprint", "job",
    "stats", "created"], read_only=["status", "taxonomy_fingerprint", "job", "stats"])
