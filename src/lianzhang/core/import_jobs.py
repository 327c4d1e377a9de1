"""Imports as background jobs: a big file runs as `ImportJob`; when its worker dies
while it writes, `UndoImportJob` removes what it had written (docs/jobs.md)."""

from __future__ import annotations

import uuid
from pathlib import Path
from typing import Any

from django.conf import settings
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from .importer import import_file
from .jobs import JobCancelled, JobRunner, register_runner
from .models import Job, ObjectChange
from .registry import get_object_type
from .undo import undo_changes

__all__ = ["ImportJob", "UndoImportJob", "remove_upload"]


def remove_upload(path: str) -> bool:
    """Delete an uploaded import file (only inside UPLOAD_DIR); True if it existed."""
    if not path:
        return False
    file_path = Path(path).resolve()
    if not file_path.is_relative_to(Path(settings.UPLOAD_DIR).resolve()):
        return False
    existed = file_path.exists()
    file_path.unlink(missing_ok=True)
    return existed


@register_runner
class ImportJob(JobRunner):
    """A large import run in the background; the same all-or-nothing rules apply.

    Not run again when its worker dies: the user previewed the file against the data
    of that moment and should decide again; what it had written is undone and its
    upload removed instead."""

    kind = "core.import"
    name = gettext_lazy("Bulk import")
    result_labels = {"rows": gettext_lazy("Rows read"),
                     "created": gettext_lazy("Objects created"),
                     "updated": gettext_lazy("Objects updated"),
                     "queued": gettext_lazy("Rows held for review")}

    def run(self, object_type: str, path: str, filename: str,
            checked: bool = False) -> dict[str, Any]:
        try:
            data = Path(path).read_bytes()
        except FileNotFoundError:
            raise RuntimeError(_("The uploaded file is no longer there; please upload it "
                                 "again.")) from None
        try:
            if not checked:
                self.log(_("Checking every row (nothing is written until all rows pass)."))
            result = import_file(get_object_type(object_type), self.job.user, filename, data,
                                 dry_run=False, progress=self.progress, checked=checked,
                                 on_write=lambda: self.log(_(
                                     "Every row passed the check; writing.")),
                                 on_undo=lambda count: self.log(_(
                                     "Writing stopped; undoing the %(count)d change(s) "
                                     "already written.") % {"count": count}))
        except JobCancelled:
            self.log(_("Stopped; what had been written was rolled back or undone: nothing of "
                       "the file was kept."))
            raise
        finally:
            remove_upload(path)
        for error in result.errors[:200]:
            self.log(error)
        if result.errors:
            raise RuntimeError(_("%(count)d error(s); nothing was written.") % {
                "count": len(result.errors)})
        if not self.job.total:  # written in one short transaction: no progress reports
            self.job.done = self.job.total = result.rows
        self.log(_("Created %(count)d object(s).") % {"count": len(result.created)})
        return {"created": len(result.created), "updated": len(result.updated),
                "queued": result.queued, "rows": result.rows}

    @classmethod
    def abandoned(cls, job: Job) -> list[str]:
        lines = []
        if remove_upload(job.params.get("path", "")):
            lines.append(_("The uploaded file was removed."))
        if job.request_id and ObjectChange.objects.filter(request_id=job.request_id).exists():
            undo = UndoImportJob.enqueue(job.user, name=_("Undo: %(name)s") % {"name": job.name},
                                         parent=job, request_id=str(job.request_id))
            lines.append(_("Part of the file had already been written; job #%(id)d undoes "
                           "it.") % {"id": undo.pk})
        return lines


@register_runner
class UndoImportJob(JobRunner):
    """Undoes what an import wrote before its worker died. Undoing is idempotent, so
    this job simply runs again when its own worker dies."""

    kind = "core.import_undo"
    name = gettext_lazy("Undo an unfinished import")
    requeue_when_orphaned = True
    result_labels = {"undone": gettext_lazy("Changes undone"),
                     "skipped": gettext_lazy("Changes left alone")}

    def run(self, request_id: str) -> dict[str, Any]:
        report = undo_changes(uuid.UUID(request_id), progress=self.progress)
        for line in report.skipped[:200]:
            self.log(line)
        self.log(_("%(count)d change(s) undone.") % {"count": report.undone})
        return {"undone": report.undone, "skipped": len(report.skipped)}
