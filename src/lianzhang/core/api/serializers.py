"""Serializer bases: related-object fields are limited to the user's scope."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError as DjangoValidationError
from rest_framework import serializers

__all__ = ["ObjectSerializer", "serializer_for"]


REVISION_HELP = ("The object's revision: 1 when created, one more with every recorded "
                 "change. Send the revision you read with PUT or PATCH to have the write "
                 "refused (409) if someone changed the object since; omit it to write "
                 "regardless. Ignored on create.")


class ObjectSerializer(serializers.ModelSerializer):
    """ModelSerializer with a `url`-free `display` string, scoped related fields and
    the object's `revision` (optimistic locking: a revision sent with an update is the
    one the write expects, checked by the save itself)."""

    display = serializers.SerializerMethodField()
    revision = serializers.IntegerField(required=False, min_value=1, max_value=2**31 - 1,
                                        help_text=REVISION_HELP)

    def get_field_names(self, declared_fields: Any, info: Any) -> list[str]:
        """The declared fields plus `revision` for change-logged models."""
        names = list(super().get_field_names(declared_fields, info))
        model_fields = {f.name for f in self.Meta.model._meta.concrete_fields}
        if "revision" in model_fields and "revision" not in names:
            names.insert(names.index("display") + 1 if "display" in names else 0, "revision")
        return names

    def create(self, validated_data: dict[str, Any]) -> Any:
        """A new object starts at revision 1 whatever was sent."""
        validated_data.pop("revision", None)
        return super().create(validated_data)

    def get_display(self, obj: Any) -> str:
        """The object's display name."""
        return str(obj)

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        """Run the model's own `clean()` rules, so the API cannot store what a form
        would refuse (one validation path)."""
        attrs = super().validate(attrs)
        model = self.Meta.model
        m2m = {f.name for f in model._meta.many_to_many}
        instance = self.instance or model()
        if self.instance is not None:
            import copy

            instance = copy.copy(self.instance)
        for key, value in attrs.items():
            if key not in m2m:
                setattr(instance, key, value)
        try:
            instance.full_clean(exclude=list(m2m), validate_unique=False)
        except DjangoValidationError as exc:
            raise serializers.ValidationError(exc.message_dict if hasattr(exc, "error_dict")
                                              else {"non_field_errors": exc.messages})
        return attrs

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


def serializer_for(model: type, fields: list[str], read_only: tuple[str, ...] | list[str] = ()
                   ) -> type[ObjectSerializer]:
    """A declared `ObjectSerializer` subclass for `model` with `id`, `display` and
    `fields` (saves a class statement per model; behaviour is the base class's)."""
    meta = type("Meta", (), {"model": model, "fields": ["id", "display", *fields],
                             "read_only_fields": list(read_only)})
    return type(f"{model.__name__}Serializer", (ObjectSerializer,), {
        "Meta": meta, "__doc__": f"{model.__name__} over the API."})
