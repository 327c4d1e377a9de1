"""The change context: who is acting and under which request or job id.

Requests (middleware), jobs and management commands set it; the audit signals
read it. contextvars keep it correct across threads of the dev server."""

from __future__ import annotations

import contextvars
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

__all__ = ["ChangeContext", "change_context", "current_context"]


@dataclass(frozen=True)
class ChangeContext:
    """Who makes changes (user or a named system actor) and the request/job id."""

    user: Any = None
    request_id: uuid.UUID | None = None
    actor: str = ""
    request: Any = None

    def get_user(self) -> Any:
        """The acting user. For requests it is read when needed, because API token
        authentication sets `request.user` after the middleware ran."""
        if self.request is not None:
            user = getattr(self.request, "user", None)
            return user if user is not None and user.is_authenticated else None
        return self.user


_current: contextvars.ContextVar[ChangeContext | None] = contextvars.ContextVar(
    "lianzhang_change_context", default=None
)


def current_context() -> ChangeContext | None:
    """The active change context, or None outside any request, job or command."""
    return _current.get()


@contextmanager
def change_context(user: Any = None, request_id: uuid.UUID | None = None,
                   actor: str = "", request: Any = None) -> Iterator[ChangeContext]:
    """Set the change context for the duration of a block (nested blocks restore)."""
    ctx = ChangeContext(user=user, request_id=request_id or uuid.uuid4(), actor=actor,
                        request=request)
    token = _current.set(ctx)
    try:
        yield ctx
    finally:
        _current.reset(token)
