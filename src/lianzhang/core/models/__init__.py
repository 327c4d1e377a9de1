"""Core models: abstract bases, tags, the audit log and job records."""

from .audit import ImmutableError, ObjectChange
from .base import ChangeLoggedModel, NestedModel, OrganizationalModel, PrimaryModel, Scope
from .jobs import Job
from .tags import Tag

__all__ = [
    "ChangeLoggedModel", "ImmutableError", "Job", "NestedModel", "ObjectChange",
    "OrganizationalModel", "PrimaryModel", "Scope", "Tag",
]
