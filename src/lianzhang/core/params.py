"""Query parameters: one validation path for every list, filter, API and dashboard page.

A page declares the query parameters it reads as a form (a `QueryForm`, or the
model's FilterSet, whose form it is) and reads them through `parse_query()`; lists read
their page and page size through `paginate()`. A value that does not fit raises
`InvalidQuery`: web pages answer 400 with the form's messages in the site's layout
(`InvalidQueryMiddleware`), the API answers DRF's 400 JSON (`core.api.query`).
Whole numbers are bounded to what a 64-bit integer column holds, so nothing a
user types reaches the database as a value it cannot bind."""

from __future__ import annotations

from typing import Any

from django import forms
from django.core.exceptions import BadRequest
from django.core.paginator import EmptyPage, PageNotAnInteger
from django.http import HttpRequest, QueryDict
from django.utils.translation import gettext_lazy as _

__all__ = ["INT64_MAX", "LIST_PAGE_SIZE", "MAX_PAGE_SIZE", "MIN_YEAR", "MAX_YEAR",
           "InvalidQuery", "QueryForm", "IdField", "PageField", "PageSizeField", "OffsetField",
           "YearField", "DayField", "Int64Field", "Int64IdsMixin", "PageQuery", "ListQuery",
           "TabQuery", "validate", "parse_query", "list_query", "paginate", "error_items",
           "query_keys", "parse_id"]

INT64_MAX = 2**63 - 1
#: Rows per page of a list (web) and the API's default `limit`.
LIST_PAGE_SIZE = 50
#: A larger page size or `limit` is served as this many rows.
MAX_PAGE_SIZE = 500
#: Years and days a page may be asked about (the engine's date arithmetic stays valid).
MIN_YEAR, MAX_YEAR = 1900, 2100


class InvalidQuery(BadRequest):
    """Query parameters a form refused: answered with 400 and `errors`."""

    def __init__(self, form: forms.BaseForm) -> None:
        super().__init__(form.errors.as_text())
        self.form = form
        self.errors = error_items(form)


def error_items(form: forms.BaseForm) -> list[tuple[str, str, list[str]]]:
    """(query keys, label, messages) for each refused field of `form`; the keys are
    those a person typed (a date range field reads `x_after` and `x_before`)."""
    items = []
    for name, messages in form.errors.items():
        field = form.fields.get(name)
        keys = [name] if field is None else query_keys(form, name)
        label = str(field.label or name) if field is not None else ""
        items.append((" ".join(keys), label, [str(m) for m in messages]))
    return items


def query_keys(form: forms.BaseForm, name: str) -> list[str]:
    """The query keys field `name` of `form` reads."""
    html_name = form.add_prefix(name)
    suffixes = getattr(form.fields[name].widget, "widgets_names", None)
    return [f"{html_name}{s}" for s in suffixes] if suffixes else [html_name]


class QueryForm(forms.Form):
    """Query parameters of a page. Every field is optional; a field left out takes
    its `initial` value, so the view reads one dict with its defaults filled in."""

    def __init__(self, data: QueryDict | dict | None = None, **kwargs: Any) -> None:
        super().__init__(data if data is not None else {}, **kwargs)
        for field in self.fields.values():
            field.required = False

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean()
        for name, field in self.fields.items():
            if cleaned.get(name) in field.empty_values and field.initial is not None:
                cleaned[name] = field.initial
        return cleaned


class IdField(forms.IntegerField):
    """An object id: a whole number from 1 to the largest 64-bit integer."""

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("min_value", 1)
        kwargs.setdefault("max_value", INT64_MAX)
        super().__init__(**kwargs)


class PageField(forms.IntegerField):
    """A page number (1 is the first page; one past the last shows the last)."""

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("min_value", 1)
        kwargs.setdefault("max_value", INT64_MAX)
        kwargs.setdefault("label", _("Page"))
        super().__init__(**kwargs)


class PageSizeField(forms.IntegerField):
    """Rows per page: at least 1; more than `MAX_PAGE_SIZE` is served as that many."""

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("min_value", 1)
        kwargs.setdefault("label", _("Rows per page"))
        super().__init__(**kwargs)

    def clean(self, value: Any) -> int | None:
        number = super().clean(value)
        return None if number is None else min(number, MAX_PAGE_SIZE)


class OffsetField(forms.IntegerField):
    """Rows to skip: 0 or more, at most the largest 64-bit integer."""

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("min_value", 0)
        kwargs.setdefault("max_value", INT64_MAX)
        kwargs.setdefault("label", _("Offset"))
        super().__init__(**kwargs)


class YearField(forms.IntegerField):
    """A calendar year between 1900 and 2100."""

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("min_value", MIN_YEAR)
        kwargs.setdefault("max_value", MAX_YEAR)
        kwargs.setdefault("label", _("Year"))
        super().__init__(**kwargs)


