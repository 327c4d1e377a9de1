"""Data versions for caches of derived figures: every audited write bumps them, so a
cached figure is never older than the data it was computed from.

`data_version()` changes on every write. A write can also be confined to scopes
(e.g. "chain:5" for a link on chain 5's map): an app registers, per model, a function
that names the scopes a change touches (`register_scopes`); `scoped_version(scope)`
then changes on every write in that scope and on every write that names no scopes,
and a cache keyed by it survives writes confined to other scopes. A model without a
registered function, or a function that cannot tell, makes the write unscoped: the
safe default invalidates everything."""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable, Sequence
from typing import Any

from django.conf import settings
from django.core.cache import cache
from django.db import models, transaction

__all__ = ["data_version", "scoped_version", "bump_data_version", "register_scopes",
           "change_scopes"]

KEY = "lianzhang:data-version"
UNSCOPED = f"{KEY}:unscoped"

ScopeFunction = Callable[[Sequence[dict[str, Any]]], "set[str] | None"]
_SCOPES: dict[type[models.Model], ScopeFunction] = {}


def _version(key: str) -> int:
    value = cache.get(key)
    if value is None:
        # Start from the clock, not 1: a version evicted from the cache and started
        # again must not meet figures cached under its earlier values.
        cache.add(key, time.time_ns(), None)
        value = cache.get(key, 0)
    return int(value)


def data_version() -> int:
    """The current version (any audited write since start-up changes it)."""
    return _version(KEY)


def scoped_version(scope: str) -> str:
    """The version of the data a cache for `scope` depends on: it changes on every
    write in the scope and every unscoped write, and on nothing else."""
    return f"{_version(UNSCOPED)}.{_version(f'{KEY}:{scope}')}"


def register_scopes(model: type[models.Model], func: ScopeFunction) -> None:
    """Name the scopes a change of `model` touches: `func` gets the change's audit
    snapshots (before and/or after, fields as in the audit log, FKs as ids) and returns
    the scope names, or None when it cannot tell (then the write is unscoped)."""
    _SCOPES[model] = func


def change_scopes(model: type[models.Model], snapshots: Iterable[dict | None]
                  ) -> frozenset[str] | None:
    """The scopes a change touches (see `register_scopes`), None = unscoped."""
    func = _SCOPES.get(model._meta.concrete_model)
    if func is None:
        return None
    scopes = func([s for s in snapshots if s is not None])
    return None if scopes is None else frozenset(scopes)


def _incr(key: str) -> None:
    try:
        cache.incr(key)
    except ValueError:  # not set yet: any value other than the one readers saw will do
        cache.add(key, time.time_ns(), None)


def _bump_now(scopes: Iterable[str] | None) -> None:
    _incr(KEY)
    if scopes is None:
        _incr(UNSCOPED)
    else:
        for scope in scopes:
            _incr(f"{KEY}:{scope}")


class _Pending:
    """The bumps a transaction will make at commit: unscoped, or these scopes."""

    def __init__(self) -> None:
        self.unscoped = False
        self.scopes: set[str] = set()

    def add(self, scopes: frozenset[str] | None) -> None:
        if scopes is None:
            self.unscoped = True
        else:
            self.scopes |= scopes

    def flush(self) -> None:
        _bump_now(None if self.unscoped else self.scopes)


def bump_data_version(scopes: Iterable[str] | None = None) -> None:
    """Called by the audit path after every write, with the scopes the write touches
    (None: unscoped). Inside a transaction the bumps are made once, at commit (a bulk
    import writes thousands of records; a rolled-back one changed nothing). Tests,
    whose transactions never commit, bump at once (LIANZHANG_BUMP_ON_COMMIT = False)."""
    scopes = None if scopes is None else frozenset(scopes)
    connection = transaction.get_connection()
    if not connection.in_atomic_block or not getattr(settings, "LIANZHANG_BUMP_ON_COMMIT", True):
        _bump_now(scopes)
        return
    pending = getattr(connection, "_lianzhang_pending_bumps", None)
    # Still scheduled in this transaction? (Django drops the callback on rollback;
    # then the writes it stood for were rolled back too and a new one starts afresh.)
    if pending is None or not any(func == pending.flush
                                  for _sids, func, _robust in connection.run_on_commit):
        pending = _Pending()
        connection._lianzhang_pending_bumps = pending
        transaction.on_commit(pending.flush)
    pending.add(scopes)
