"""The town's monthly sheet: one screen with every project of the town for a month
(plain inputs in tab order, one POST saving all rows in one transaction), the same
sheet as an Excel download, and its upload as the alternative way in."""

from __future__ import annotations

import io
import json
from datetime import date
from decimal import Decimal
from typing import Any

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.encoding import escape_uri_path
from django.utils.translation import gettext as _

from chainkit.projects import add_months
from lianzhang.core.exporter import neutralise
from lianzhang.core.locking import parse_revision
from lianzhang.core.params import IdField, parse_query
from lianzhang.core.permissions import user_can
from lianzhang.core.tabular import TableError, read_table
from lianzhang.regions.models import Region

from ..choices import ReportStatus
from ..models import MoneySum, ProgressReport, Project, effective_figure, month_label
from ..reminders import reporting_projects
from ..reporting import REPORT_FIELDS, SheetRow, save_month
from .review import MonthQuery

__all__ = ["monthly_sheet", "sheet_columns", "sheet_rows_from_table"]

SHORT = {"completed": "c", "progress": "p", "problems": "q", "negative_reason": "r",
         "overrun_acknowledged": "a"}


def sheet_columns() -> list[tuple[str, str]]:
    """(key, header) of the Excel sheet in the active language."""
    cols = [("code", str(Project._meta.get_field("code").verbose_name)),
            ("name", str(Project._meta.get_field("name").verbose_name))]
    return cols + [(f, str(ProgressReport._meta.get_field(f).verbose_name)) for f in REPORT_FIELDS]


def _header_keys() -> dict[str, str]:
    keys: dict[str, str] = {}
    for lang in ("zh-hans", "en"):
        with translation.override(lang):
            keys.update({h.strip().lower(): k for k, h in sheet_columns()})
    keys.update({"项目编号": "code", "项目名称": "name", "本月完成投资": "completed",
                 "本月完成投资(万元)": "completed", "形象进度": "progress"})
    return keys


def _truthy(text: str) -> bool:
    return str(text).strip().lower() in {"1", "true", "yes", "y", "on", "是", "√", "✓", "x"}


def sheet_rows_from_table(table: Any) -> list[SheetRow]:
    """SheetRows from an uploaded sheet (rows numbered as in the spreadsheet)."""
    keys = _header_keys()
    index = {}
    for i, header in enumerate(table.header):
        key = keys.get(header.strip().lower())
        if key is None:
            raise TableError(_("Unknown column “%(column)s”.") % {"column": header})
        index[key] = i
    if "code" not in index or "completed" not in index:
        raise TableError(_("The sheet needs the project code and this month's figure columns."))
    rows = []
    for row_no, cells in zip(table.row_numbers, table.rows, strict=True):
        get = lambda k, c=cells: c[index[k]] if k in index and index[k] < len(c) else ""  # noqa: E731
        rows.append(SheetRow(row_no=row_no, code=get("code").strip(), completed=get("completed"),
                             progress=get("progress"), problems=get("problems"),
                             negative_reason=get("negative_reason"),
                             overrun_acknowledged=_truthy(get("overrun_acknowledged"))))
    return rows


def _rows_from_post(request: HttpRequest, ids: list[int]) -> list[SheetRow]:
    """The screen's rows: packed JSON (`sheet`, sent by the page's script so a big
    town stays under Django's field-count limit) or one input per cell."""
    packed = json.loads(request.POST["sheet"]) if request.POST.get("sheet") else None
    rows = []
    for n, pid in enumerate(ids, start=1):
        cell = (packed or {}).get(str(pid), {}) if packed is not None else {
            s: request.POST.get(f"{s}-{pid}", "") for s in (*SHORT.values(), "v")}
        if packed is not None and str(pid) not in packed:
            continue  # locked rows are not sent
        rows.append(SheetRow(row_no=n, project_id=pid, completed=str(cell.get("c", "")),
                             progress=str(cell.get("p", "")), problems=str(cell.get("q", "")),
                             negative_reason=str(cell.get("r", "")),
                             overrun_acknowledged=_truthy(cell.get("a", "")),
                             revision=parse_revision(cell.get("v"))))
    if packed is not None:  # rows sent that are not on the screen: refused by the service
        rows += [SheetRow(row_no=len(ids) + 1, project_id=int(k), completed=str(v.get("c", "")))
                 for k, v in packed.items() if k.isdigit() and int(k) not in ids]
    return rows


class SheetQuery(MonthQuery):
    """The sheet's month and town, and `format=xlsx` for the download."""

    town = IdField()
    format = forms.ChoiceField(choices=[("xlsx", "XLSX")])


