"""A data version for caches of derived figures: every audited write bumps it, so a
cached chain figure is never older than the data it was computed from."""

from __future__ import annotations

from django.conf import settings
from django.core.cache import cache
from django.db import transaction

__all__ = ["data_version", "bump_data_version"]

KEY = "lianzhang:data-version"


def data_version() -> int:
    """The current version (any audited write since start-up changes it)."""
    value = cache.get(KEY)
    if value is None:
        cache.add(KEY, 1, None)
        value = cache.get(KEY, 1)
    return int(value)


def _bump_now() -> None:
    try:
        cache.incr(KEY)
    except ValueError:  # not set yet
        cache.add(KEY, 2, None)


def bump_data_version() -> None:
    """Called by the audit path after every write. Inside a transaction the bump is
    made once, at commit (a bulk import writes thousands of records; a rolled-back
    one changed nothing). Tests, whose transactions never commit, bump at once
    (setting LIANZHANG_BUMP_ON_COMMIT = False)."""
    connection = transaction.get_connection()
    if not connection.in_atomic_block or not getattr(settings, "LIANZHANG_BUMP_ON_COMMIT", True):
        _bump_now()
        return
    # Already scheduled in this transaction? (Django drops the callback on rollback.)
    if any(func is _bump_now for _sids, func, _robust in connection.run_on_commit):
        return
    transaction.on_commit(_bump_now)
