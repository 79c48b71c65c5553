"""Segment normalised text into blocks: one block per non-empty line."""

from __future__ import annotations

from dataclasses import dataclass, field

import regex

from .normalise import Normalised
from .offsets import SpanMap

_LINE = regex.compile(r"[^\n]+")


@dataclass(frozen=True, slots=True)
class Block:
    """A line of the normalised text; its span in the input is worked out when asked for."""

    index: int
    text: str
    start: int
    end: int
    offsets: SpanMap = field(repr=False, compare=False)

    @property
    def source_start(self) -> int:
        return self.offsets.start(self.start)

    @property
    def source_end(self) -> int:
        return self.offsets.end(self.end)


def segment(normalised: Normalised) -> list[Block]:
    """Split into blocks, each knowing its offsets in the original input."""
    offsets = normalised.offsets
    return [
        Block(index, match.group(), match.start(), match.end(), offsets)
        for index, match in enumerate(_LINE.finditer(normalised.text))
    ]
