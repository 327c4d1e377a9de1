"""Backup and restore of a whole installation: the database (SQLite or PostgreSQL)
and the uploaded and media files, in one verified archive."""

from .errors import BackupError
from .operations import Restored, create_backup, file_roots, restore_backup

__all__ = ["BackupError", "Restored", "create_backup", "file_roots", "restore_backup"]
