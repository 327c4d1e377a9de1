"""`lianzhang import-pool PATH`: load a reference pool of outside firms (town=None)
from CSV or XLSX (Parquet when pyarrow is installed). All rows or nothing."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from lianzhang.core.context import change_context

from ...services.pool import PoolImportError, import_pool, read_pool_file

__all__ = ["Command"]


class Command(BaseCommand):
    """Reads the file, validates every row through the registry, writes audited."""

    help = gettext_lazy("Load a pool of outside firms (name, USCC, region, industry code, "
                        "products with revenue shares, revenue, tags) into the registry.")

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("path", help=gettext_lazy("CSV, XLSX or Parquet file"))
        parser.add_argument("--dry-run", action="store_true",
                            help=gettext_lazy("Check the file and write nothing"))

    def handle(self, *args: Any, **options: Any) -> None:
        path = options["path"]
        try:
            table = read_pool_file(path)
            with change_context(actor="import-pool"):
                result = import_pool(table, dry_run=options["dry_run"],
                                     source=_("pool import: %(file)s") % {"file": path})
        except PoolImportError as exc:
            raise CommandError("\n".join([_("The pool file was refused; nothing was written:"),
                                           *exc.errors[:50]])) from None
        verb = _("Would load") if result.dry_run else _("Loaded")
        self.stdout.write(_("%(verb)s %(rows)d rows: %(created)d new outside firms, "
                            "%(updated)d updated, %(skipped)d local firms skipped, "
                            "%(products)d products, %(figures)d revenue figures.") % {
            "verb": verb, "rows": result.rows, "created": result.created,
            "updated": result.updated, "skipped": len(result.skipped_local),
            "products": result.products, "figures": result.figures})
