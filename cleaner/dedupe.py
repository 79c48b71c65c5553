"""Find repeated blocks in linear time: exact copies, near-exact variants, contained copies.

Two blocks are near-exact copies when they have the same word tokens, case
folded: whitespace, quotes, dashes and other punctuation do not count. A block
is a contained copy when 80% or more of its 4-word shingles occurred in earlier
blocks (an article pasted again as one block, a truncated teaser of a paragraph).
One dictionary of keys and one set of shingles, one pass; the first occurrence
is kept.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import regex

MIN_WORDS = 3
CONTAINED_MIN_WORDS = 8
CONTAINED_SHARE = 0.8
SHINGLE_WORDS = 4
EXACT_RULE = "dedupe.exact"
NEAR_RULE = "dedupe.near"
CONTAINED_RULE = "dedupe.contained"

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
    """Kept blocks that repeat earlier text, removed or not."""
    first_seen: dict[str, int] = {}
    shingle_seen: set[str] = set()
    found: list[Duplicate] = []
    for index, text in enumerate(texts):
        key = block_key(text)
        words = key.split(" ")
        shingles = [" ".join(words[i : i + SHINGLE_WORDS]) for i in range(len(words) - SHINGLE_WORDS + 1)]
        first = first_seen.setdefault(key, index) if len(words) >= MIN_WORDS else index
        if not removed[index]:
            if first != index:
                found.append(Duplicate(index, first, EXACT_RULE if texts[first] == text else NEAR_RULE))
            elif len(words) >= CONTAINED_MIN_WORDS and _contained(shingles, shingle_seen):
                found.append(Duplicate(index, -1, CONTAINED_RULE))
        shingle_seen.update(shingles)
    return found


def _contained(shingles: list[str], seen: set[str]) -> bool:
    return sum(shingle in seen for shingle in shingles) >= CONTAINED_SHARE * len(shingles)
