"""Find repeated blocks in linear time: exact copies, near-exact variants, contained copies.

Two blocks are near-exact copies when they have the same word tokens, case
folded: whitespace, quotes, dashes and other punctuation do not count. A block
is a contained copy when it is at least twice as long as any block before it
(an article pasted again as one block) and 80% or more of its 4-word shingles
occurred in earlier blocks, or when it ends in an ellipsis and its words begin an earlier
block (a truncated teaser). One dictionary of keys, one pass; the shingles of
earlier blocks are gathered only once such a long block appears. The first
occurrence is kept.

Blocks HTML mode's block model judged in their page (``JUDGED_MIN_WORDS``) are
copies only from 12 words on: a short line the model keeps twice is a step a
how-to repeats ("Press Enter."), a table cell, a chorus, not a menu read again.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass

from ..text.tokens import tokenize

MIN_WORDS = 3
JUDGED_MIN_WORDS = 12
CONTAINED_MIN_WORDS = 8
CONTAINED_SHARE = 0.8
TRUNCATION_MARKS = ("...", "…")
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


def find_duplicates(
    tokens: Sequence[list[str]], texts: Sequence[str], removed: Sequence[bool], min_words: int = MIN_WORDS
) -> list[Duplicate]:
    """Kept blocks of ``min_words`` or more that repeat earlier text, removed or not (``tokens`` from ``tokenize``)."""
    first_seen: dict[str, int] = {}
    openings: dict[tuple[str, ...], list[str]] = {}  # first words of a block → its keys
    found: list[Duplicate] = []
    seen = _Shingles(tokens)
    longest = 0
    for index, words in enumerate(tokens):
        if len(words) < min_words:
            continue
        key = " ".join(words)
        first = first_seen.setdefault(key, index)
        if not removed[index]:
            if first != index:
                found.append(Duplicate(index, first, EXACT_RULE if texts[first] == texts[index] else NEAR_RULE))
            elif _truncated_copy(words, texts[index], openings):
                found.append(Duplicate(index, -1, CONTAINED_RULE))
            elif len(words) >= 2 * longest >= CONTAINED_MIN_WORDS and seen.contain(index):
                found.append(Duplicate(index, -1, CONTAINED_RULE))
        openings.setdefault(tuple(words[:CONTAINED_MIN_WORDS]), []).append(key)
        longest = max(longest, len(words))
    return found


class _Shingles:
    """4-word shingles of the blocks before a given one, gathered on first need."""

    def __init__(self, tokens: Sequence[list[str]]) -> None:
        self.tokens = tokens
        self.seen: set[tuple[str, ...]] = set()
        self.upto = 0

    def contain(self, index: int) -> bool:
        """Whether most of block ``index``'s shingles occur in the blocks before it."""
        for earlier in range(self.upto, index):
            self.seen.update(_shingles(self.tokens[earlier]))
        self.upto = index
        shingles = list(_shingles(self.tokens[index]))
        return sum(map(self.seen.__contains__, shingles)) >= CONTAINED_SHARE * len(shingles)


def _truncated_copy(words: list[str], text: str, openings: dict[tuple[str, ...], list[str]]) -> bool:
    """A teaser cut short with an ellipsis, whose words begin a longer earlier block."""
    if len(words) <= CONTAINED_MIN_WORDS or not text.endswith(TRUNCATION_MARKS):
        return False
    stem = " ".join(words[:-1])  # the last word may be cut off
    return any(earlier.startswith(stem) for earlier in openings.get(tuple(words[:CONTAINED_MIN_WORDS]), ()))


def _shingles(words: list[str]) -> Iterator[tuple[str, ...]]:
    return zip(words, words[1:], words[2:], words[3:], strict=False)
