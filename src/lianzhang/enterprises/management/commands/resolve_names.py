"""`lianzhang resolve-names --registry REG.csv --queries Q.csv --out OUT.csv`: match
firm names to a registry from files. A thin wrapper of `chainkit.cli.resolve.main`, so
the options, the Chinese messages and the exit status (2 on bad input) are the
engine's; it reads and writes files only and needs no database."""

from __future__ import annotations

import sys
from typing import Any

from django.core.management.base import BaseCommand
from django.utils.translation import gettext_lazy as _

from chainkit.cli import resolve as cli

__all__ = ["Command"]


class Command(BaseCommand):
    """Delegates its whole command line to the engine's parser."""

    help = _("Match firm names (full, short, former) to a registry: qid,id,score per query.")
    requires_system_checks: list[str] = []
    requires_migrations_checks = False

    def run_from_argv(self, argv: list[str]) -> None:
        """Hand everything after the command name to the engine, whose parser owns the
        options and --help, and exit with its status (Django's parser would reject
        the engine's options)."""
        sys.exit(cli.main(argv[2:]))

    def add_arguments(self, parser: Any) -> None:
        """The engine's options, for `call_command` (which bypasses run_from_argv)."""
        parser.add_argument("--registry", required=True)
        parser.add_argument("--queries", required=True)
        parser.add_argument("--out", required=True)
        parser.add_argument("--accept", type=float, default=cli.DEFAULT_ACCEPT)
        parser.add_argument("--margin", type=float, default=cli.DEFAULT_MARGIN)
        parser.add_argument("--reject", type=float, default=cli.DEFAULT_REJECT)
        parser.add_argument("--quiet", action="store_true")

    def handle(self, *args: Any, **options: Any) -> None:
        """Run the engine with the same options; a non-zero status exits the process
        the way the console command does."""
        argv = ["--registry", options["registry"], "--queries", options["queries"],
                "--out", options["out"], "--accept", str(options["accept"]),
                "--margin", str(options["margin"]), "--reject", str(options["reject"])]
        if options["quiet"]:
            argv.append("--quiet")
        status = cli.main(argv)
        if status:
            raise SystemExit(status)
