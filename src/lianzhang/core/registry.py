"""The object-type registry: one declaration per model gives it list/detail/edit/
delete/import/export views, an API endpoint, permissions, audit and a test battery.

    @register
    class RegionType(ObjectType):
        model = Region
        filterset = RegionFilterSet
        table = RegionTable
        form = RegionForm
        import_form = RegionImportForm
        serializer = RegionSerializer
"""

from __future__ import annotations

from typing import Any

from django.db.models import Model

__all__ = ["ObjectType", "register", "registry", "get_object_type"]

registry: dict[str, type[ObjectType]] = {}


class ObjectType:
    """Declarative configuration of one object type (class attributes only)."""

    model: type[Model]
    filterset: type
    table: type
    form: type
    import_form: type | None = None
    serializer: type
    #: Fields shown on the detail page (default: the form's fields).
    detail_fields: tuple[str, ...] | None = None
    #: Template for the detail page body (default: a generic field list).
    detail_template: str = "core/object_detail_fields.html"
    #: Extra tabs on the detail page: (slug, label, template) tuples.
    extra_tabs: tuple[tuple[str, Any, str], ...] = ()
    #: Natural key used to refer to objects of this type in imports and exports.
    natural_key: str = "pk"
    #: Optional factory `(user) -> resolver` with `decide(row_no, data) -> RowDecision`
    #: and `saved(obj)`: lets an import update or queue rows instead of creating.
    import_resolver: Any = None
    #: Optional staticmethod `(Table) -> Table` run on an uploaded table before its
    #: rows reach the import form (raise `TableError` to refuse the whole file).
    prepare_table: Any = None
    #: Optional `(table, columns) -> [error]` check of the whole file before any row
    #: (`columns` maps column index → form field name).
    import_table_check: Any = None
    #: Optional ObjectViewSet subclass for the API (e.g. to start a job on create).
    viewset_base: Any = None
    #: Optional staticmethod `(obj) -> str`: why this object cannot be changed on its
    #: form ("" when it can). The detail page then hides 编辑 and includes
    #: `locked_actions` instead, and the edit page refuses with that message.
    edit_refusal: Any = None
    #: Template of the actions offered instead of 编辑 when `edit_refusal` answers.
    locked_actions: str = ""

    @classmethod
    def key(cls) -> str:
        """`app_label.model_name`."""
        return cls.model._meta.label_lower

    @classmethod
    def app_label(cls) -> str:
        """The app the model belongs to (its URL namespace)."""
        return cls.model._meta.app_label

    @classmethod
    def model_name(cls) -> str:
        """Lower-case model name (URL names)."""
        return cls.model._meta.model_name

    @classmethod
    def url_plural(cls) -> str:
        """The model name as a plural URL segment (`regions`, `leadactivities`): the
        web pages and the API use the same one."""
        name = cls.model_name()
        if name.endswith("y") and name[-2:-1] not in tuple("aeiou"):
            return name[:-1] + "ies"
        if name.endswith(("s", "x", "ch", "sh")):
            return name + "es"
        return name + "s"

    @classmethod
    def url_name(cls, view: str = "") -> str:
        """Namespaced URL name: `<app>:<model>` for the detail page, else
        `<app>:<model>_<view>`."""
        suffix = f"_{view}" if view and view != "detail" else ""
        return f"{cls.app_label()}:{cls.model_name()}{suffix}"

    @classmethod
    def get_import_form(cls) -> type:
        """The form each import row passes through (the edit form by default)."""
        return cls.import_form or cls.form

    @classmethod
    def verbose_name(cls) -> str:
        """The model's display name."""
        return str(cls.model._meta.verbose_name)

    @classmethod
    def verbose_name_plural(cls) -> str:
        """The model's plural display name."""
        return str(cls.model._meta.verbose_name_plural)


def register(object_type: type[ObjectType]) -> type[ObjectType]:
    """Register an object type (usable as a class decorator)."""
    registry[object_type.key()] = object_type
    return object_type


def get_object_type(model: type[Model] | str) -> type[ObjectType]:
    """The registered type of a model class or `app_label.model_name` string."""
    key = model if isinstance(model, str) else model._meta.label_lower
    return registry[key]
