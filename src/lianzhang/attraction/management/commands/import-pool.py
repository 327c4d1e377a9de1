"""`lianzhang import-pool`: the spelling the issue uses; the command itself is
`import_pool` (Django names commands after their module)."""

from .import_pool import Command

__all__ = ["Command"]
