"""The bulk import page: upload, preview (dry run), commit; big files — and any file
that cannot be written in one short transaction — run as a job."""

from __future__ import annotations

import uuid
from pathlib import Path

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from ..exporter import export_columns
from ..forms import ImportUploadForm
from ..import_jobs import ImportJob
from ..importer import ImportResult, run_import
from ..permissions import user_can
from ..tabular import TableError, read_table
from .generic import BaseObjectView

__all__ = ["BulkImportView", "ImportJob"]


class BulkImportView(BaseObjectView):
    """Upload a CSV/XLSX file; preview first, then write all rows or none."""

    def check(self, request: HttpRequest) -> None:
        if not user_can(request.user, self.object_type.model, "add"):
            raise PermissionDenied

    def get(self, request: HttpRequest) -> HttpResponse:
        self.check(request)
        return self.render(request, ImportUploadForm(), None)

    def render(self, request: HttpRequest, form: ImportUploadForm,
               result: ImportResult | None, status: int = 200) -> HttpResponse:
        return render(request, "core/object_import.html", self.context(
            request, form=form, result=result,
            columns=[h for _n, h in export_columns(self.object_type)]), status=status)

    def post(self, request: HttpRequest) -> HttpResponse:
        self.check(request)
        form = ImportUploadForm(request.POST, request.FILES)
        if not form.is_valid():
            return self.render(request, form, None, status=400)
        upload = form.cleaned_data["file"]
        dry_run = form.cleaned_data["dry_run"]
        if upload.size > settings.IMPORT_MAX_BYTES:
            result = ImportResult(errors=[_(
                "The file is too large (%(size).1f MB); the limit is %(limit)d MB.") % {
                "size": upload.size / 1024 / 1024,
                "limit": settings.IMPORT_MAX_BYTES // 1024 // 1024}])
            return self.render(request, form, result, status=400)
        data = upload.read()
        try:
            table = read_table(upload.name, data)
        except TableError as exc:
            return self.render(request, form, ImportResult(errors=[str(exc)]), status=400)
        if not dry_run and len(table.rows) > settings.IMPORT_JOB_ROWS:
            return self.start_job(request, upload.name, data)
        # A request may be killed by its server's time-out, leaving no one to undo a
        # half-written file: here a file is written only in one short transaction;
        # one that needs more runs as a job (which can be undone if it dies).
        result = run_import(self.object_type, request.user, table, dry_run,
                            write_in_chunks=False)
        if result.needs_job:
            return self.start_job(request, upload.name, data, checked=True)
        if result.ok and not dry_run:
            messages.success(request, _("Imported %(count)d object(s).") % {
                "count": len(result.created)})
            return redirect(self.object_type.url_name("list"))
        return self.render(request, form, result, status=200 if result.ok else 400)

    def start_job(self, request: HttpRequest, filename: str, data: bytes,
                  checked: bool = False) -> HttpResponse:
        """Save the upload and import it in the background; the job's page."""
        settings.UPLOAD_DIR.mkdir(parents=True, exist_ok=True)
        path = settings.UPLOAD_DIR / f"{uuid.uuid4().hex}-{Path(filename).name}"
        path.write_bytes(data)
        job = ImportJob.enqueue(request.user, name=_("Import %(type)s: %(file)s") % {
            "type": self.object_type.verbose_name_plural(), "file": filename},
            object_type=self.object_type.key(), path=str(path), filename=filename,
            checked=checked)
        return redirect(job.get_absolute_url())
