"""Check rule packs as ``cleaner rules check`` does: load, compile, lint, and run every rule's examples.

Each rule runs alone on each of its examples, as a document attributed to
its pack: ``must_match`` must remove something, ``must_not_match`` nothing.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from .api import Cleaner
from .errors import CleanerError, RulePackError
from .rules.lint import pack_warnings
from .rules.loading import LoadedPack, load_pack

EXCERPT_CHARS = 60


@dataclass
class PackReport:
    """What checking one pack file found."""

    path: str
    loaded: bool = False
    rules: int = 0
    problems: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)


def check_pack(path: str | Path) -> PackReport:
    """Validate, compile and lint one pack file and run its examples."""
    report = PackReport(str(path))
    try:
        loaded = load_pack(path)
        Cleaner(builtin_rules=False, packs=[loaded])
    except RulePackError as error:
        report.problems.append(str(error))
        return report
    report.loaded = True
    report.rules = len(loaded.rules)
    report.warnings = pack_warnings(loaded)
    report.problems = example_failures(loaded)
    return report


def example_failures(loaded: LoadedPack) -> list[str]:
    """One message per example that does not behave as its rule says."""
    failures: list[str] = []
    source = loaded.info.publisher or loaded.info.name
    for rule in loaded.rules:
        alone = loaded.pack.model_copy(update={"rules": [rule]})
        cleaner = Cleaner(builtin_rules=False, packs=[LoadedPack(loaded.path, alone)])
        rule_id = alone.qualified_id(rule)
        for expected, examples in ((True, rule.must_match), (False, rule.must_not_match)):
            for example in examples:
                if _fires(cleaner, rule_id, example, source) != expected:
                    verb = "does not match" if expected else "matches"
                    failures.append(f"{loaded.path}: rule {rule.id!r}: {verb} {_excerpt(example)!r}")
    return failures


def _fires(cleaner: Cleaner, rule_id: str, example: str, source: str) -> bool:
    """Whether the rule removes anything from the example, as a document attributed to the pack."""
    try:
        result = cleaner.clean(example, source=source)
    except CleanerError:
        return False
    return any(removal.rule == rule_id for removal in result.removed)


def _excerpt(text: str) -> str:
    flat = " ".join(text.split())
    return flat if len(flat) <= EXCERPT_CHARS else flat[: EXCERPT_CHARS - 1] + "…"
