"""Map offsets in a rewritten text back to the text it was rewritten from."""

from __future__ import annotations

from bisect import bisect_left, bisect_right
from dataclasses import dataclass, field
from typing import Protocol


class SpanMap(Protocol):
    def start(self, pos: int) -> int: ...
    def end(self, pos: int) -> int: ...


@dataclass(frozen=True, slots=True)
class Edit:
    """One replacement: ``source[src_start:src_end]`` became ``out[out_start:out_end]``."""

    out_start: int
    out_end: int
    src_start: int
    src_end: int


@dataclass(slots=True)
class OffsetMap:
    """Piecewise map from an output text to its source; identity between edits.

    Edits are recorded in increasing, non-overlapping order.  A span that
    touches a replacement covers all of it; deleted source text belongs to
    whatever follows it.
    """

    edits: list[Edit] = field(default_factory=list)
    _out_starts: list[int] = field(default_factory=list)

    def record(self, out_start: int, out_end: int, src_start: int, src_end: int) -> None:
        self.edits.append(Edit(out_start, out_end, src_start, src_end))
        self._out_starts.append(out_start)

    def start(self, pos: int) -> int:
        """Source offset for a span starting at output offset ``pos``."""
        index = bisect_right(self._out_starts, pos) - 1
        if index < 0:
            return pos
        edit = self.edits[index]
        if pos < edit.out_end:
            return edit.src_start
        return pos - edit.out_end + edit.src_end

    def end(self, pos: int) -> int:
        """Source offset for a span ending (exclusive) at output offset ``pos``."""
        index = bisect_left(self._out_starts, pos) - 1
        if index < 0:
            return pos
        edit = self.edits[index]
        if pos <= edit.out_end:
            return edit.src_end
        return pos - edit.out_end + edit.src_end


@dataclass(frozen=True, slots=True)
class ChainedMap:
    """Composition of maps: ``outer`` maps into the output of ``inner``."""

    inner: SpanMap
    outer: SpanMap

    def start(self, pos: int) -> int:
        return self.inner.start(self.outer.start(pos))

    def end(self, pos: int) -> int:
        return self.inner.end(self.outer.end(pos))
