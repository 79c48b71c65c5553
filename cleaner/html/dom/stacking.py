"""Stacking features: where trafilatura's extractions (default, favour recall, favour precision) hold the block.

``main`` is the default extraction's main text alone: a block in ``default`` but not in ``main`` is in what
trafilatura took for the page's comments.
"""

from __future__ import annotations

from collections.abc import Sequence

from .alignment import Alignment, Shingle, align, tokens
from .blocks import DomPage
from .structure import CONTAINER_LEVELS

VARIANTS = ("default", "recall", "precision", "main")
CONTAINER_VARIANTS = ("default", "precision")
WINDOWS = (1, 3, 8)
FAR = 30

NAMES = [
    *(name for key in VARIANTS for name in (
        f"t{key}_share", f"t{key}_label", f"t{key}_page_share", f"t{key}_empty", f"t{key}_inside_span",
        f"t{key}_gap_before", f"t{key}_gap_after", *(f"t{key}_win{w}" for w in WINDOWS))),
    *(f"c{level}_t{key}_share" for key in CONTAINER_VARIANTS for level in range(CONTAINER_LEVELS)),
]  # fmt: skip


def stacking_rows(
    page: DomPage,
    words: Sequence[Sequence[str]],
    grams: Sequence[Sequence[Shingle]],
    hidden: Sequence[bool],
    extractions: dict[str, str],
) -> list[list[float]]:
    """``extractions``: trafilatura's text by variant (an empty string where it found nothing)."""
    count = len(words)
    page_tokens = sum(map(len, words)) or 1
    rows: list[list[float]] = [[] for _ in range(count)]
    found: dict[str, Alignment] = {}
    for key in VARIANTS:
        text = extractions.get(key, "")
        empty = not text.strip()
        found[key] = Alignment([0] * count, [0.0] * count) if empty else align(words, grams, text, hidden)
        share = len(tokens(text)) / page_tokens
        for row, extra in zip(rows, _variant_rows(found[key], share, empty), strict=True):
            row += extra
    for key in CONTAINER_VARIANTS:
        for row, extra in zip(rows, _container_rows(page, found[key].held), strict=True):
            row += extra
    return rows


def _variant_rows(alignment: Alignment, page_share: float, empty: bool) -> list[list[float]]:
    held = alignment.held
    count = len(held)
    matched = [i for i in range(count) if held[i]]
    first, last = (matched[0], matched[-1]) if matched else (count, -1)
    prefix = [0]
    for value in held:
        prefix.append(prefix[-1] + value)
    before, after = _gaps(held, forward=True), _gaps(held, forward=False)
    rows = []
    for i in range(count):
        row = [alignment.share[i], float(held[i]), page_share, float(empty), float(first <= i <= last),
               float(min(before[i], FAR)), float(min(after[i], FAR))]  # fmt: skip
        for w in WINDOWS:
            lo, hi = max(0, i - w), min(count, i + w + 1)
            row.append((prefix[hi] - prefix[lo] - held[i]) / max(1, hi - lo - 1))
        rows.append(row)
    return rows


def _container_rows(page: DomPage, held: Sequence[int]) -> list[list[float]]:
    """The share of each enclosing container's text that the extraction holds."""
    elements = page.elements
    kept = [0] * len(elements)
    for block, label in zip(page.blocks, held, strict=True):
        index = block.owner if label else -1
        while index >= 0:
            kept[index] += block.chars
            index = elements[index].parent
    page_share = sum(held) / max(1, len(held))
    memo: dict[int, list[float]] = {}
    rows = []
    for block in page.blocks:
        if block.owner not in memo:
            shares, index = [], block.owner
            for _ in range(CONTAINER_LEVELS):
                if index >= 0:
                    shares.append(kept[index] / max(1, elements[index].text_chars))
                    index = elements[index].parent
                else:
                    shares.append(page_share)
            memo[block.owner] = shares
        rows.append(memo[block.owner])
    return rows


def _gaps(held: Sequence[int], forward: bool) -> list[int]:
    """Blocks to the nearest held block before (forward) or after each block."""
    count = len(held)
    out = [FAR] * count
    last: int | None = None
    for i in range(count) if forward else range(count - 1, -1, -1):
        if last is not None:
            out[i] = abs(i - last)
        if held[i]:
            last = i
    return out
