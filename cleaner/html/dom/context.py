"""Features from the neighbouring blocks: their links, lengths, sentence ends, shared containers."""

from __future__ import annotations

import math
from collections.abc import Sequence

from .blocks import DomPage
from .text import SENTENCE_END

RADIUS = 3
NAMES = [
    "prev_link_share", "next_link_share", "prev_log_tokens", "next_log_tokens", "prev_sentence_end",
    "next_sentence_end", "win3_link_share", "win3_log_tokens", "same_owner_prev", "same_owner_next", "sibling_blocks",
]  # fmt: skip


def context_rows(page: DomPage, words: Sequence[Sequence[str]]) -> list[list[float]]:
    blocks, elements = page.blocks, page.elements
    count = len(blocks)
    link = [block.link_chars / max(1, block.chars) for block in blocks]
    size = [math.log1p(len(block_words)) for block_words in words]
    ends = [float(SENTENCE_END.search(block.text) is not None) for block in blocks]
    rows = []
    for i, block in enumerate(blocks):
        lo, hi = max(0, i - RADIUS), min(count, i + RADIUS + 1)
        parent = elements[block.owner].parent if block.owner >= 0 else -1
        rows.append([
            link[i - 1] if i else -1.0, link[i + 1] if i + 1 < count else -1.0,
            size[i - 1] if i else -1.0, size[i + 1] if i + 1 < count else -1.0,
            ends[i - 1] if i else -1.0, ends[i + 1] if i + 1 < count else -1.0,
            sum(link[lo:hi]) / (hi - lo), sum(size[lo:hi]) / (hi - lo),
            float(i > 0 and blocks[i - 1].owner == block.owner),
            float(i + 1 < count and blocks[i + 1].owner == block.owner),
            math.log1p(elements[parent].blocks) if parent >= 0 else 0.0,
        ])  # fmt: skip
    return rows
