"""`lianzhang restore ARCHIVE`: put back a backup made by `lianzhang backup`. Refused
into an installation that holds data unless --force; refused when the archive is
damaged, from another database system or another schema (see docs/operations.md)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from lianzhang.core.backup import BackupError, restore_backup

__all__ = ["Command"]


class Command(BaseCommand):
    """Verify the archive, then replace the database and the files with it."""

    help = gettext_lazy("Restore the database and files from a backup archive. Stop the "
                        "server and the worker first.")

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("archive", type=Path, help=gettext_lazy("The backup archive"))
        parser.add_argument("--force", action="store_true",
                            help=gettext_lazy("Replace an installation that holds data"))
        parser.add_argument("--check", action="store_true",
                            help=gettext_lazy("Only verify the archive against this "
                                              "installation; change nothing"))
        parser.add_argument("--database", default="default",
                            help=gettext_lazy("Database alias (default: default)"))

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            result = restore_backup(options["archive"], options["database"],
                                    force=options["force"], check_only=options["check"])
        except BackupError as exc:
            raise CommandError(str(exc)) from None
        manifest = result.manifest
        about = {"created": manifest["created"], "version": manifest["app_version"],
                 "vendor": manifest["database"]["vendor"],
                 "files": sum(1 for n in manifest["members"] if n.startswith("files/"))}
        if not result.restored:
            self.stdout.write(_("The archive is intact and fits this installation (made "
                                "%(created)s by version %(version)s; %(vendor)s database, "
                                "%(files)d files). Nothing was changed.") % about)
            if result.overwritten_tables or result.overwritten_files:
                self.stdout.write(_("This installation holds data: restoring needs --force."))
            return
        self.stdout.write(_("Restored the backup made %(created)s by version %(version)s "
                            "(%(vendor)s database, %(files)d files).") % about)
