"""Options shared by several commands: rule packs and limits, and the cleaner they describe."""

from __future__ import annotations

import argparse

from ..api import CleanerOptions
from ..errors import RulePackError
from ..rules.loading import expand_paths, load_pack
from ..settings import Settings


def add_rule_options(parser: argparse.ArgumentParser, *, limits: bool = True) -> None:
    """``--rules``, ``--no-builtin-rules``, ``--no-example-check`` and (unless ``limits`` is false) the limits."""
    parser.add_argument(
        "--rules", action="append", default=[], metavar="PATH", help="extra rule pack or directory (repeatable)"
    )
    parser.add_argument("--no-builtin-rules", action="store_true", help="use only the packs given with --rules")
    parser.add_argument(
        "--no-example-check",
        action="store_true",
        help="load --rules packs without running their examples first (as rules check does)",
    )
    if not limits:
        return
    defaults = Settings()
    group = parser.add_argument_group("limits")
    group.add_argument("--timeout", type=float, default=defaults.timeout, metavar="SECONDS",
                       help=f"CPU seconds of a document's rule stage (default {defaults.timeout:g})")  # fmt: skip
    group.add_argument("--max-chars", type=int, default=defaults.max_chars, metavar="N",
                       help=f"longest document accepted (default {defaults.max_chars:,})")  # fmt: skip
    group.add_argument("--max-lines", type=int, default=defaults.max_lines, metavar="N",
                       help=f"most lines accepted in a document (default {defaults.max_lines:,})")  # fmt: skip


def cleaner_options(args: argparse.Namespace) -> CleanerOptions:
    """The cleaner the rule options and limits describe; ``--rules`` packs whose examples fail are refused."""
    if not args.no_example_check:
        check_examples(args.rules)
    settings = Settings(timeout=args.timeout, max_chars=args.max_chars, max_lines=args.max_lines)
    return CleanerOptions(tuple(args.rules), builtin_rules=not args.no_builtin_rules, settings=settings)


def check_examples(paths: list[str]) -> None:
    """Raise ``RulePackError`` for the first pack among ``paths`` with a failing example, as ``rules check`` would."""
    from ..packcheck import example_failures  # builds cleaners: imported only when there are packs to check

    for path in expand_paths(paths):
        failures = example_failures(load_pack(path))
        if failures:
            hint = "fix the examples (cleaner rules check shows them) or pass --no-example-check"
            raise RulePackError(
                str(path),
                [(None, None, f"{len(failures)} failing example(s); {hint}")]
                + [(None, None, failure.removeprefix(f"{path}: ")) for failure in failures],
            )
