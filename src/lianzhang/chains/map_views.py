"""Map actions: upload into the draft, export a version, draft, publish, compare."""

from __future__ import annotations

import io

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.encoding import escape_uri_path
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from chainkit import chainmap as ck
from chainkit.errors import InputError
from lianzhang.core.exporter import neutralise
from lianzhang.core.params import IdField, QueryForm, parse_query
from lianzhang.core.permissions import allowed_for
from lianzhang.core.tabular import TableError, read_table

from .forms import MapUploadForm
from .models import Chain, MapVersion
from .services import compare_versions, draft_from, load_into_draft, publish, to_chainmap

__all__ = ["map_upload", "map_export", "map_new_draft", "map_publish", "map_compare"]


def _chain(request: HttpRequest, pk: int, action: str) -> Chain:
    """The chain, visible to the user; for "change", the user must also be allowed to
    edit this chain's map versions."""
    chain = get_object_or_404(Chain.objects.restrict(request.user, "view"), pk=pk)
    if action != "view" and not allowed_for(request.user, MapVersion, action, chain_id=chain.pk):
        raise PermissionDenied
    return chain


# Headers that mark the id variant of the tabular format (编号 + 上级编号), which can
# express a cycle; the path variant cannot, so only the id variant needs that check.
PARENT_ID_HEADERS = {"上级编号", "上级节点编号", "父节点编号", "parentid", "parent_id"}


def has_id_columns(header: list[str]) -> bool:
    """Whether a map table uses node ids with a parent-id column."""
    return any(str(h).strip().lower().replace(" ", "") in PARENT_ID_HEADERS for h in header)


def parse_upload(name: str, data: bytes, chain: Chain) -> ck.ChainMap:
    """A map file as a ChainMap: YAML, or XLSX/CSV rows with a path column or with
    编号/上级编号 columns (checked for unknown parents and cycles)."""
    if name.lower().endswith((".yaml", ".yml")):
        try:
            text = data.decode("utf-8-sig")
        except UnicodeDecodeError:
            text = data.decode("gb18030")
        return ck.load_yaml(text)
    table = read_table(name, data)
    if table.cell_errors:
        raise InputError("\n".join(f"第{r}行 {c}: {m}" for r, c, m in table.cell_errors))
    rows = [dict(zip(table.header, row, strict=False)) for row in table.rows]
    if has_id_columns(table.header):
        return ck.from_id_rows(rows, name=chain.name, code=chain.code)
    return ck.from_rows(rows, name=chain.name, code=chain.code)


def map_upload(request: HttpRequest, pk: int) -> HttpResponse:
    """Replace the chain's draft with an uploaded map; nothing is written on any error."""
    chain = _chain(request, pk, "change")
    form = MapUploadForm(request.POST or None, request.FILES or None)
    errors: list[str] = []
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            parsed = parse_upload(upload.name, upload.read(), chain)
        except ck.MapError as exc:
            errors = list(exc.errors)
        except (InputError, TableError, ValueError) as exc:
            errors = str(exc).splitlines()
        else:
            draft = load_into_draft(chain, parsed, note=_("Uploaded from %(file)s") % {
                "file": upload.name})
            messages.success(request, _("Loaded %(count)d nodes into the draft.") % {
                "count": len(parsed.nodes)})
            return redirect(draft.get_absolute_url())
    return render(request, "chains/map_upload.html", {"chain": chain, "form": form,
                                                      "errors": errors},
                  status=400 if errors else 200)


class ExportQuery(QueryForm):
    """`format` of a map export."""

    format = forms.ChoiceField(choices=[("xlsx", "XLSX"), ("yaml", "YAML")], initial="xlsx")


class CompareQuery(QueryForm):
    """The two versions to compare."""

    a = IdField()
    b = IdField()


def map_export(request: HttpRequest, pk: int) -> HttpResponse:
    """A version as XLSX (one row per node with its path) or YAML."""
    version = get_object_or_404(MapVersion.objects.restrict(request.user, "view"), pk=pk)
    fmt = parse_query(request, ExportQuery)["format"]
    parsed = to_chainmap(version)
    label = version.version or "draft"
    if fmt == "yaml":
        response = HttpResponse(ck.dump_yaml(parsed), content_type="application/yaml; charset=utf-8")
        filename = f"{version.chain.code}-{label}.yaml"
    else:
        from openpyxl import Workbook

        rows = ck.to_rows(parsed)
        wb = Workbook()
        ws = wb.active
        ws.title = version.chain.name[:31]
        ws.append(ck.ROW_COLUMNS_ZH)
        for row in rows:
            ws.append([neutralise(row.get(col, "")) for col in ck.ROW_COLUMNS_ZH])
        buf = io.BytesIO()
        wb.save(buf)
        response = HttpResponse(buf.getvalue(), content_type=(
            "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"))
        filename = f"{version.chain.code}-{label}.xlsx"
    response["Content-Disposition"] = f"attachment; filename*=UTF-8''{escape_uri_path(filename)}"
    return response


@require_POST
def map_new_draft(request: HttpRequest, pk: int) -> HttpResponse:
    """Start a draft from a published version (the only way to change a map)."""
    version = get_object_or_404(MapVersion.objects.restrict(request.user, "view"), pk=pk)
    _chain(request, version.chain_id, "change")
    return redirect(draft_from(version).get_absolute_url())


@require_POST
def map_publish(request: HttpRequest, pk: int) -> HttpResponse:
    """Publish a draft as the next version."""
    draft = get_object_or_404(MapVersion.objects.restrict(request.user, "change"), pk=pk)
    try:
        publish(draft, request.user)
    except ck.MapError as exc:
        for error in exc.errors[:20]:
            messages.error(request, error)
    except ValueError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, _("Published version %(version)s.") % {
            "version": draft.version})
    return redirect(draft.get_absolute_url())


def map_compare(request: HttpRequest, pk: int) -> HttpResponse:
    """Compare two versions of a chain's map (?a=<id>&b=<id>)."""
    chain = _chain(request, pk, "view")
    versions = MapVersion.objects.restrict(request.user, "view").filter(chain=chain)
    result = None
    params = parse_query(request, CompareQuery)
    a = versions.filter(pk=params["a"] or 0).first()
    b = versions.filter(pk=params["b"] or 0).first()
    if a and b:
        result = compare_versions(a, b)
    return render(request, "chains/map_compare.html", {
        "chain": chain, "versions": versions, "a": a, "b": b, "diff": result})
