"""The one error backup and restore raise: a message for the operator, nothing changed."""

__all__ = ["BackupError"]


class BackupError(Exception):
    """A backup or restore was refused or failed; the message says why (in the user's
    language) and the database and files are as they were."""
