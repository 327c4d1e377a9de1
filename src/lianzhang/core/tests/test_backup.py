"""`lianzhang backup` / `lianzhang restore` on the test database's vendor (the suite
runs on SQLite and again on PostgreSQL): a round trip into an empty database gives
back every table row by row (audit log, tokens, jobs, sessions, sequences included)
and every file; restores over data, from a damaged archive, another database system or
another schema are refused with nothing changed."""

from __future__ import annotations

import datetime
import hashlib
import io
import json
import sqlite3
import tarfile
import threading
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connections, transaction
from django.test import Client
from django.utils import timezone

from lianzhang.core.backup.databases import applied_migrations, copy_sqlite
from lianzhang.core.models import Job
from lianzhang.regions.models import Region

BOTH = ["default", "restore_target"]


@pytest.fixture
def installation(settings, tmp_path):
    """File roots and var/ of their own; returns a function that moves them to a new,
    empty place (a new server)."""

    def place(name):
        root = tmp_path / name
        settings.VAR_DIR = root
        settings.UPLOAD_DIR = root / "uploads"
        settings.MEDIA_ROOT = root / "media"
        root.mkdir()
        return root

    place("server")
    return place


def put_files(settings):
    files = {
        Path(settings.UPLOAD_DIR) / "import-17.csv": "名称,代码\n海尔,1\n".encode("gbk"),
        Path(settings.UPLOAD_DIR) / "2026" / "企业名录.xlsx": bytes(range(256)) * 40,
        Path(settings.MEDIA_ROOT) / "exports" / "tree.png": b"\x89PNG\r\n\x1a\n\x00\x00" * 3,
    }
    for path, data in files.items():
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data)


def files_of(settings):
    found = {}
    for key, root in (("uploads", settings.UPLOAD_DIR), ("media", settings.MEDIA_ROOT)):
        root = Path(root)
        if root.is_dir():
            found |= {f"{key}/{p.relative_to(root)}": p.read_bytes()
                      for p in root.rglob("*") if p.is_file()}
    return found


def rows_of(alias):
    """Every table's rows (order-free), plus SQLite's autoincrement counters or
    PostgreSQL's sequence positions."""
    connection = connections[alias]
    quote = connection.ops.quote_name
    with connection.cursor() as cursor:
        tables = connection.introspection.table_names(cursor)
        if connection.vendor == "sqlite":
            tables.append("sqlite_sequence")
        data = {}
        for table in tables:
            cursor.execute(f"SELECT * FROM {quote(table)}")
            data[table] = sorted(cursor.fetchall(), key=repr)
        if connection.vendor == "postgresql":
            cursor.execute("SELECT sequencename, last_value FROM pg_sequences "
                           "WHERE schemaname = current_schema()")
            data["(sequences)"] = sorted(cursor.fetchall(), key=repr)
    return data


def backup(path, **options):
    out = io.StringIO()
    call_command("backup", output=path, stdout=out, **options)
    return out.getvalue()


def restore(path, **options):
    out = io.StringIO()
    call_command("restore", str(path), stdout=out, **options)
    return out.getvalue()


def fill_city():
    """A small demo city, its audit trail, plus what people and jobs leave behind:
    an API token, a job, a failed and a good sign-in (axes records, a session) and a
    password change."""
    from rest_framework.authtoken.models import Token

    from lianzhang.demo.loader import DEMO_PASSWORD, load_demo
    from lianzhang.users.models import User

    load_demo(enterprises=300)
    Token.objects.create(user=User.objects.get(username="admin"))
    Job.objects.create(kind="import", name="导入企业", status=Job.Status.COMPLETED, done=3,
                       total=3, params={"file": "import-17.csv", "rows": 3},
                       result={"created": 3}, log="第1行：已导入", started=timezone.now())
    Client().post("/login/", {"username": "qiye", "password": "wrong"})
    client = Client()
    client.post("/login/", {"username": "jiulong", "password": DEMO_PASSWORD})
    client.post("/account/password/", {"old_password": DEMO_PASSWORD,
                                       "new_password1": "Jiulong-经发办-2026",
                                       "new_password2": "Jiulong-经发办-2026"})


@pytest.mark.slow
@pytest.mark.django_db(transaction=True, databases=BOTH)
def test_it_restores_a_city_into_an_empty_database_row_by_row(installation, settings, tmp_path):
    fill_city()
    put_files(settings)
    source, source_files = rows_of("default"), files_of(settings)
    assert len(source["core_objectchange"]) > 1000 and source["authtoken_token"]
    assert source["axes_accessattempt"] and source["django_session"]
    archive = tmp_path / "city.tar.gz"
    backup(archive)

    installation("new-server")  # empty file roots, and an empty database:
    assert not any(rows for table, rows in rows_of("restore_target").items()
                   if table not in ("django_migrations", "django_content_type",
                                    "auth_permission", "sqlite_sequence", "(sequences)"))
    output = restore(archive, database="restore_target")
    assert "已恢复" in output

    restored = rows_of("restore_target")
    assert set(restored) == set(source)
    for table in source:
        assert restored[table] == source[table], f"{table} differs after the round trip"
    assert files_of(settings) == source_files
    # Sequences carry on after the restored ids.
    job = Job.objects.using("restore_target").create(kind="after", name="恢复后")
    assert job.pk > max(j.pk for j in Job.objects.all())


