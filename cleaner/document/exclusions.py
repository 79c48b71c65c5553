"""Stretches of the input that a stage before the text pipeline decided to leave out (HTML mode's block model).

Each exclusion names its rule and category; every block that lies inside one and
that no rule removed gets its verdict, all with one origin (so one removal) per exclusion.
"""

from __future__ import annotations

from bisect import bisect_right
from collections.abc import Sequence
from dataclasses import dataclass

from ..text.blocks import Block
from .verdicts import Stage, Verdict


@dataclass(frozen=True, slots=True)
class Exclusion:
    """``input[start:end]`` leaves the body because of ``rule``; each block's text goes to metadata ``field``."""

    start: int
    end: int
    rule: str
    category: str
    field: str = ""


def exclusion_verdicts(blocks: Sequence[Block], exclusions: Sequence[Exclusion]) -> dict[int, Verdict]:
    """The verdict of each block (by index) that lies inside an exclusion (sorted, not overlapping)."""
    starts = [exclusion.start for exclusion in exclusions]
    found: dict[int, Verdict] = {}
    first_of: dict[int, int] = {}
    for block in blocks:
        position = bisect_right(starts, block.source_start) - 1
        if position < 0 or block.source_end > exclusions[position].end:
            continue
        exclusion = exclusions[position]
        origin = first_of.setdefault(position, block.index)
        fields = {exclusion.field: block.text} if exclusion.field else {}
        found[block.index] = Verdict(exclusion.rule, exclusion.category, Stage.ARTICLE, origin, fields)
    return found