def _context(request: HttpRequest, params: dict[str, Any]
             ) -> tuple[date, Region | None, list[Region]]:
    month = params["month"] or add_months(timezone.localdate(), -1)
    visible = Project.objects.restrict(request.user, "view")
    towns = list(Region.objects.filter(level="town", pk__in=visible.values("town")))
    town = next((t for t in towns if t.pk == params["town"]), towns[0] if towns else None)
    return month, town, towns


def _sheet(request: HttpRequest, month: date, town: Region | None) -> list[dict[str, Any]]:
    if town is None:
        return []
    projects = list(reporting_projects(Project.objects.restrict(request.user, "view")
                                       .filter(town=town), month).order_by("code"))
    reports = {r.project_id: r for r in ProgressReport.objects.filter(
        project__in=[p.pk for p in projects], month=month)}
    before = dict(ProgressReport.objects.filter(project__in=[p.pk for p in projects],
                                                month__lt=month)
                  .values("project").annotate(s=MoneySum(effective_figure()))
                  .values_list("project", "s"))
    rows = []
    for project in projects:
        report = reports.get(project.pk)
        locked = report is not None and report.status in (ReportStatus.APPROVED,
                                                           ReportStatus.SUBMITTED)
        rows.append({"project": project, "report": report, "locked": locked,
                     "before": before.get(project.pk) or Decimal(0)})
    return rows


def _xlsx(rows: list[dict[str, Any]], month: date, town: Region) -> HttpResponse:
    from openpyxl import Workbook

    wb = Workbook(write_only=True)
    ws = wb.create_sheet(month_label(month))
    ws.append([h for _k, h in sheet_columns()])
    for row in rows:
        report, project = row["report"], row["project"]
        values = [project.code, project.name]
        for name in REPORT_FIELDS:
            value = getattr(report, name, "") if report else ""
            values.append(("1" if value else "") if name == "overrun_acknowledged" else value)
        ws.append([neutralise(v) for v in values])
    buf = io.BytesIO()
    wb.save(buf)
    response = HttpResponse(buf.getvalue(), content_type=(
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"))
    name = f"{town.name}-{month:%Y-%m}.xlsx"
    response["Content-Disposition"] = f"attachment; filename*=UTF-8''{escape_uri_path(name)}"
    return response


def monthly_sheet(request: HttpRequest) -> HttpResponse:
    """GET: the month's sheet (or `?format=xlsx`); POST: save or submit all rows,
    from the screen or from an uploaded sheet."""
    if not user_can(request.user, ProgressReport, "add"):
        raise PermissionDenied
    params = parse_query(request, SheetQuery)
    month, town, towns = _context(request, params)
    rows = _sheet(request, month, town)
    if request.method == "GET" and params["format"] == "xlsx" and town is not None:
        return _xlsx(rows, month, town)
    errors: list[str] = []
    typed: dict[int, dict[str, str]] = {}
    if request.method == "POST":
        submit = request.POST.get("action") == "submit"
        upload = request.FILES.get("file")
        try:
            if upload is not None:
                sheet_rows = sheet_rows_from_table(read_table(upload.name, upload.read()))
            else:
                sheet_rows = _rows_from_post(request, [r["project"].pk for r in rows
                                                       if not r["locked"]])
        except (TableError, ValueError) as exc:
            errors = [str(exc)]
        else:
            result = save_month(request.user, month, sheet_rows, submit)
            if result.ok:
                messages.success(request, _(
                    "%(month)s: saved %(saved)d row(s), submitted %(submitted)d.") % {
                    "month": month_label(month), "saved": result.created + result.updated,
                    "submitted": result.submitted})
                query = f"?month={month:%Y-%m}" + (f"&town={town.pk}" if town else "")
                return redirect(reverse("projects:monthly") + query)
            errors = result.errors
            typed = {r.project_id: {"completed": r.completed, "progress": r.progress,
                                    "problems": r.problems, "negative_reason": r.negative_reason,
                                    "overrun_acknowledged": r.overrun_acknowledged}
                     for r in sheet_rows if r.project_id}
    for row in rows:
        row["typed"] = typed.get(row["project"].pk)
    return render(request, "projects/monthly_sheet.html", {
        "month": month, "month_text": month_label(month), "town": town, "towns": towns,
        "rows": rows, "errors": errors, "columns": sheet_columns(),
        "prev_month": add_months(month, -1), "next_month": add_months(month, 1),
        "open_rows": sum(1 for r in rows if not r["locked"]),
        "any_locked": any(r["locked"] for r in rows),
    }, status=400 if errors else 200)