@pytest.mark.django_db(transaction=True)
def test_it_writes_a_manifest_with_checksums_readable_by_the_owner_only(world, installation,
                                                                        settings, tmp_path):
    put_files(settings)
    archive = tmp_path / "b.tar.gz"
    output = backup(archive)
    assert str(archive) in output
    assert archive.stat().st_mode & 0o777 == 0o600
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".")] == []  # no leftovers
    with tarfile.open(archive) as tar:
        names = tar.getnames()
        manifest = json.load(tar.extractfile("manifest.json"))
        contents = {n: tar.extractfile(n).read() for n in names if n != "manifest.json"}
    assert names[-1] == "manifest.json"
    vendor = connections["default"].vendor
    assert manifest["format"] == "lianzhang-backup" and manifest["format_version"] == 1
    assert manifest["app_version"] and manifest["database"]["vendor"] == vendor
    assert manifest["migrations"] == applied_migrations(connections["default"])
    assert "users.0002_user_password_changed" in manifest["migrations"]
    made = datetime.datetime.fromisoformat(manifest["created"])
    assert abs((timezone.now() - made).total_seconds()) < 120
    assert set(manifest["members"]) == set(contents)
    assert {n for n in contents if n.startswith("files/")} == {
        "files/uploads/import-17.csv", "files/uploads/2026/企业名录.xlsx",
        "files/media/exports/tree.png"}
    for name, data in contents.items():
        assert manifest["members"][name] == {"size": len(data),
                                             "sha256": hashlib.sha256(data).hexdigest()}


@pytest.mark.django_db(transaction=True)
def test_it_refuses_to_restore_over_data_unless_forced(world, installation, settings, tmp_path):
    put_files(settings)
    archive = tmp_path / "b.tar.gz"
    backup(archive)
    at_backup, files_at_backup = rows_of("default"), files_of(settings)
    Region.objects.create(name="新区", code="370281999000", level="town", parent=world.district)
    (Path(settings.UPLOAD_DIR) / "later.csv").write_text("x")
    before, files_before = rows_of("default"), files_of(settings)

    with pytest.raises(CommandError) as refused:
        restore(archive)
    message = str(refused.value)
    assert "--force" in message and "regions_region" in message and "4 个文件" in message
    assert rows_of("default") == before and files_of(settings) == files_before

    restore(archive, force=True)
    assert rows_of("default") == at_backup  # the later region and its audit record are gone
    assert files_of(settings) == files_at_backup
    assert not Region.objects.filter(code="370281999000").exists()


def rewrite(archive, target, manifest=None, members=None, extra=()):
    """A copy of `archive` with the manifest edited by `manifest(m)`, members' bytes
    replaced from `members`, and `extra` (TarInfo, bytes) entries added."""
    with tarfile.open(archive) as tar:
        entries = [(m, tar.extractfile(m).read()) for m in tar.getmembers()]
    with tarfile.open(target, "w:gz") as out:
        for info, data in [*entries, *extra]:
            if info.name == "manifest.json" and manifest:
                loaded = json.loads(data)
                manifest(loaded)
                data = json.dumps(loaded).encode()
            data = (members or {}).get(info.name, data)
            info.size = len(data)
            out.addfile(info, io.BytesIO(data))
    return target


def assert_refused(archive, settings, *fragments, **options):
    before, files_before = rows_of("default"), files_of(settings)
    with pytest.raises(CommandError) as refused:
        restore(archive, **options)
    for fragment in fragments:
        assert fragment in str(refused.value), str(refused.value)
    assert rows_of("default") == before and files_of(settings) == files_before


def _future_schema(manifest):
    manifest["migrations"].remove("users.0002_user_password_changed")
    manifest["migrations"].append("users.9999_from_the_future")


def _other_vendor(manifest):
    other = "postgresql" if manifest["database"]["vendor"] == "sqlite" else "sqlite"
    manifest["database"]["vendor"] = other


@pytest.mark.django_db(transaction=True)
def test_it_refuses_a_backup_of_another_schema_or_database_system(world, installation,
                                                                  settings, tmp_path):
    archive = tmp_path / "b.tar.gz"
    backup(archive)
    assert_refused(rewrite(archive, tmp_path / "schema.tar.gz", manifest=_future_schema),
                   settings, "users.0002_user_password_changed", "users.9999_from_the_future",
                   "lianzhang migrate", force=True)
    assert_refused(rewrite(archive, tmp_path / "vendor.tar.gz", manifest=_other_vendor),
                   settings, "同一种数据库系统", force=True)


