"""FilterSet bases (DESIGN §6.3): one per model serves lists, API, exports, reports."""

from __future__ import annotations

from typing import Any

import django_filters
from django import forms
from django.db.models import Q, QuerySet
from django.utils.translation import gettext_lazy as _
from django_filters.fields import ModelMultipleChoiceField
from django_filters.utils import get_model_field

from .forms import restrict_choice_fields, style_widgets
from .models import ObjectChange
from .params import Int64Field, Int64IdsMixin

__all__ = ["BaseFilterSet", "ObjectChangeFilterSet"]


class Int64ModelMultipleChoiceField(Int64IdsMixin, ModelMultipleChoiceField):
    """Several objects by id, each id within the 64-bit range."""


def bound_filters(filterset: django_filters.FilterSet) -> None:
    """Whole-number filters take only what a 64-bit column holds: a number filter on
    an integer column (a year, an id) reads whole numbers in that range, and a filter
    on several objects refuses ids beyond it, so such a value is an invalid filter
    (400) rather than a database error."""
    model = filterset._meta.model
    for filter_ in filterset.filters.values():
        filter_.__dict__.pop("_field", None)  # built again from the class set here
        if isinstance(filter_, django_filters.ModelMultipleChoiceFilter):
            filter_.field_class = Int64ModelMultipleChoiceField
        elif isinstance(filter_, django_filters.NumberFilter) and model is not None:
            target = get_model_field(model, filter_.field_name)
            internal = target.get_internal_type() if target is not None else ""
            if internal.endswith(("IntegerField", "AutoField")) or internal == "ForeignKey":
                filter_.field_class = Int64Field


class BaseFilterSet(django_filters.FilterSet):
    """Adds a free-text `q` search over `search_fields`, scopes choice filters and
    bounds whole-number filters (`bound_filters`)."""

    q = django_filters.CharFilter(method="search", label=_("Search"))
    search_fields: tuple[str, ...] = ("name",)

    def __init__(self, *args: Any, request: Any = None, **kwargs: Any) -> None:
        super().__init__(*args, request=request, **kwargs)
        bound_filters(self)
        user = getattr(request, "user", None)
        if user is not None:
            restrict_choice_fields(self.form, user)
        for field in self.form.fields.values():
            if isinstance(field.widget, forms.NullBooleanSelect):
                # Django labels "no filter" as 未知 (unknown), which reads as a value.
                field.widget.choices = [("unknown", _("All")), ("true", _("Yes")),
                                        ("false", _("No"))]
        style_widgets(self.form)

    def search(self, queryset: QuerySet, name: str, value: str) -> QuerySet:
        """Match any search field (case-insensitive substring)."""
        value = value.strip()
        if not value:
            return queryset
        q = Q()
        for field in self.search_fields:
            q |= Q(**{f"{field}__icontains": value})
        return queryset.filter(q)


class ObjectChangeFilterSet(django_filters.FilterSet):
    """Filters of the global audit list: user, object type, action, time range."""

    user_name = django_filters.CharFilter(lookup_expr="icontains", label=_("User"))
    content_type = django_filters.CharFilter(method="filter_model", label=_("Object type"))
    action = django_filters.ChoiceFilter(choices=ObjectChange.Action.choices, label=_("Action"))
    time_after = django_filters.DateFilter(field_name="time", lookup_expr="date__gte",
                                           label=_("From date"))
    time_before = django_filters.DateFilter(field_name="time", lookup_expr="date__lte",
                                            label=_("To date"))
    request_id = django_filters.UUIDFilter(label=_("Request id"))

    class Meta:
        model = ObjectChange
        fields = ["user_name", "content_type", "action", "request_id"]

    def filter_model(self, queryset: QuerySet, name: str, value: str) -> QuerySet:
        """`app_label.model` or just the model name."""
        if "." in value:
            app_label, model = value.lower().split(".", 1)
            return queryset.filter(content_type__app_label=app_label, content_type__model=model)
        return queryset.filter(content_type__model=value.lower())
