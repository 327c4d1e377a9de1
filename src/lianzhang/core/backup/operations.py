"""Backing up and restoring a whole installation: the database and the files in
`UPLOAD_DIR` and `MEDIA_ROOT`, in one archive (see `archive`)."""

from __future__ import annotations

import re
import shutil
import tempfile
from dataclasses import dataclass, field
from importlib import metadata
from pathlib import Path
from typing import Any

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.core.cache import caches
from django.db import connections
from django.utils import timezone
from django.utils.translation import gettext as _

from . import databases
from .archive import FILE_KEYS, FORMAT, FORMAT_VERSION, extract_archive, file_members, write_archive
from .errors import BackupError

__all__ = ["file_roots", "create_backup", "restore_backup", "Restored", "ARCHIVE_NAME"]

# lianzhang-20260131-023000.tar.gz (local time); a second backup in the same second
# gets -1, -2 …; rotation (--keep) only ever deletes names of this shape.
ARCHIVE_NAME = re.compile(r"^(lianzhang-\d{8}-\d{6})(?:-(\d+))?\.tar\.gz$")


def file_roots() -> dict[str, Path]:
    """The directories whose files belong to the installation's data."""
    return dict(zip(FILE_KEYS, (Path(settings.UPLOAD_DIR), Path(settings.MEDIA_ROOT)),
                    strict=True))


def _app_version() -> str:
    try:
        return metadata.version("lianzhang")
    except metadata.PackageNotFoundError:
        return "unknown"


def _archive_path(output: Path | None) -> Path:
    if output is not None and output.name.endswith(".tar.gz"):
        if output.exists():
            raise BackupError(_("%(path)s already exists; choose another name.")
                              % {"path": output})
        output.parent.mkdir(parents=True, exist_ok=True)
        return output
    directory = output or Path(settings.VAR_DIR) / "backups"
    directory.mkdir(parents=True, exist_ok=True)
    stem = f"lianzhang-{timezone.localtime():%Y%m%d-%H%M%S}"
    path, n = directory / f"{stem}.tar.gz", 0
    while path.exists():
        n += 1
        path = directory / f"{stem}-{n}.tar.gz"
    return path


def _rotate(directory: Path, keep: int) -> list[Path]:
    def made(path: Path) -> tuple[str, int]:
        match = ARCHIVE_NAME.match(path.name)
        assert match is not None
        return match.group(1), int(match.group(2) or 0)

    archives = sorted((p for p in directory.iterdir() if ARCHIVE_NAME.match(p.name)), key=made)
    removed = archives[:-keep]
    for path in removed:
        path.unlink()
    return removed


def create_backup(output: Path | None = None, using: str = "default",
                  keep: int | None = None) -> tuple[Path, dict[str, Any], list[Path]]:
    """Write a backup archive of database `using` and the file roots. `output` is a
    directory (default `VAR_DIR/backups`, named by time) or a `.tar.gz` path; `keep`
    then deletes all but the newest `keep` archives in that directory. Returns the
    archive's path, its manifest and the archives rotated away."""
    connection = connections[using]
    vendor = databases.check_vendor(connection)
    databases.check_outside_transaction(connection)
    if keep is not None and keep < 1:
        raise BackupError(_("--keep must be at least 1."))
    target = _archive_path(output)
    manifest = {
        "format": FORMAT, "format_version": FORMAT_VERSION, "app_version": _app_version(),
        "created": timezone.localtime().isoformat(timespec="seconds"),
        "database": {"vendor": vendor, "member": databases.DUMP_NAMES[vendor],
                     "server_version": databases.server_version(connection)},
        "migrations": databases.applied_migrations(connection),
    }
    with tempfile.TemporaryDirectory(dir=target.parent, prefix=".backup-") as tmp:
        dump = Path(tmp) / "dump"
        databases.dump_database(connection, dump)
        manifest = write_archive(target, manifest, dump, databases.DUMP_NAMES[vendor],
                                 file_roots())
    removed = _rotate(target.parent, keep) if keep else []
    return target, manifest, removed


@dataclass
class Restored:
    """What a restore found and did."""

    manifest: dict[str, Any]
    restored: bool = False
    overwritten_tables: list[str] = field(default_factory=list)
    overwritten_files: int = 0


