"""API query parameters through the same validation as the pages (`core.params`):
the pagination's `limit` and `offset` and the FilterSet's filters. A refused value
answers DRF's 400 JSON keyed by the query parameter, never a server error."""

from __future__ import annotations

from typing import Any

from django import forms
from django_filters.rest_framework import DjangoFilterBackend
from rest_framework.exceptions import ValidationError
from rest_framework.pagination import LimitOffsetPagination
from rest_framework.settings import api_settings

from .. import params
from ..params import (
    INT64_MAX,
    LIST_PAGE_SIZE,
    MAX_PAGE_SIZE,
    InvalidQuery,
    OffsetField,
    PageSizeField,
    QueryForm,
)

__all__ = ["QueryPagination", "QueryFilterBackend", "validate_for_api"]


def validate_for_api(form: forms.BaseForm) -> dict[str, Any]:
    """`core.params.validate` for the API: a refused value raises DRF's 400."""
    try:
        return params.validate(form)
    except InvalidQuery as exc:
        raise ValidationError({
            (keys if keys != "__all__" else api_settings.NON_FIELD_ERRORS_KEY): messages
            for keys, _label, messages in exc.errors}) from None


class LimitOffsetQuery(QueryForm):
    """`limit` (rows, at most `MAX_PAGE_SIZE`) and `offset` of an API list."""

    limit = PageSizeField(initial=LIST_PAGE_SIZE)
    offset = OffsetField(initial=0)


class QueryPagination(LimitOffsetPagination):
    """Limit/offset pagination whose parameters are validated: a `limit` that is not a
    positive whole number or an `offset` that is not a whole number from 0 answers
    400; a `limit` above the maximum is served as the maximum."""

    default_limit = LIST_PAGE_SIZE
    max_limit = MAX_PAGE_SIZE

    def _params(self, request: Any) -> dict[str, Any]:
        # One paginator serves one request (DRF makes one per view instance).
        if getattr(self, "_query", None) is None:
            self._query = validate_for_api(LimitOffsetQuery(request.query_params))
        return self._query

    def get_limit(self, request: Any) -> int:
        return self._params(request)["limit"]

    def get_offset(self, request: Any) -> int:
        return self._params(request)["offset"]

    def get_schema_operation_parameters(self, view: Any) -> list[dict[str, Any]]:
        parameters = super().get_schema_operation_parameters(view)
        bounds = {self.limit_query_param: {"minimum": 1},
                  self.offset_query_param: {"minimum": 0, "maximum": INT64_MAX}}
        for parameter in parameters:
            parameter["schema"].update(bounds.get(parameter["name"], {}))
        return parameters


class QueryFilterBackend(DjangoFilterBackend):
    """The model's FilterSet, validated through `core.params` (400 on a bad filter)."""

    def filter_queryset(self, request: Any, queryset: Any, view: Any) -> Any:
        filterset = self.get_filterset(request, queryset, view)
        if filterset is None:
            return queryset
        validate_for_api(filterset.form)
        return filterset.qs