@pytest.mark.django_db(transaction=True)
def test_it_refuses_a_damaged_or_foreign_archive(world, installation, settings, tmp_path):
    put_files(settings)
    archive = tmp_path / "b.tar.gz"
    backup(archive)
    damaged = rewrite(archive, tmp_path / "damaged.tar.gz",
                      members={"files/uploads/import-17.csv": b"tampered"})
    assert_refused(damaged, settings, "files/uploads/import-17.csv", "校验和", force=True)

    truncated = tmp_path / "truncated.tar.gz"
    truncated.write_bytes(archive.read_bytes()[: archive.stat().st_size // 2])
    assert_refused(truncated, settings, "truncated.tar.gz", force=True)

    sneaky = tarfile.TarInfo("files/uploads/unlisted.csv")
    unlisted = rewrite(archive, tmp_path / "unlisted.tar.gz", extra=[(sneaky, b"x")])
    assert_refused(unlisted, settings, "files/uploads/unlisted.csv", force=True)

    escape = tarfile.TarInfo("../escaped.txt")
    escaping = rewrite(archive, tmp_path / "escape.tar.gz", extra=[(escape, b"x")])
    assert_refused(escaping, settings, "../escaped.txt", force=True)
    assert not any(p.name == "escaped.txt" for p in tmp_path.rglob("*"))

    assert_refused(tmp_path / "missing.tar.gz", settings, "missing.tar.gz")


@pytest.mark.django_db(transaction=True)
def test_it_checks_an_archive_without_changing_anything(world, installation, settings,
                                                        tmp_path):
    archive = tmp_path / "b.tar.gz"
    backup(archive)
    Region.objects.create(name="新区", code="370281999000", level="town", parent=world.district)
    before = rows_of("default")
    output = restore(archive, check=True)
    assert "--force" in output
    assert rows_of("default") == before


@pytest.mark.django_db(transaction=True)
def test_it_names_archives_by_time_and_keeps_the_newest(world, installation, settings):
    directory = Path(settings.VAR_DIR) / "backups"
    directory.mkdir()
    old = ["lianzhang-20250101-020000.tar.gz", "lianzhang-20250102-020000.tar.gz",
           "lianzhang-20250102-020000-1.tar.gz"]
    for name in [*old, "notes.txt", "lianzhang-manual.tar.gz"]:
        (directory / name).write_text("x")
    output = backup(None, keep=2)
    kept = sorted(p.name for p in directory.iterdir())
    new = [n for n in kept if n not in old and n.startswith("lianzhang-2")]
    assert len(new) == 1 and new[0].startswith(f"lianzhang-{timezone.localtime():%Y%m%d}")
    assert kept == sorted([*new, "lianzhang-20250102-020000-1.tar.gz", "notes.txt",
                           "lianzhang-manual.tar.gz"])
    assert "lianzhang-20250102-020000.tar.gz" in output  # says what it deleted


def test_it_refuses_to_run_inside_a_transaction(db, installation, tmp_path):
    with transaction.atomic(), pytest.raises(CommandError, match="事务"):
        backup(tmp_path / "b.tar.gz")
    assert not (tmp_path / "b.tar.gz").exists()


def test_it_copies_a_consistent_snapshot_of_a_busy_sqlite_database(tmp_path):
    """The online backup API while another connection keeps writing (WAL): every copy
    is intact and holds whole transactions only (rows come in pairs)."""
    path = tmp_path / "busy.sqlite3"
    setup = sqlite3.connect(path)
    setup.execute("PRAGMA journal_mode=WAL")
    setup.execute("CREATE TABLE t (n INTEGER, pair INTEGER)")
    setup.commit()
    stop = threading.Event()

    def write():
        writer = sqlite3.connect(path, timeout=30)
        n = 0
        while not stop.is_set():
            with writer:  # one transaction: two rows
                writer.executemany("INSERT INTO t VALUES (?, ?)", [(n, n), (n + 1, n)])
            n += 2
        writer.close()

    thread = threading.Thread(target=write)
    thread.start()
    try:
        counts = []
        for i in range(5):
            copy = tmp_path / f"copy-{i}.sqlite3"
            copy_sqlite(setup, copy)
            check = sqlite3.connect(copy)
            assert check.execute("PRAGMA integrity_check").fetchone() == ("ok",)
            count, pairs = check.execute("SELECT COUNT(*), COUNT(DISTINCT pair) FROM t").fetchone()
            assert count == 2 * pairs
            counts.append(count)
            check.close()
    finally:
        stop.set()
        thread.join()
    assert counts[-1] > 0
