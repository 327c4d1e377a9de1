"""Demo steps registered by apps: `load_demo` runs the core city first, then every
registered step in order, each inside the same change context and transaction.
An app adds its demo data from its own `demo.py` without editing this app."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

__all__ = ["DemoContext", "demo_steps", "register_demo_step"]


@dataclass
class DemoContext:
    """What the steps share: the seed, the scale and objects made by earlier steps
    (`towns` by name, `chains` by code, `users` by username, …)."""

    seed: int = 2024
    enterprises: int = 600
    objects: dict[str, Any] | None = None

    def __post_init__(self) -> None:
        self.objects = self.objects or {}


demo_steps: list[tuple[int, str, Callable[[DemoContext], dict[str, int]]]] = []


def register_demo_step(order: int, name: str) -> Callable:
    """Decorator: run `fn(ctx) -> {what: created count}` as a demo step."""

    def wrap(fn: Callable[[DemoContext], dict[str, int]]):
        if all(existing != name for _o, existing, _f in demo_steps):
            demo_steps.append((order, name, fn))
            demo_steps.sort(key=lambda item: item[0])
        return fn

    return wrap
