"""Form bases: every choice list is limited to what the user may see."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.functional import lazy
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

__all__ = ["style_widgets", "ScopedModelForm", "RevisionField", "add_revision_field",
           "NaturalKeyChoiceField", "NaturalKeyMultipleChoiceField", "ImportUploadForm",
           "restrict_choice_fields"]


def style_widgets(form: forms.BaseForm) -> None:
    """Give widgets the dashboard kit's classes."""
    for field in form.fields.values():
        widget = field.widget
        if isinstance(widget, forms.CheckboxInput):
            css = "form-check-input"
        elif isinstance(widget, forms.Select | forms.SelectMultiple):
            css = "form-select"
        else:
            css = "form-control"
        widget.attrs.setdefault("class", css)


def restrict_choice_fields(form: forms.BaseForm, user: Any) -> None:
    """Narrow every model choice field's queryset to what `user` may view, so a form
    can neither show nor accept objects outside the user's scope."""
    for field in form.fields.values():
        queryset = getattr(field, "queryset", None)
        if queryset is not None and hasattr(queryset, "restrict"):
            field.queryset = queryset.restrict(user, "view")


class RevisionField(forms.IntegerField):
    """The hidden revision an edit page was loaded at (optimistic locking)."""

    widget = forms.HiddenInput

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("required", False)
        kwargs.setdefault("min_value", 1)
        super().__init__(**kwargs)


def add_revision_field(form: forms.BaseForm, obj: Any, name: str = "revision") -> None:
    """Carry `obj`'s revision in `form` when `obj` is an existing change-logged object,
    so the save can refuse if someone changed the object after the page was loaded."""
    if getattr(obj, "pk", None) is not None and hasattr(obj, "revision"):
        form.fields[name] = RevisionField(initial=obj.revision)


class ScopedModelForm(forms.ModelForm):
    """A ModelForm that takes the acting user and scopes its choice fields. Editing an
    existing object, it carries the object's revision: `save()` then writes only if
    nobody changed the object since the form was loaded (else `StaleObjectError`).
    A post without the revision (an import row, an old client) is not checked."""

    def __init__(self, *args: Any, user: Any = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.user = user
        restrict_choice_fields(self, user)
        add_revision_field(self, self.instance)
        style_widgets(self)

    def _post_clean(self) -> None:
        super()._post_clean()
        revision = self.cleaned_data.get("revision") if "revision" in self.fields else None
        if revision is not None:
            # The save checks this value (ChangeLoggedModel.save).
            self.instance.revision = revision


def _invalid_choice_text(model: Any, to_field_name: str) -> str:
    return gettext("No %(model)s with %(field)s “%(value)s”.") % {
        "model": model._meta.verbose_name,
        "field": model._meta.get_field(to_field_name).verbose_name,
        "value": "%(value)s",
    }


# Built when shown, not when the form class is defined: otherwise the message
# stays in the language that was active at start-up.
_invalid_choice_message = lazy(_invalid_choice_text, str)


class NaturalKeyChoiceField(forms.ModelChoiceField):
    """Refers to an object by a natural key (a code, a name) in imports."""

    def __init__(self, queryset: Any, to_field_name: str, **kwargs: Any) -> None:
        kwargs.setdefault("error_messages", {
            "invalid_choice": _invalid_choice_message(queryset.model, to_field_name)})
        super().__init__(queryset=queryset, to_field_name=to_field_name, **kwargs)

    def prepare_value(self, value: Any) -> Any:
        # An edit form's initial value is the related object's primary key (an int;
        # posted values are strings): show it as its natural key, so the current
        # choice is selected and saving the page unchanged keeps it.
        if isinstance(value, int) and not isinstance(value, bool):
            key = self.queryset.filter(pk=value).values_list(self.to_field_name, flat=True)
            return next(iter(key), value)
        return super().prepare_value(value)


class NaturalKeyMultipleChoiceField(forms.ModelMultipleChoiceField):
    """Several objects by natural key, `|`-separated in one cell."""

    def __init__(self, queryset: Any, to_field_name: str, **kwargs: Any) -> None:
        kwargs.setdefault("error_messages", {
            "invalid_choice": _invalid_choice_message(queryset.model, to_field_name)})
        super().__init__(queryset=queryset, to_field_name=to_field_name, **kwargs)

    def to_python(self, value: Any) -> Any:
        if isinstance(value, str):
            value = [v.strip() for v in value.split("|") if v.strip()]
        return value

    def clean(self, value: Any) -> Any:
        return super().clean(self.to_python(value))


class ImportUploadForm(forms.Form):
    """The upload on the bulk import page."""

    file = forms.FileField(label=_("File (CSV or XLSX)"))
    dry_run = forms.BooleanField(label=_("Preview only (write nothing)"), required=False,
                                 initial=True)
