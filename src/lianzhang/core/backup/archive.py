"""The backup archive: one gzip-compressed tar file holding the database dump
(`database/…`), the uploads and media (`files/uploads/…`, `files/media/…`) and, last,
`manifest.json`: format version, app version, time, database vendor, migration state
and the size and SHA-256 of every other member. The archive is written under a
temporary name and renamed when complete, readable by its owner only (it holds
password hashes and API tokens); reading checks every member against the manifest
before anything is restored."""

from __future__ import annotations

import hashlib
import io
import json
import os
import tarfile
import time
import zlib
from pathlib import Path, PurePosixPath
from typing import Any, BinaryIO

from django.utils.translation import gettext as _

from .errors import BackupError

__all__ = ["FORMAT", "FORMAT_VERSION", "MANIFEST", "FILE_KEYS", "write_archive",
           "extract_archive", "file_members"]

FORMAT = "lianzhang-backup"
FORMAT_VERSION = 1
MANIFEST = "manifest.json"
# The file directories an archive may hold, as `files/<key>/…`.
FILE_KEYS = ("uploads", "media")


class _HashingReader:
    """A file wrapper computing the SHA-256 of what tarfile reads, so each file is
    read once and its checksum describes exactly the bytes archived."""

    def __init__(self, raw: BinaryIO) -> None:
        self.raw = raw
        self.digest = hashlib.sha256()

    def read(self, size: int = -1) -> bytes:
        data = self.raw.read(size)
        self.digest.update(data)
        return data


def file_members(roots: dict[str, Path]) -> list[tuple[Path, str]]:
    """(file, member name) for every regular file under the file roots (symbolic links
    are not followed: they could point anywhere on the server)."""
    found = []
    for key, root in roots.items():
        if not root.is_dir():
            continue
        for path in sorted(root.rglob("*")):
            if path.is_file() and not path.is_symlink():
                found.append((path, f"files/{key}/{path.relative_to(root).as_posix()}"))
    return found


def _add(tar: tarfile.TarFile, path: Path, name: str) -> dict[str, Any]:
    info = tar.gettarinfo(str(path), arcname=name)
    info.mode, info.uid, info.gid, info.uname, info.gname = 0o600, 0, 0, "", ""
    with path.open("rb") as raw:
        reader = _HashingReader(raw)
        tar.addfile(info, reader)  # type: ignore[arg-type]  # reads exactly info.size bytes
    return {"size": info.size, "sha256": reader.digest.hexdigest()}


def write_archive(target: Path, manifest: dict[str, Any], dump: Path, dump_member: str,
                  roots: dict[str, Path]) -> dict[str, Any]:
    """Write the archive to `target` (atomically, mode 0600); returns the manifest with
    its `members` checksums filled in."""
    partial = target.with_name(f".{target.name}.partial")
    members: dict[str, Any] = {}
    descriptor = os.open(partial, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    try:
        with os.fdopen(descriptor, "wb") as raw:
            with tarfile.open(fileobj=raw, mode="w:gz", compresslevel=6) as tar:
                members[dump_member] = _add(tar, dump, dump_member)
                for path, name in file_members(roots):
                    members[name] = _add(tar, path, name)
                manifest = {**manifest, "members": members}
                data = json.dumps(manifest, ensure_ascii=False, indent=2,
                                  sort_keys=True).encode()
                info = tarfile.TarInfo(MANIFEST)
                info.size, info.mtime, info.mode = len(data), int(time.time()), 0o600
                tar.addfile(info, io.BytesIO(data))
            raw.flush()
            os.fsync(raw.fileno())
        os.replace(partial, target)
    except BaseException:
        partial.unlink(missing_ok=True)
        raise
    return manifest


def _check_member(member: tarfile.TarInfo) -> None:
    parts = PurePosixPath(member.name).parts
    expected = (member.name == MANIFEST or parts[:1] == ("database",)
                or (parts[:1] == ("files",) and (len(parts) == 1 or parts[1] in FILE_KEYS)))
    if not (member.isfile() or member.isdir()) or ".." in parts or not expected:
        raise BackupError(_("The archive holds an unexpected entry %(name)s: it is not a "
                            "Lianzhang backup, or it has been tampered with.")
                          % {"name": member.name})


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as raw:
        for chunk in iter(lambda: raw.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def _load_manifest(path: Path) -> dict[str, Any]:
    try:
        manifest = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        raise BackupError(_("The archive has no readable manifest: it is not a Lianzhang "
                            "backup, or it is incomplete.")) from None
    if not isinstance(manifest, dict) or manifest.get("format") != FORMAT:
        raise BackupError(_("The archive is not a Lianzhang backup."))
    version = manifest.get("format_version")
    if not isinstance(version, int) or version > FORMAT_VERSION:
        raise BackupError(_("The backup has format version %(version)s; this version of "
                            "Lianzhang reads up to version %(supported)d. Restore it with a "
                            "newer Lianzhang.")
                          % {"version": version, "supported": FORMAT_VERSION})
    for key in ("app_version", "created", "database", "migrations", "members"):
        if key not in manifest:
            raise BackupError(_("The backup's manifest lacks %(key)s.") % {"key": key})
    return manifest


def _verify(manifest: dict[str, Any], root: Path) -> None:
    found = {p.relative_to(root).as_posix() for p in root.rglob("*") if p.is_file()}
    found.discard(MANIFEST)
    expected = set(manifest["members"])
    if found != expected:
        names = sorted(found ^ expected)
        raise BackupError(_("The archive does not match its manifest (%(names)s): it is "
                            "incomplete or has been altered.")
                          % {"names": "、".join(names[:5])})
    for name, meta in manifest["members"].items():
        path = root / name
        if path.stat().st_size != meta.get("size") or _sha256(path) != meta.get("sha256"):
            raise BackupError(_("%(name)s in the archive is damaged (its checksum does not "
                                "match the manifest).") % {"name": name})


def extract_archive(archive: Path, into: Path) -> dict[str, Any]:
    """Unpack `archive` into the empty directory `into` and verify every member
    against the manifest; returns the manifest."""
    try:
        with tarfile.open(archive, "r:*") as tar:
            for member in tar:
                _check_member(member)
                tar.extract(member, into, filter="data")
    except FileNotFoundError:
        raise BackupError(_("%(path)s does not exist.") % {"path": archive}) from None
    except (tarfile.TarError, OSError, EOFError, zlib.error) as exc:
        raise BackupError(_("%(path)s is not a readable backup archive (%(error)s).")
                          % {"path": archive, "error": exc}) from None
    manifest = _load_manifest(into / MANIFEST)
    _verify(manifest, into)
    return manifest
