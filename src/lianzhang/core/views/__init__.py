"""Core views: generic object views, home, health check, audit log, jobs."""

from .generic import (
    ObjectChangeLogView,
    ObjectDeleteView,
    ObjectEditView,
    ObjectListView,
    ObjectView,
)
from .imports import BulkImportView

__all__ = ["BulkImportView", "ObjectChangeLogView", "ObjectDeleteView", "ObjectEditView",
           "ObjectListView", "ObjectView"]
