"""Find the article among the page furniture of plain text, without rules.

Each block gets a class from its own features:

- ``prose``: ends like a sentence, 10+ words, stop words at least 30% of them
  (or 30+ words with that share and no final punctuation);
- ``sentence``: ends like a sentence, stop words at least 20%;
- ``item``: a bulleted list item (``• ...``);
- ``short``: fewer than 4 words (menu items, labels, counters);
- ``headline``: 4+ words without a sentence end (titles, links, subheadings);
- ``noise``: the rest (sentence-final punctuation but few stop words).

The article is the densest run of prose: the run of blocks with the largest sum
of weights. Prose weighs its word count, a sentence half of it, a list item a
quarter. Other blocks cost 8, 10 or 12 words (short, headline, noise), except
that a lone block after continuous prose costs 3 (a subheading, a caption).
Two context rules shape the weights: when prose and other blocks alternate
(headline, summary, headline, summary, ...: a list of teasers), the third prose
block in a row that follows other blocks, and every one after it, weighs a
quarter; and positive weights fall linearly to half at the end of the page,
where footers and comments sit. Blocks
inside the run stay, blocks outside it go, each reported with the reason. A page
without any prose is left alone.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from enum import StrEnum

from ..text.tokens import ends_clause

PROSE_WORDS = 10
LONG_PROSE_WORDS = 30
SHORT_WORDS = 4
PROSE_STOPWORDS = 0.30
SENTENCE_STOPWORDS = 0.20
SENTENCE_WEIGHT = 0.5
ITEM_WEIGHT = 0.25
TEASER_WEIGHT = 0.25
TEASER_STREAK = 3
END_OF_PAGE_WEIGHT = 0.5
FIRST_GAP_COST = 3.0
COST = {"short": 8.0, "headline": 10.0, "noise": 12.0}

_LIST_ITEM = "• "


class BlockClass(StrEnum):
    PROSE = "prose"
    SENTENCE = "sentence"
    ITEM = "item"
    SHORT = "short"
    HEADLINE = "headline"
    NOISE = "noise"

    @property
    def is_prose(self) -> bool:
        return self in (BlockClass.PROSE, BlockClass.SENTENCE)


@dataclass(frozen=True, slots=True)
class Article:
    """Classes of the blocks and the run ``start`` to ``end`` (inclusive) that holds the article."""

    classes: list[BlockClass]
    start: int
    end: int

    def contains(self, index: int) -> bool:
        return self.start <= index <= self.end


def classify(text: str, tokens: Sequence[str], stopwords: frozenset[str] | None) -> tuple[BlockClass, int]:
    """A block's class and its word count (``tokens`` from ``tokens.tokenize``)."""
    count = len(tokens)
    share = 1.0 if stopwords is None or not count else sum(map(stopwords.__contains__, tokens)) / count
    ends = ends_clause(text)
    if ends and count >= PROSE_WORDS and share >= PROSE_STOPWORDS:
        return BlockClass.PROSE, count
    if not ends and count >= LONG_PROSE_WORDS and share >= PROSE_STOPWORDS:
        return BlockClass.PROSE, count
    if ends and count and share >= SENTENCE_STOPWORDS:
        return BlockClass.SENTENCE, count
    if text.startswith(_LIST_ITEM):
        return BlockClass.ITEM, count
    if count < SHORT_WORDS:
        return BlockClass.SHORT, count
    return (BlockClass.NOISE if ends else BlockClass.HEADLINE), count


def find_article(
    texts: Sequence[str], tokens: Sequence[Sequence[str]], stopwords: frozenset[str] | None
) -> Article | None:
    """The article's run of blocks, or None when no block is prose."""
    classified = [classify(text, words, stopwords) for text, words in zip(texts, tokens, strict=True)]
    classes = [block_class for block_class, _ in classified]
    weights = _weights(classified)
    best, best_start, best_end = 0.0, -1, -1
    total, start = 0.0, 0
    for index, weight in enumerate(weights):
        if total <= 0:
            total, start = weight, index
        else:
            total += weight
        if total > best:
            best, best_start, best_end = total, start, index
    return Article(classes, best_start, best_end) if best > 0 else None


def _weights(classified: Sequence[tuple[BlockClass, int]]) -> list[float]:
    weights: list[float] = []
    gap = 0  # other blocks since the last prose
    streak = 0  # prose blocks in a row that each came right after other blocks
    for index, (block_class, words) in enumerate(classified):
        if block_class is BlockClass.ITEM:
            weights.append(words * ITEM_WEIGHT)
            continue
        if not block_class.is_prose:
            lone = gap == 0 and streak == 0
            weights.append(-(FIRST_GAP_COST if lone else COST[block_class.value]))
            gap += 1
            continue
        streak = streak + 1 if gap else 0
        weight = float(words) if block_class is BlockClass.PROSE else words * SENTENCE_WEIGHT
        if streak >= TEASER_STREAK:
            weight *= TEASER_WEIGHT
        gap = 0
        weights.append(weight * (1 - (1 - END_OF_PAGE_WEIGHT) * index / len(classified)))
    return weights