def _check_compatible(manifest: dict[str, Any], vendor: str) -> None:
    archived_vendor = manifest["database"].get("vendor")
    if archived_vendor != vendor:
        raise BackupError(_("The backup holds a %(archived)s database but this installation "
                            "uses %(vendor)s; a backup restores into the same database "
                            "system only.") % {"archived": archived_vendor, "vendor": vendor})
    archived, code = set(manifest["migrations"]), set(databases.code_migrations())
    if archived != code:
        missing, unknown = sorted(code - archived), sorted(archived - code)
        raise BackupError(_(
            "The backup's database schema does not match this version of Lianzhang "
            "(backup made by version %(version)s on %(created)s). Migrations this code has "
            "but the backup lacks: %(missing)s. Migrations in the backup this code does not "
            "know: %(unknown)s. Restore it with the version that made it, then upgrade and "
            "run `lianzhang migrate`.") % {
            "version": manifest["app_version"], "created": manifest["created"],
            "missing": "、".join(missing[:10]) or "—", "unknown": "、".join(unknown[:10]) or "—"})


def _move_children(source: Path, target: Path) -> None:
    for child in list(source.iterdir()):
        shutil.move(child, target / child.name)


def _replace_files(staged: Path, roots: dict[str, Path]) -> None:
    """Make each file root hold exactly the archived files. The old files are moved
    aside first (renames on one file system) and deleted only once the new ones are in
    place; if that fails they are put back."""
    for key, root in roots.items():
        source = staged / "files" / key
        root.mkdir(parents=True, exist_ok=True)
        old = Path(tempfile.mkdtemp(dir=root.parent, prefix=f".{root.name}-before-restore-"))
        _move_children(root, old)
        try:
            if source.is_dir():
                _move_children(source, root)
        except OSError as exc:
            shutil.rmtree(root)
            root.mkdir()
            _move_children(old, root)
            old.rmdir()
            raise BackupError(_("The database was restored but the files in %(dir)s could "
                                "not be replaced (%(error)s); they are as before. Fix the "
                                "cause and restore again with --force.")
                              % {"dir": root, "error": exc}) from None
        shutil.rmtree(old)


def restore_backup(archive: Path, using: str = "default", force: bool = False,
                   check_only: bool = False) -> Restored:
    """Restore database `using` and the file roots from `archive`. Refused, with
    nothing changed, when the archive is damaged, from another database system or
    another schema, or when the installation holds data and `force` is not given.
    `check_only` verifies all that and writes nothing."""
    connection = connections[using]
    vendor = databases.check_vendor(connection)
    databases.check_outside_transaction(connection)
    roots = file_roots()
    staging_parent = Path(settings.VAR_DIR)
    staging_parent.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(dir=staging_parent, prefix=".restore-") as tmp:
        staged = Path(tmp)
        manifest = extract_archive(archive, staged)
        _check_compatible(manifest, vendor)
        result = Restored(manifest, overwritten_tables=databases.tables_with_rows(connection),
                          overwritten_files=len(file_members(roots)))
        if check_only:
            return result
        if (result.overwritten_tables or result.overwritten_files) and not force:
            raise BackupError(_not_empty_message(result, roots))
        databases.restore_database(connection, staged / manifest["database"]["member"])
        _replace_files(staged, roots)
    # Cached figures, job progress and content type ids described the old data.
    caches["default"].clear()
    ContentType.objects.clear_cache()
    result.restored = True
    return result


def _not_empty_message(result: Restored, roots: dict[str, Path]) -> str:
    parts = []
    if result.overwritten_tables:
        tables = result.overwritten_tables
        parts.append(_("the database holds data (%(count)d tables, e.g. %(tables)s)")
                     % {"count": len(tables), "tables": "、".join(tables[:5])})
    if result.overwritten_files:
        parts.append(_("%(count)d files are in %(dirs)s")
                     % {"count": result.overwritten_files,
                        "dirs": "、".join(str(p) for p in roots.values())})
    return _("Refused: %(what)s. A restore replaces all of it with the backup; run it "
             "again with --force to do so (make a backup of the current state first).") % {
        "what": "；".join(parts)}
