"""Find repeated blocks in linear time: exact copies and near-exact variants.

Two blocks are near-exact copies when they have the same word tokens, case
folded: whitespace, quotes, dashes and other punctuation do not count.  One
dictionary of keys, one pass; the first occurrence is kept.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import regex

MIN_WORDS = 3
EXACT_RULE = "dedupe.exact"
NEAR_RULE = "dedupe.near"

_WORD = regex.compile(r"\w+")


@dataclass(frozen=True, slots=True)
class Duplicate:
    index: int
    first: int
    rule: str


def block_key(text: str) -> str:
    """The text's case-folded word tokens, space separated."""
    return " ".join(_WORD.findall(text.casefold()))


def find_duplicates(texts: Sequence[str], removed: Sequence[bool]) -> list[Duplicate]:
    """Kept blocks that repeat an earlier block, removed or not."""
    first_seen: dict[str, int] = {}
    found: list[Duplicate] = []
    for index, text in enumerate(texts):
        key = block_key(text)
        if key.count(" ") + 1 < MIN_WORDS:
            continue
        first = first_seen.setdefault(key, index)
        if first != index and not removed[index]:
            rule = EXACT_RULE if texts[first] == text else NEAR_RULE
            found.append(Duplicate(index, first, rule))
    return found
