"""Dumping and restoring the database with the vendor's own tools: SQLite's online
backup API (a consistent snapshot while the server keeps writing, WAL included) and
PostgreSQL's pg_dump / pg_restore. Both copy the database as it is: ids, sequences,
content types, users, API tokens and the audit log come back exactly, and no model
signal runs, so nothing is audited a second time."""

from __future__ import annotations

import os
import re
import shutil
import sqlite3
import subprocess
from pathlib import Path
from typing import Any

from django.db.backends.base.base import BaseDatabaseWrapper
from django.db.backends.postgresql.client import DatabaseClient
from django.db.migrations.loader import MigrationLoader
from django.db.migrations.recorder import MigrationRecorder
from django.utils.translation import gettext as _

from .errors import BackupError

__all__ = ["DUMP_NAMES", "SUPPORTED_VENDORS", "copy_sqlite", "dump_database", "restore_database",
           "applied_migrations", "code_migrations", "tables_with_rows", "server_version",
           "find_pg_tool"]

SUPPORTED_VENDORS = ("sqlite", "postgresql")
DUMP_NAMES = {"sqlite": "database/lianzhang.sqlite3", "postgresql": "database/lianzhang.pgdump"}
# Rows `migrate` itself writes into a new database: their presence does not make a
# database "non-empty".
BOOKKEEPING_TABLES = {"django_migrations", "django_content_type", "auth_permission"}


def check_vendor(connection: BaseDatabaseWrapper) -> str:
    """The connection's vendor, refused unless backups support it."""
    if connection.vendor not in SUPPORTED_VENDORS:
        raise BackupError(_("Backups support SQLite and PostgreSQL, not %(vendor)s.")
                          % {"vendor": connection.vendor})
    return connection.vendor


def check_outside_transaction(connection: BaseDatabaseWrapper) -> None:
    """Refuse to run inside a transaction: a dump from another session would not see
    its uncommitted rows, and a restore would wait for its locks for ever."""
    if connection.in_atomic_block:
        raise BackupError(_("Backup and restore cannot run inside a database transaction."))


def server_version(connection: BaseDatabaseWrapper) -> str:
    """The database server's version, for the manifest."""
    connection.ensure_connection()
    if connection.vendor == "sqlite":
        return sqlite3.sqlite_version
    return str(connection.pg_version)


def applied_migrations(connection: BaseDatabaseWrapper) -> list[str]:
    """The migrations applied to the database, as sorted "app.name" strings."""
    applied = MigrationRecorder(connection).applied_migrations()
    return sorted(f"{app}.{name}" for app, name in applied)


def code_migrations() -> list[str]:
    """The migrations this version of the code has: what a fully migrated database
    records."""
    graph = MigrationLoader(None, ignore_no_migrations=True).graph
    return sorted(f"{app}.{name}" for app, name in graph.nodes)


def tables_with_rows(connection: BaseDatabaseWrapper) -> list[str]:
    """Tables holding data, leaving out the bookkeeping rows `migrate` writes."""
    quote = connection.ops.quote_name
    found = []
    with connection.cursor() as cursor:
        for table in connection.introspection.table_names(cursor):
            if table in BOOKKEEPING_TABLES:
                continue
            cursor.execute(f"SELECT 1 FROM {quote(table)} LIMIT 1")
            if cursor.fetchone():
                found.append(table)
    return found


def copy_sqlite(source: sqlite3.Connection, target: Path) -> None:
    """Copy an open SQLite database to the file `target` with the online backup API."""
    copy = sqlite3.connect(target)
    try:
        # One step (pages=-1): the whole copy is read inside one read transaction, so
        # it is one consistent snapshot even while other connections write (WAL).
        source.backup(copy)
    finally:
        copy.close()


def dump_database(connection: BaseDatabaseWrapper, target: Path) -> None:
    """Write a consistent copy of the database to `target`."""
    if connection.vendor == "sqlite":
        connection.ensure_connection()
        copy_sqlite(connection.connection, target)
    else:
        _run_pg("pg_dump", connection, ["--format=custom", "--no-owner", "--no-privileges",
                                        f"--file={target}"])


def restore_database(connection: BaseDatabaseWrapper, dump: Path) -> None:
    """Replace the database's content with the dump, all or nothing."""
    if connection.vendor == "sqlite":
        connection.ensure_connection()
        source = sqlite3.connect(dump)
        try:
            # The backup API writes every page into the live database in one step
            # under its write lock: other connections see the old or the new database.
            source.backup(connection.connection)
        finally:
            source.close()
    else:
        # --clean drops what the dump recreates; --single-transaction makes the whole
        # restore one transaction, so a failure leaves the database as it was.
        _run_pg("pg_restore", connection, [
            "--clean", "--if-exists", "--no-owner", "--no-privileges", "--single-transaction",
            "--exit-on-error", f"--dbname={connection.settings_dict['NAME']}", str(dump)])
        connection.close()  # the tables were recreated: start a fresh session


def find_pg_tool(name: str) -> str:
    """pg_dump / pg_restore: on PATH, else the newest /usr/lib/postgresql/N/bin (where
    Debian's postgresql packages put them)."""
    found = shutil.which(name)
    if found:
        return found

    def major(path: Path) -> int:
        match = re.search(r"/(\d+)/bin/", str(path))
        return int(match.group(1)) if match else 0

    candidates = sorted(Path("/usr/lib/postgresql").glob(f"*/bin/{name}"), key=major)
    if candidates:
        return str(candidates[-1])
    raise BackupError(_("%(tool)s was not found: install the PostgreSQL client tools of the "
                        "server's major version (Debian: postgresql-client-15).")
                      % {"tool": name})


def _pg_environment(settings_dict: dict[str, Any]) -> dict[str, str]:
    # Django's own psql settings (password, service, SSL files) plus where to connect.
    _args, extra = DatabaseClient.settings_to_cmd_args_env(settings_dict, [])
    env = {**os.environ, **(extra or {})}
    for variable, key in (("PGHOST", "HOST"), ("PGPORT", "PORT"), ("PGUSER", "USER"),
                          ("PGDATABASE", "NAME")):
        if settings_dict.get(key):
            env[variable] = str(settings_dict[key])
    return env


def _run_pg(tool: str, connection: BaseDatabaseWrapper, arguments: list[str]) -> None:
    command = [find_pg_tool(tool), *arguments]
    result = subprocess.run(command, env=_pg_environment(connection.settings_dict),
                            capture_output=True, text=True, check=False)
    if result.returncode != 0:
        detail = result.stderr.strip().splitlines()[-5:]
        raise BackupError(_("%(tool)s failed: %(detail)s")
                          % {"tool": tool, "detail": " / ".join(detail) or result.returncode})
