"""Generic object views configured by the registry (DESIGN §6.3): list (filter, sort,
paginate, export), detail with a 变更记录 tab, create/edit, delete with confirmation
and bulk import. Every queryset comes from `restrict(user, action)`."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import ProtectedError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views import View

from ..exporter import export_response
from ..locking import check_revision, conflict_html, keep_input_after_conflict, parse_revision
from ..models import ObjectChange, StaleObjectError, protection_message
from ..params import ListQuery, TabQuery, list_query, paginate, parse_query
from ..permissions import user_can
from ..registry import ObjectType
from ..tables import related_columns

__all__ = ["ObjectListView", "ObjectView", "ObjectChangeLogView", "ObjectEditView",
           "ObjectDeleteView", "BaseObjectView"]


def edit_refusal(object_type: type[ObjectType], obj: Any) -> str:
    """Why `obj` cannot be changed on its form ("" when it can)."""
    check = object_type.edit_refusal
    return str(check(obj) or "") if check is not None else ""


class BaseObjectView(View):
    """Holds the object type and the permission helpers shared by the views."""

    object_type: type[ObjectType] = None  # set by as_view(object_type=...)
    action = "view"

    def queryset(self, request: HttpRequest, action: str | None = None):
        """The model's objects this user may act on."""
        model = self.object_type.model
        if not user_can(request.user, model, action or self.action):
            raise PermissionDenied
        return model.objects.restrict(request.user, action or self.action)

    def context(self, request: HttpRequest, **extra: Any) -> dict[str, Any]:
        """Template context every object page shares."""
        model = self.object_type.model
        ctx = {
            "object_type": self.object_type,
            "model_meta": model._meta,
            "can_add": user_can(request.user, model, "add"),
            "can_change": user_can(request.user, model, "change"),
            "can_delete": user_can(request.user, model, "delete"),
            "list_url": reverse(self.object_type.url_name("list")),
        }
        ctx.update(extra)
        return ctx


class ObjectListView(BaseObjectView):
    """Filtered, sortable, paginated list; `?export=csv|xlsx` exports the same rows. A
    filter or page parameter that does not fit answers 400 with the form's messages."""

    def get(self, request: HttpRequest) -> HttpResponse:
        qs = self.queryset(request)
        filterset = self.object_type.filterset(request.GET or None, queryset=qs, request=request)
        params, errors = list_query(request, filterset, ListQuery)
        if errors:
            return render(request, "core/object_list.html", self.context(
                request, filter_form=filterset.form, query_errors=errors, total=0), status=400)
        rows = filterset.qs if filterset.is_bound else qs
        if params["export"]:
            return export_response(self.object_type, rows, params["export"])
        table_class = self.object_type.table
        table = table_class(rows.select_related(*related_columns(table_class, rows.model)))
        paginate(request, table, params)
        query = request.GET.copy()
        query.pop("page", None)
        query.pop("export", None)
        return render(request, "core/object_list.html", self.context(
            request, table=table, filter_form=filterset.form, query=query.urlencode(),
            total=rows.count()))


class ObjectView(BaseObjectView):
    """Detail page of one object."""

    tab = "detail"

    def get(self, request: HttpRequest, pk: int) -> HttpResponse:
        obj = get_object_or_404(self.queryset(request), pk=pk)
        tab, tab_template = self.tab, None
        if self.object_type.extra_tabs and self.tab == "detail":
            chosen = parse_query(request, TabQuery, tabs=self.object_type.extra_tabs)["tab"]
            for slug, _label, template in self.object_type.extra_tabs:
                if chosen == slug:
                    tab, tab_template = slug, template
        return render(request, "core/object.html", self.context(
            request, object=obj, tab=tab, tab_template=tab_template, fields=self.fields(obj),
            edit_refusal=edit_refusal(self.object_type, obj), **self.tab_context(request, obj)))

    def fields(self, obj: Any) -> list[tuple[str, Any]]:
        """(label, display value) pairs for the detail page."""
        names = self.object_type.detail_fields or tuple(self.object_type.form.base_fields)
        out = []
        for name in names:
            try:
                field = obj._meta.get_field(name)
            except Exception:  # a form-only field (e.g. products typed in one cell)
                continue
            if not (field.concrete or field.many_to_many) or field.auto_created:
                continue
            if field.many_to_many:
                value = "、".join(str(v) for v in getattr(obj, name).all())
            elif field.choices:
                value = getattr(obj, f"get_{name}_display")()
            else:
                value = getattr(obj, name)
            out.append((field.verbose_name, value))
        return out

    def tab_context(self, request: HttpRequest, obj: Any) -> dict[str, Any]:
        """Extra context for the active tab."""
        return {}


