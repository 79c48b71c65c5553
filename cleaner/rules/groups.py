"""How rules are named inside combined patterns: the one place names are made and read back.

Each rule's pattern is wrapped in a group named after its kind and index
(``r12`` for block rules, ``s3`` for strip rules); its own named groups become
``r12_title`` and the like, and its pack's lists ``p0_photo_credits``. Only rule
groups have no underscore, so a match tells which rule it came from.
"""

from __future__ import annotations

from enum import StrEnum

import regex


class Kind(StrEnum):
    BLOCK = "r"
    INLINE = "s"


def rule_group(kind: Kind, index: int) -> str:
    return f"{kind}{index}"


def field_group(rule: str, name: str) -> str:
    """The private name of group ``name`` of the rule whose group is ``rule``."""
    return f"{rule}_{name}"


def list_name(pack_index: int, name: str) -> str:
    """The private name of list ``name`` of the pack at ``pack_index``."""
    return f"p{pack_index}_{name}"


def rule_indices(pattern: regex.Pattern[str]) -> list[int]:
    """Indices of the rules combined in a pattern, in priority order."""
    return [int(name[1:]) for name in pattern.groupindex if "_" not in name]


def matched_rule(match: regex.Match[str]) -> int:
    """Index of the rule whose group matched: it encloses all others, so closes last."""
    name = match.lastgroup
    assert name is not None and "_" not in name, "a match without a rule group"
    return int(name[1:])
