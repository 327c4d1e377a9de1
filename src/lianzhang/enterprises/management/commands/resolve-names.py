"""`lianzhang resolve-names`: the spelling the issue and the engine's help use; the
command itself is `resolve_names` (Django names commands after their module)."""

from .resolve_names import Command

__all__ = ["Command"]
