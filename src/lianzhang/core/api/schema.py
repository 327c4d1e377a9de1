"""The OpenAPI schema says what the API really answers: besides each operation's
success, the errors it gives (400 for refused parameters or data, 401/403, 404 for
an object that does not exist or is out of scope), and the range of whole-number
query parameters (what a 64-bit column holds; `core.params` refuses the rest)."""

from __future__ import annotations

from typing import Any

from drf_spectacular.openapi import AutoSchema as SpectacularAutoSchema

from ..params import INT64_MAX

__all__ = ["AutoSchema", "ERROR_RESPONSES"]

_DETAIL = {"type": "object", "properties": {"detail": {"type": "string"}},
           "required": ["detail"]}
#: Error answers of every operation: status → (description, body schema).
ERROR_RESPONSES: dict[str, tuple[str, dict[str, Any]]] = {
    "400": ("Refused query parameters or data: the messages by parameter or field.",
            {"type": "object",
             "additionalProperties": {"anyOf": [{"type": "array"}, {"type": "object"},
                                                {"type": "string"}]}}),
    "401": ("Not signed in (no or an unknown token).", _DETAIL),
    "403": ("The user's role does not allow this.", _DETAIL),
}
#: Error answers of operations on one object (a path parameter).
OBJECT_ERROR_RESPONSES = {
    "404": ("No such object within the user's scope.", _DETAIL),
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
                "description": description,
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
