"""The OpenAPI schema says what the API really answers: besides each operation's
success, the errors it gives (400 for refused parameters or data, 401/403, 404 for
an object that does not exist or is out of scope), the range of whole-number query
parameters (what a 64-bit column holds; `core.params` refuses the rest), and the object
endpoints' optimistic locking (an ETag on reads and updates, an optional If-Match on
PUT/PATCH/DELETE, the 409 and 412 answers). The schema is made once per language and
version, not on every request."""


from __future__ import annotations

import threading
from collections import OrderedDict
from typing import Any

from django.conf import settings
from django.core.signals import setting_changed
from django.utils import translation
from django.utils.translation import gettext, gettext_noop
from drf_spectacular.generators import SchemaGenerator
from drf_spectacular.openapi import AutoSchema as SpectacularAutoSchema
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse
from rest_framework import serializers

from ..params import INT64_MAX

__all__ = ["AutoSchema", "ObjectAutoSchema", "ERROR_RESPONSES", "CachedSchemaGenerator",
           "EditConflictSerializer", "RefusalSerializer"]

_DETAIL = {"type": "object", "properties": {"detail": {"type": "string"}},
           "required": ["detail"]}
#: Error answers of every operation: status → (description, body schema).
ERROR_RESPONSES: dict[str, tuple[str, dict[str, Any]]] = {
    "400": (gettext_noop("Refused query parameters or data: the messages by parameter or "
                         "field."),
            {"type": "object",
             "additionalProperties": {"anyOf": [{"type": "array"}, {"type": "object"},
                                                {"type": "string"}]}}),
    "401": (gettext_noop("Not signed in (no token, or an unknown one)."), _DETAIL),
    "403": (gettext_noop("The user's role does not allow this."), _DETAIL),
}
#: Error answers of operations on one object (a path parameter).
OBJECT_ERROR_RESPONSES = {
    "404": (gettext_noop("No such object within the user's scope."), _DETAIL),
}


class AutoSchema(SpectacularAutoSchema):
    """drf-spectacular's schema with the error answers and the parameter ranges."""

    def _get_response_bodies(self, direction: str = "response") -> dict[str, Any]:
        responses = super()._get_response_bodies(direction)
        errors = dict(ERROR_RESPONSES)
        if "{" in self.path:
            errors.update(OBJECT_ERROR_RESPONSES)
        for status, (description, schema) in errors.items():
            responses.setdefault(status, {
                "description": gettext(description),
                "content": {"application/json": {"schema": schema}}})
        return responses

    def _get_filter_parameters(self) -> list[dict[str, Any]]:
        parameters = super()._get_filter_parameters()
        for parameter in parameters:
            schema = parameter.get("schema", {})
            target = schema.get("items", schema) if schema.get("type") == "array" else schema
            if target.get("type") == "integer":
                target.setdefault("minimum", -INT64_MAX - 1)
                target.setdefault("maximum", INT64_MAX)
        return parameters


_WRITES = ("update", "partial_update", "destroy")


class EditConflictSerializer(serializers.Serializer):
    """A refused stale write: who changed the object meanwhile, and its revision now."""

    detail = serializers.CharField(help_text="Who changed the object, when, and what to do.")
    revision = serializers.IntegerField(
        allow_null=True, help_text="The stored revision now (null: the object was deleted).")
    change = serializers.IntegerField(
        allow_null=True, help_text="Id of the change record that made your revision stale.")
    change_url = serializers.CharField(
        allow_null=True, help_text="Page of that change record in the audit log.")


class RefusalSerializer(serializers.Serializer):
    """A refused request with one message."""

    detail = serializers.CharField()


class ObjectAutoSchema(AutoSchema):
    """AutoSchema for `ObjectViewSet`: adds the locking headers and answers."""

    def _action(self) -> str | None:
        return getattr(self.view, "action", None)

    def get_override_parameters(self) -> list[Any]:
        params = list(super().get_override_parameters())
        action = self._action()
        if action in ("retrieve", "update", "partial_update"):
            params.append(OpenApiParameter(
                "ETag", OpenApiTypes.STR, OpenApiParameter.HEADER, response=["200"],
                required=True, description='The object\'s revision as a strong entity tag, '
                'e.g. "7"; send it back in If-Match.'))
        if action in _WRITES:
            params.append(OpenApiParameter(
                "If-Match", OpenApiTypes.STR, OpenApiParameter.HEADER, required=False,
                description='Write only if the object is still at this revision (the ETag '
                'read, e.g. "7"; * for any). Otherwise 412 and nothing is written. '
                'Without the header the write is not checked.'))
        return params

    def _get_response_bodies(self, direction: str = "response") -> dict[str, Any]:
        responses = super()._get_response_bodies(direction)
        action = self._action()
        if action not in _WRITES:
            return responses
        responses["412"] = self._get_response_for_code(OpenApiResponse(
            EditConflictSerializer, description="If-Match names a revision that is no longer "
            "stored: someone changed (or deleted) the object. Nothing was written."),
            "412", direction=direction)
        responses["409"] = self._get_response_for_code(OpenApiResponse(
            EditConflictSerializer, description="The `revision` sent in the payload (or, "
            "when none was sent, the revision read while handling the request) is no longer "
            "the stored one: someone changed the object. Nothing was written."),
            "409", direction=direction)
        if action == "destroy":
            responses["400"] = self._get_response_for_code(OpenApiResponse(
                RefusalSerializer, description="The object may not be deleted (other objects "
                "refer to it, or a rule of its own such as an approved monthly report)."),
                "400", direction=direction)
        return responses


class CachedSchemaGenerator(SchemaGenerator):
    """drf-spectacular's generator remembering the last schemas it made. The public
    schema changes only with the code, and making it takes a good part of a second:
    without this, any signed-in user could keep the server busy by asking again.
    Keyed by language (an unknown one falls back to the default, as the schema's
    texts do) and API version; at most `SIZE` schemas are kept."""

    SIZE = 8
    _cache: OrderedDict[tuple, dict] = OrderedDict()
    _lock = threading.Lock()

    def get_schema(self, request: Any = None, public: bool = False) -> dict:
        if not public or self.urlconf is not None or self.patterns is not None:
            return super().get_schema(request=request, public=public)  # per user or view
        try:
            language = translation.get_supported_language_variant(translation.get_language())
        except LookupError:
            language = settings.LANGUAGE_CODE
        key = (language, self.api_version)
        with self._lock:
            if key in self._cache:
                self._cache.move_to_end(key)
                return self._cache[key]
        with translation.override(language):
            schema = super().get_schema(request=request, public=public)
        with self._lock:
            self._cache[key] = schema
            while len(self._cache) > self.SIZE:
                self._cache.popitem(last=False)
        return schema


def _forget_schemas(**kwargs: Any) -> None:
    CachedSchemaGenerator._cache.clear()  # settings changed (tests): made again on demand


setting_changed.connect(_forget_schemas)
