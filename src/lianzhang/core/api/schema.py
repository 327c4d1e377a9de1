"""The OpenAPI description of the object endpoints' optimistic locking, so the schema
says what the viewsets do: an ETag header on object reads and updates, an optional
If-Match header on PUT/PATCH/DELETE, and the 409, 412 and (for DELETE) 400 answers."""

from __future__ import annotations

from typing import Any

from drf_spectacular.openapi import AutoSchema
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse
from rest_framework import serializers

__all__ = ["ObjectAutoSchema", "EditConflictSerializer", "RefusalSerializer"]

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
