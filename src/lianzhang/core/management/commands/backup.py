"""`lianzhang backup`: the database and the uploaded and media files in one archive
with a manifest (see docs/operations.md). Safe while the server runs."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from lianzhang.core.backup import BackupError, create_backup

__all__ = ["Command"]


class Command(BaseCommand):
    """Write one backup archive; optionally delete all but the newest N."""

    help = gettext_lazy("Back up the database and the uploaded and media files into one "
                        "archive (default directory: var/backups).")

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("-o", "--output", type=Path,
                            help=gettext_lazy("Directory for the archive (named by time), "
                                              "or the archive's path ending in .tar.gz"))
        parser.add_argument("--keep", type=int,
                            help=gettext_lazy("Then keep only the newest N archives in "
                                              "that directory"))
        parser.add_argument("--database", default="default",
                            help=gettext_lazy("Database alias (default: default)"))

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            path, manifest, removed = create_backup(options["output"], options["database"],
                                                    options["keep"])
        except BackupError as exc:
            raise CommandError(str(exc)) from None
        members = manifest["members"]
        files = sum(1 for name in members if name.startswith("files/"))
        self.stdout.write(_("Backup written: %(path)s (%(size).1f MB; %(vendor)s database, "
                            "%(files)d files, %(migrations)d migrations).") % {
            "path": path, "size": path.stat().st_size / 1e6,
            "vendor": manifest["database"]["vendor"], "files": files,
            "migrations": len(manifest["migrations"])})
        for old in removed:
            self.stdout.write(_("Deleted old backup %(path)s") % {"path": old})
