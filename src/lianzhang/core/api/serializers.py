"""Serializer bases: related-object fields are limited to the user's scope."""

from __future__ import annotations

from typing import Any

from rest_framework import serializers

__all__ = ["ObjectSerializer"]


class ObjectSerializer(serializers.ModelSerializer):
    """ModelSerializer with a `url`-free `display` string and scoped related fields."""

    display = serializers.SerializerMethodField()

    def get_display(self, obj: Any) -> str:
        """The object's display name."""
        return str(obj)

    def get_fields(self) -> dict[str, Any]:
        fields = super().get_fields()
        request = self.context.get("request")
        user = getattr(request, "user", None)
        for field in fields.values():
            target = getattr(field, "child_relation", field)
            queryset = getattr(target, "queryset", None)
            if queryset is not None and hasattr(queryset, "restrict"):
                target.queryset = queryset.restrict(user, "view")
        return fields
