"""Run every rule on its own examples: ``must_match`` must fire, ``must_not_match`` must not."""

from __future__ import annotations

from ..core import Cleaner
from ..errors import CleanerError
from .loading import LoadedPack
from .schema import RulePack

EXCERPT_CHARS = 60


def example_failures(loaded: LoadedPack) -> list[str]:
    """One message per example that does not behave as its rule says."""
    failures: list[str] = []
    for rule in loaded.pack.rules:
        alone = RulePack(pack=loaded.pack.pack, lists=loaded.pack.lists, rules=[rule])
        cleaner = Cleaner.from_packs([LoadedPack(loaded.path, alone)])
        rule_id = alone.qualified_id(rule)
        for expected, examples in ((True, rule.must_match), (False, rule.must_not_match)):
            for example in examples:
                if _fires(cleaner, rule_id, example, loaded.pack.pack.publisher or loaded.pack.pack.name) != expected:
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
