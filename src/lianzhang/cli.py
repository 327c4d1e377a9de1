"""The `lianzhang` console script: the project's manage.py."""

from __future__ import annotations

import os
import sys

__all__ = ["main"]


def main(argv: list[str] | None = None) -> None:
    """Run a Django management command (`lianzhang migrate`, `lianzhang serve` …)."""
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "lianzhang.settings")
    from django.core.management import execute_from_command_line

    execute_from_command_line(["lianzhang", *(sys.argv[1:] if argv is None else argv)])


if __name__ == "__main__":
    main()
