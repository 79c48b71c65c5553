"""Options shared by several commands: rule packs and limits, and the cleaner they describe."""

from __future__ import annotations

import argparse

from ..api import CleanerOptions
from ..settings import Settings


def add_rule_options(parser: argparse.ArgumentParser) -> None:
    """``--rules``, ``--no-builtin-rules`` and the limits."""
    parser.add_argument(
        "--rules", action="append", default=[], metavar="PATH", help="extra rule pack or directory (repeatable)"
    )
    parser.add_argument("--no-builtin-rules", action="store_true", help="use only the packs given with --rules")
    defaults = Settings()
    limits = parser.add_argument_group("limits")
    limits.add_argument("--timeout", type=float, default=defaults.timeout, metavar="SECONDS",
                        help=f"CPU seconds of a document's rule stage (default {defaults.timeout:g})")  # fmt: skip
    limits.add_argument("--max-chars", type=int, default=defaults.max_chars, metavar="N",
                        help=f"longest document accepted (default {defaults.max_chars:,})")  # fmt: skip
    limits.add_argument("--max-lines", type=int, default=defaults.max_lines, metavar="N",
                        help=f"most lines accepted in a document (default {defaults.max_lines:,})")  # fmt: skip


def cleaner_options(args: argparse.Namespace) -> CleanerOptions:
    """The cleaner the rule options and limits describe."""
    settings = Settings(timeout=args.timeout, max_chars=args.max_chars, max_lines=args.max_lines)
    return CleanerOptions(tuple(args.rules), builtin_rules=not args.no_builtin_rules, settings=settings)
