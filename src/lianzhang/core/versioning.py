"""A data version for caches of derived figures: every audited write bumps it, so a
cached chain figure is never older than the data it was computed from."""

from __future__ import annotations

from django.core.cache import cache

__all__ = ["data_version", "bump_data_version"]

KEY = "lianzhang:data-version"


def data_version() -> int:
    """The current version (any audited write since start-up changes it)."""
    value = cache.get(KEY)
    if value is None:
        cache.add(KEY, 1, None)
        value = cache.get(KEY, 1)
    return int(value)


def bump_data_version() -> None:
    """Called by the audit path after every write."""
    try:
        cache.incr(KEY)
    except ValueError:  # not set yet
        cache.add(KEY, 2, None)
