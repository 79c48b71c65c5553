"""Segment normalised text into blocks: one block per non-empty line."""

from __future__ import annotations

from dataclasses import dataclass

import regex

from .normalise import Normalised

_LINE = regex.compile(r"[^\n]+")
_SENTENCE_END = regex.compile(r"[.!?…][\"'”’)\]]*$")
_WORD = regex.compile(r"\w+(?:['’.-]\w+)*")

PROSE_MIN_WORDS = 8


@dataclass(frozen=True, slots=True)
class Block:
    """A line of the normalised text and its span in both texts."""

    index: int
    text: str
    start: int
    end: int
    source_start: int
    source_end: int

    @property
    def is_prose(self) -> bool:
        """A full sentence of article text: enough words, sentence-final punctuation."""
        return _SENTENCE_END.search(self.text) is not None and word_count(self.text) >= PROSE_MIN_WORDS


def segment(normalised: Normalised) -> list[Block]:
    """Split into blocks, each knowing its offsets in the original input."""
    offsets = normalised.offsets
    return [
        Block(
            index,
            match.group(),
            match.start(),
            match.end(),
            offsets.start(match.start()),
            offsets.end(match.end()),
        )
        for index, match in enumerate(_LINE.finditer(normalised.text))
    ]


def word_count(text: str) -> int:
    return sum(1 for _ in _WORD.finditer(text))
