"""Which regex rules a block can meet: by its first character and its length.

Which rules can start with which character is found once, by partially
matching each rule against one character of each class; a block is matched
against the alternation of only the rules that can start with its first
character and whose ``max_chars`` admits its length (compiled on first use,
then kept). A block longer than every rule admits meets no regex at all.
"""

from __future__ import annotations

import string
import time
from bisect import bisect_left
from collections.abc import Mapping, Sequence

import regex

from .deadline import Deadline
from .sources import Lists, compile_alternatives

# First characters the dispatch table knows, in classes: a block is matched
# against the rules that can start with any character of its first
# character's class (few classes, so few alternations to compile). A block
# starting with a character outside every class meets every regex rule.
CHARACTER_CLASSES = (
    string.ascii_uppercase,
    string.ascii_lowercase,
    string.digits,
    "•▪►·",
    "\"“”‘’'«»",
    "([{",
    "©®™",
    "".join(sorted(set(string.punctuation) - set("\"'([{"))) + "–—…€£¥§¶¡¿",
    "".join(chr(c) for c in range(0xC0, 0x180)),
)
OUTSIDE_EVERY_CLASS = "\u4e00"


class Dispatch:
    """The combined pattern for each (first character, length bucket), built on first use."""

    def __init__(self, sources: Mapping[int, tuple[str, Lists]], max_chars: Sequence[int]) -> None:
        """``sources``: regex rules by index (priority order); ``max_chars``: each block rule's limit."""
        self._sources = sources
        self._max_chars = max_chars
        self.singles = {index: compile_alternatives([source], anchored=True) for index, source in sources.items()}
        self._starting = _first_characters(self.singles)
        self._every_regex = tuple(sources)
        self._starting_sets = {indices: frozenset(indices) for indices in {*self._starting.values(), self._every_regex}}
        self._bounds = sorted(set(max_chars))
        self._patterns: dict[tuple[str, int], regex.Pattern[str] | None] = {}
        self._combined: dict[tuple[int, ...], regex.Pattern[str]] = {}

    def pattern_for(self, first: str, length: int, deadline: Deadline | None = None) -> regex.Pattern[str] | None:
        """The alternation of the regex rules that can match a block of this first character and length.

        Compiled on first use; the time that takes is not charged to the document.
        """
        bucket = bisect_left(self._bounds, length)
        key = (first, bucket)
        if key not in self._patterns:
            started = time.thread_time()
            self._patterns[key] = self._alternation(first, bucket)
            if deadline is not None:
                deadline.extend(time.thread_time() - started)
        return self._patterns[key]

    def can_start(self, first: str) -> frozenset[int]:
        """The regex rules that can match a block starting with ``first`` (the others never can)."""
        return self._starting_sets[self._starting.get(first, self._every_regex)]

    def compile_all(self) -> None:
        """Compile every alternation now rather than on first use (a server, before it serves)."""
        for first in [characters[0] for characters in CHARACTER_CLASSES] + [OUTSIDE_EVERY_CLASS]:
            for bound in self._bounds:
                self.pattern_for(first, bound)

    def _alternation(self, first: str, bucket: int) -> regex.Pattern[str] | None:
        if bucket == len(self._bounds):
            return None
        shortest = self._bounds[bucket]
        indices = tuple(
            index for index in self._starting.get(first, self._every_regex) if self._max_chars[index] >= shortest
        )
        if not indices:
            return None
        pattern = self._combined.get(indices)
        if pattern is None:
            pattern = self._combined[indices] = compile_alternatives([self._sources[i] for i in indices], anchored=True)
        return pattern


def _first_characters(singles: dict[int, regex.Pattern[str]]) -> dict[str, tuple[int, ...]]:
    """For each known first character, the regex rules that can match a line starting with any of its class."""
    starting: dict[str, tuple[int, ...]] = {}
    for characters in CHARACTER_CLASSES:
        indices = tuple(
            index
            for index, pattern in singles.items()
            if any(pattern.match(character, partial=True) for character in characters)
        )
        starting.update(dict.fromkeys(characters, indices))
    return starting
