"""Core models: abstract bases, tags, the audit log and job records."""

from .audit import ImmutableError, ObjectChange
from .base import (
    ChangeLoggedModel,
    DeletionRefused,
    NestedModel,
    OrganizationalModel,
    PrimaryModel,
    Scope,
    StaleObjectError,
    protection_message,
)
from .jobs import Job
from .tags import Tag

__all__ = [
    "ChangeLoggedModel", "DeletionRefused", "ImmutableError", "Job", "NestedModel", "ObjectChange",
    "OrganizationalModel", "PrimaryModel", "Scope", "StaleObjectError", "Tag",
    "protection_message",
]
