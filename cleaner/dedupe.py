"""Find repeated blocks in linear time: exact copies, near-exact variants, contained copies.

Two blocks are near-exact copies when they have the same word tokens, case
folded: whitespace, quotes, dashes and other punctuation do not count. A block
is a contained copy when 80% or more of its 4-word shingles occurred in earlier
blocks (an article pasted again as one block, a truncated teaser of a paragraph).
One dictionary of keys and one set of shingles, one pass; the first occurrence
is kept.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass

from .tokens import tokenize

MIN_WORDS = 3
CONTAINED_MIN_WORDS = 8
CONTAINED_SHARE = 0.8
EXACT_RULE = "dedupe.exact"
NEAR_RULE = "dedupe.near"
CONTAINED_RULE = "dedupe.contained"


@dataclass(frozen=True, slots=True)
class Duplicate:
    index: int
    first: int
    rule: str


def block_key(text: str) -> str:
    """The text's case-folded word tokens, space separated."""
    return " ".join(tokenize(text))


def find_duplicates(tokens: Sequence[list[str]], texts: Sequence[str], removed: Sequence[bool]) -> list[Duplicate]:
    """Kept blocks that repeat earlier text, removed or not (``tokens`` from ``tokenize``)."""
    first_seen: dict[str, int] = {}
    shingle_seen: set[tuple[str, ...]] = set()
    found: list[Duplicate] = []
    for index, words in enumerate(tokens):
        if len(words) < MIN_WORDS:
            continue
        first = first_seen.setdefault(" ".join(words), index)
        if removed[index]:
            shingle_seen.update(_shingles(words))
        elif first != index:
            found.append(Duplicate(index, first, EXACT_RULE if texts[first] == texts[index] else NEAR_RULE))
        elif len(words) >= CONTAINED_MIN_WORDS and _contained(list(_shingles(words)), shingle_seen):
            found.append(Duplicate(index, -1, CONTAINED_RULE))
        else:
            shingle_seen.update(_shingles(words))
    return found


def _shingles(words: list[str]) -> Iterator[tuple[str, ...]]:
    return zip(words, words[1:], words[2:], words[3:], strict=False)


def _contained(shingles: list[tuple[str, ...]], seen: set[tuple[str, ...]]) -> bool:
    """Most shingles seen before; when neither the first nor the last was, none need counting."""
    if shingles[0] not in seen and shingles[-1] not in seen:
        return False
    return sum(map(seen.__contains__, shingles)) >= CONTAINED_SHARE * len(shingles)
