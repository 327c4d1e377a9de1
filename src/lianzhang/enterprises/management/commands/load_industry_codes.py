"""`lianzhang load_industry_codes PATH`: load the GB/T 4754-2017 table (CSV with
code,name,level,parent_code,description; other columns ignored) so that firms'
industry codes are checked against the standard, not only by format. Idempotent:
codes are inserted or updated, codes no longer in the file are removed; the whole
file is checked first and nothing is written on any error."""

from __future__ import annotations

import csv
import io
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from ...models.enterprise import INDUSTRY_CODE_RE, IndustryCode

__all__ = ["Command", "read_codes", "load_codes"]

COLUMNS = ("code", "name", "level", "parent_code", "description")


def read_codes(path: str | Path) -> list[IndustryCode]:
    """Parse and check the CSV (UTF-8, with or without BOM, or GB18030); raise
    CommandError listing every problem as 第N行 列名: 原因."""
    raw = Path(path).read_bytes()
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        text = raw.decode("gb18030")
    reader = csv.DictReader(io.StringIO(text, newline=""))
    missing = [c for c in COLUMNS[:3] if c not in (reader.fieldnames or [])]
    if missing:
        raise CommandError(_("Missing required column(s): %(columns)s") % {
            "columns": "、".join(missing)})
    codes: dict[str, IndustryCode] = {}
    errors: list[str] = []
    for row in reader:
        line = reader.line_num  # descriptions span lines: report where the row ends
        code = (row.get("code") or "").strip()
        parent = (row.get("parent_code") or "").strip()
        if not INDUSTRY_CODE_RE.match(code):
            errors.append(_("Row %(row)d %(column)s: %(reason)s") % {
                "row": line, "column": "code", "reason": _(
                    "“%(code)s” is not a GB/T 4754-2017 code (a letter A–T or 2–4 "
                    "digits).") % {"code": code}})
            continue
        if code in codes:
            errors.append(_("Row %(row)d %(column)s: %(reason)s") % {
                "row": line, "column": "code", "reason": _("“%(code)s” appears twice.")
                % {"code": code}})
            continue
        codes[code] = IndustryCode(code=code, name=(row.get("name") or "").strip()[:200],
                                   level=(row.get("level") or "").strip()[:10],
                                   parent_code=parent,
                                   description=(row.get("description") or "").strip())
    for item in codes.values():
        if item.parent_code and item.parent_code not in codes:
            errors.append(_("Code %(code)s: its parent %(parent)s is not in the file.") % {
                "code": item.code, "parent": item.parent_code})
    if errors:
        raise CommandError("\n".join(errors[:50]))
    if not codes:
        raise CommandError(_("The file has no codes."))
    return list(codes.values())


@transaction.atomic
def load_codes(codes: list[IndustryCode]) -> tuple[int, int]:
    """Upsert `codes` and drop codes not among them; returns (loaded, removed).
    IndustryCode is a reference table outside the audit log, so bulk writes are fine."""
    wanted = {c.code for c in codes}
    stale = [c for c in IndustryCode.objects.values_list("code", flat=True) if c not in wanted]
    removed, _detail = IndustryCode.objects.filter(code__in=stale).delete()
    IndustryCode.objects.bulk_create(
        codes, batch_size=1000, update_conflicts=True, unique_fields=["code"],
        update_fields=["name", "level", "parent_code", "description"])
    return len(codes), removed


class Command(BaseCommand):
    """Load (or reload) the GB/T 4754-2017 industry classification."""

    help = gettext_lazy("Load the GB/T 4754-2017 industry code table from a CSV file.")

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("path", help="code,name,level,parent_code,description CSV")

    def handle(self, *args: Any, path: str, **options: Any) -> None:
        if not Path(path).is_file():
            raise CommandError(_("No such file: %(path)s") % {"path": path})
        loaded, removed = load_codes(read_codes(path))
        self.stdout.write(_("Loaded %(count)d industry codes (%(removed)d removed).") % {
            "count": loaded, "removed": removed})