class ObjectChangeLogView(ObjectView):
    """The 变更记录 tab: every recorded change of the object, newest first."""

    tab = "changelog"

    def tab_context(self, request: HttpRequest, obj: Any) -> dict[str, Any]:
        return {"changes": ObjectChange.objects.for_object(obj).select_related("user")[:200]}


class ObjectEditView(BaseObjectView):
    """Create (no pk) or edit an object; the saved object must stay in scope. An edit
    is refused, with nothing written, when the object changed after the page was
    loaded (the form carries the revision it was loaded at)."""

    def get_object(self, request: HttpRequest, pk: int | None) -> Any:
        if pk is None:
            if not user_can(request.user, self.object_type.model, "add"):
                raise PermissionDenied
            return self.object_type.model()
        return get_object_or_404(self.queryset(request, "change"), pk=pk)

    def refused(self, request: HttpRequest, obj: Any) -> HttpResponse | None:
        """Back to the object's page with the reason when its type says the object
        cannot be changed on this form (e.g. a node of a published map)."""
        reason = edit_refusal(self.object_type, obj) if obj.pk else ""
        if not reason:
            return None
        messages.error(request, reason)
        return redirect(obj.get_absolute_url())

    def get(self, request: HttpRequest, pk: int | None = None) -> HttpResponse:
        obj = self.get_object(request, pk)
        if (refused := self.refused(request, obj)) is not None:
            return refused
        form = self.object_type.form(instance=obj, user=request.user)
        return render(request, "core/object_edit.html", self.context(
            request, object=obj, form=form))

    def post(self, request: HttpRequest, pk: int | None = None) -> HttpResponse:
        obj = self.get_object(request, pk)
        if (refused := self.refused(request, obj)) is not None:
            return refused
        action = "add" if pk is None else "change"
        form = self.object_type.form(request.POST, request.FILES, instance=obj, user=request.user)
        if form.is_valid():
            try:
                with transaction.atomic():
                    obj = form.save()
                    allowed = self.object_type.model.objects.restrict(request.user, action)
                    if not allowed.filter(pk=obj.pk).exists():
                        raise PermissionDenied
            except PermissionDenied:
                form.add_error(None, _("The object would be outside your permitted scope."))
            except StaleObjectError as exc:
                keep_input_after_conflict(form, exc)
                return render(request, "core/object_edit.html", self.context(
                    request, object=obj, form=form), status=409)
            else:
                messages.success(request, _("Saved %(object)s.") % {"object": obj})
                return redirect(obj.get_absolute_url())
        return render(request, "core/object_edit.html", self.context(
            request, object=obj, form=form), status=200 if form.is_valid() else 400)


class ObjectDeleteView(BaseObjectView):
    """Delete with a confirmation page; the confirmation carries the revision shown,
    so an object changed after the page was loaded is not deleted unseen."""

    def get(self, request: HttpRequest, pk: int) -> HttpResponse:
        obj = get_object_or_404(self.queryset(request, "delete"), pk=pk)
        # An object its model keeps for good says so up front (no button to press).
        refusal = getattr(obj, "deletion_refusal", lambda: "")()
        return render(request, "core/object_delete.html", self.context(
            request, object=obj, refusal=refusal))

    def post(self, request: HttpRequest, pk: int) -> HttpResponse:
        obj = get_object_or_404(self.queryset(request, "delete"), pk=pk)
        name = str(obj)
        try:
            with transaction.atomic():
                check_revision(obj, parse_revision(request.POST.get("revision")))
                obj.delete()
        except StaleObjectError as exc:
            messages.error(request, conflict_html(exc, " " + _("Nothing was deleted.")))
            return redirect(obj.get_absolute_url())
        except ProtectedError as exc:  # referred to, or kept for good (approved reports)
            messages.error(request, protection_message(name, exc))
            return redirect(obj.get_absolute_url())
        except ValidationError as exc:  # the model refuses (e.g. a published map's node)
            for message in exc.messages:
                messages.error(request, message)
            return redirect(obj.get_absolute_url())
        messages.success(request, _("Deleted %(object)s.") % {"object": name})
        return redirect(self.object_type.url_name("list"))
