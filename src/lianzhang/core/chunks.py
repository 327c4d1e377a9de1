"""Long writes in short transactions.

A big import (or undoing one) works through its rows in chunks of about
`IMPORT_CHUNK_SECONDS`, one transaction each, so the database's write lock is never
held for longer than that. On SQLite a waiting writer polls for the lock (every
100 ms once it has waited a while), so after each chunk the writer pauses a little
longer than one poll: without the pause it would take the lock again at once and
starve everyone else."""

from __future__ import annotations

import time
from collections.abc import Iterator

from django.conf import settings
from django.db import connection

__all__ = ["Chunk", "chunked", "SQLITE_PAUSE"]

SQLITE_PAUSE = 0.15


class Chunk:
    """Indexes `start`, `start + 1`, … handed out until the chunk's time is up (the
    clock starts at the first index; one index is always handed out)."""

    def __init__(self, start: int, count: int, seconds: float) -> None:
        self.start = self.end = start
        self.count = count
        self.seconds = seconds

    def __iter__(self) -> Iterator[int]:
        deadline = time.monotonic() + self.seconds
        while self.end < self.count:
            index = self.end
            self.end += 1
            yield index
            if time.monotonic() >= deadline:
                return

    @property
    def is_last(self) -> bool:
        """True when this chunk reached the last index."""
        return self.end >= self.count


def chunked(count: int, seconds: float | None = None) -> Iterator[Chunk]:
    """Chunks covering indexes 0 … count − 1; the caller runs each in its own
    transaction. A caller that stops early (breaks out of a chunk) ends the chunk
    there: the next chunk starts after the last index handed out."""
    seconds = settings.IMPORT_CHUNK_SECONDS if seconds is None else seconds
    # Inside an outer transaction (a test, an inline task) the lock is held anyway.
    pause = SQLITE_PAUSE if (connection.vendor == "sqlite"
                             and not connection.in_atomic_block) else 0.0
    start = 0
    while start < count:
        chunk = Chunk(start, count, seconds)
        yield chunk
        if chunk.end == start:  # the caller did not take any index: stop
            return
        start = chunk.end
        if pause and start < count:
            time.sleep(pause)