class DayField(forms.DateField):
    """A day (YYYY-MM-DD) between 1900 and 2100."""

    def clean(self, value: Any) -> Any:
        day = super().clean(value)
        if day is not None and not MIN_YEAR <= day.year <= MAX_YEAR:
            raise forms.ValidationError(
                _("Enter a date between %(first)d and %(last)d.") % {
                    "first": MIN_YEAR, "last": MAX_YEAR}, code="out_of_range")
        return day


class Int64Field(forms.IntegerField):
    """A whole number a 64-bit integer column can hold (filters on integer columns)."""

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("min_value", -INT64_MAX - 1)
        kwargs.setdefault("max_value", INT64_MAX)
        super().__init__(**kwargs)


class Int64IdsMixin:
    """For a multiple-choice field of objects with integer ids: refuse an id that is
    not a whole number in the 64-bit range before the field looks the ids up (the
    `pk__in` lookup cannot bind a larger one)."""

    def _check_values(self, value: Any) -> Any:
        if not (self.to_field_name or "") and self.queryset.model._meta.pk.get_internal_type(
                ).endswith(("IntegerField", "AutoField")):
            null = getattr(self, "null_value", None) if getattr(
                self, "null_label", None) is not None else None
            for item in value if isinstance(value, list | tuple) else [value]:
                if null is not None and item == null:
                    continue
                try:
                    number = int(str(item).strip())
                except ValueError:
                    number = None
                if number is None or not -INT64_MAX - 1 <= number <= INT64_MAX:
                    raise forms.ValidationError(self.error_messages["invalid_pk_value"],
                                                code="invalid_pk_value",
                                                params={"pk": str(item)[:50]})
        return super()._check_values(value)


def parse_id(value: Any) -> int:
    """An object id posted by a page's own form (a button's value, a ticked row), or
    0 when it is not a whole number in range: no object has id 0, so the lookup
    finds nothing instead of failing in the database."""
    text = str(value or "").strip()
    if not (text.isascii() and text.isdigit()) or len(text) > 19:
        return 0
    number = int(text)
    return number if number <= INT64_MAX else 0


def validate(form: forms.BaseForm) -> dict[str, Any]:
    """The form's cleaned data; raises `InvalidQuery` when a value does not fit. Every
    query parameter of the project passes through here."""
    if not form.is_valid():
        raise InvalidQuery(form)
    return form.cleaned_data


def parse_query(request: HttpRequest, form_class: type[forms.BaseForm], **kwargs: Any
                ) -> dict[str, Any]:
    """The page's query parameters, validated by `form_class`."""
    return validate(form_class(request.GET, **kwargs))


class PageQuery(QueryForm):
    """`page` and `per_page` of a list."""

    page = PageField(initial=1)
    per_page = PageSizeField(initial=LIST_PAGE_SIZE)


class ListQuery(PageQuery):
    """A generic list's own parameters besides its filters: pages and the export."""

    export = forms.ChoiceField(choices=[("csv", "CSV"), ("xlsx", "XLSX")])


class TabQuery(QueryForm):
    """`tab` of a detail page: one of the object type's extra tabs (none: details)."""

    tab = forms.ChoiceField()

    def __init__(self, data: Any = None, tabs: tuple = (), **kwargs: Any) -> None:
        super().__init__(data, **kwargs)
        self.fields["tab"].choices = [(slug, label) for slug, label, _template in tabs]


def list_query(request: HttpRequest, filterset: Any,
               form_class: type[forms.BaseForm] = PageQuery,
               ) -> tuple[dict[str, Any], list[tuple[str, str, list[str]]]]:
    """A list's validated page parameters (`form_class`) and the refused values of
    those and of its FilterSet together, so the page can show every mistake at once."""
    params: dict[str, Any] = {}
    errors: list[tuple[str, str, list[str]]] = []
    try:
        params = parse_query(request, form_class)
    except InvalidQuery as exc:
        errors += exc.errors
    if filterset.is_bound:
        try:
            validate(filterset.form)
        except InvalidQuery as exc:
            errors += exc.errors
    return params, errors


def paginate(request: HttpRequest, table: Any, params: dict[str, Any] | None = None) -> Any:
    """Sort and paginate a django-tables2 table from validated `page` and `per_page`
    (`params`, else read here); a page past the last shows the last. `sort` names
    columns: django-tables2 ignores unknown ones, so it never reaches the database."""
    params = params if params is not None else parse_query(request, PageQuery)
    table.request = request
    order_by = request.GET.getlist(table.prefixed_order_by_field)
    if order_by:
        table.order_by = order_by
    try:
        table.paginate(page=params["page"], per_page=params["per_page"])
    except (EmptyPage, PageNotAnInteger):
        table.paginate(page=table.paginator.num_pages, per_page=params["per_page"])
    return table
