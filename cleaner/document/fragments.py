"""Cut inline fragments (``strip`` rules) out of the blocks that hold them."""

from __future__ import annotations

from bisect import bisect_right
from collections.abc import Callable, Sequence

import regex

from ..rules.engine import Hit
from ..text.blocks import Block
from .verdicts import ProseBounds, Stage, Verdict

_SPACES = regex.compile(r" {2,}")
_CONTENT = regex.compile(r"[\p{L}\p{N}]")


def group_by_block(
    blocks: Sequence[Block],
    verdicts: Sequence[Verdict | None],
    hits: Sequence[Hit],
    bounds: ProseBounds,
    applies: Callable[[Hit], bool],
) -> dict[int, list[Hit]]:
    """The fragments to cut from each kept block."""
    starts = [block.start for block in blocks]
    cuts: dict[int, list[Hit]] = {}
    for hit in hits:
        index = bisect_right(starts, hit.start) - 1
        if (
            index >= 0
            and verdicts[index] is None
            and hit.end <= blocks[index].end
            and applies(hit)
            and bounds.admits(index, hit.rule.position, inclusive=True)
        ):
            cuts.setdefault(index, []).append(hit)
    return cuts


def cut(block: Block, hits: Sequence[Hit]) -> str:
    """The block's text without the fragments, spaces tidied."""
    pieces: list[str] = []
    position = block.start
    for hit in sorted(hits, key=lambda hit: hit.start):
        pieces.append(block.text[position - block.start : max(position, hit.start) - block.start])
        position = max(position, hit.end)
    pieces.append(block.text[position - block.start :])
    return str(_SPACES.sub(" ", "".join(pieces))).strip()


def has_content(text: str) -> bool:
    return _CONTENT.search(text) is not None


def merged_verdict(hits: Sequence[Hit], index: int) -> Verdict:
    """One verdict for block ``index``, which the fragments emptied."""
    fields: dict[str, str] = {}
    for hit in hits:
        for name, value in hit.fields.items():
            fields.setdefault(name, value)
    first = hits[0].rule
    return Verdict(first.id, first.category, Stage.RULE, index, fields, first.publisher)
