"""What the article finder sees of a page: every block after the rules and de-duplication."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class PageBlocks:
    """One page, every list over all its blocks.

    ``texts`` and ``tokens`` after strip rules; ``rule``: the category of the
    block's rule verdict or ``"duplicate"``, ``""`` when no rule decided it;
    ``duplicate_of``: the first copy of a duplicate, else -1; ``candidate``: the
    finder decides the block (no rule verdict; duplicates are candidates);
    ``classes`` and ``in_run``: the prose-run heuristic's class of each kept block
    and whether it lies in the heuristic's article run (features of the model).
    """

    texts: list[str]
    tokens: list[list[str]]
    rule: list[str]
    duplicate_of: list[int]
    candidate: list[bool]
    classes: list[str]
    in_run: list[bool]
    language: str
    stopwords: frozenset[str] | None
    url: str

    def __len__(self) -> int:
        return len(self.texts)
