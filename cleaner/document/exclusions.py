"""Stretches of the input that a stage before the text pipeline decided to leave out (HTML mode's block model).

Each exclusion names its rule and category; every block that lies inside one and
that no rule removed gets its verdict, one verdict (so one removal) per exclusion.
"""

from __future__ import annotations

from bisect import bisect_right
from collections.abc import Sequence
from dataclasses import dataclass

from ..text.blocks import Block
from .verdicts import Stage, Verdict


@dataclass(frozen=True, slots=True)
class Exclusion:
    """``input[start:end]`` leaves the body, because of ``rule``."""

    start: int
    end: int
    rule: str
    category: str


def exclusion_verdicts(blocks: Sequence[Block], exclusions: Sequence[Exclusion]) -> dict[int, Verdict]:
    """The verdict of each block (by index) that lies inside an exclusion (sorted, not overlapping)."""
    starts = [exclusion.start for exclusion in exclusions]
    found: dict[int, Verdict] = {}
    first_of: dict[int, Verdict] = {}
    for block in blocks:
        position = bisect_right(starts, block.source_start) - 1
        if position < 0 or block.source_end > exclusions[position].end:
            continue
        verdict = first_of.get(position)
        if verdict is None:
            exclusion = exclusions[position]
            verdict = first_of[position] = Verdict(exclusion.rule, exclusion.category, Stage.ARTICLE, block.index)
        found[block.index] = verdict
    return found
