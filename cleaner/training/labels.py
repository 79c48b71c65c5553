"""Which blocks of a page belong to its gold body (the training labels).

Tokens and shingles are the metric's (``\\w+`` runs, case kept, 4-token shingles).

- A block of 4 or more tokens is article when at least half of its shingles
  occur in the gold's shingle multiset. Shingles are used up, so a block repeated
  on the page (a teaser, a sticky headline) is article once only; blocks whose
  neighbours also match take theirs first, so the copy inside the article wins
  over a copy in a menu.
- A block of 1-3 tokens (a subheading, a stat line, a label) has no shingle of
  its own: it is article when 2/3 or more of the page's shingles crossing its left
  edge, or those crossing its right edge, occur in the gold: in the gold it sits
  between the same words as on the page. A menu item between menu items does not.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence

from ..evaluation.scoring import SHINGLE_TOKENS, metric_tokens

LONG_SHARE = 0.5
EDGE_SHARE = 2 / 3

Shingle = tuple[str, ...]


def label_blocks(texts: Sequence[str], gold: str) -> list[int]:
    """1 for each block that belongs to the gold body, else 0."""
    gold_tokens = metric_tokens(gold)
    gold_bag = Counter(_shingles(gold_tokens))
    gold_set = set(gold_bag)
    if 0 < len(gold_tokens) < SHINGLE_TOKENS:
        gold_set.add(tuple(gold_tokens))
    tokens = [metric_tokens(text) for text in texts]
    shingles = [_shingles(block) for block in tokens]
    labels = _long_blocks(shingles, gold_bag, gold_set)
    stream = [token for block in tokens for token in block]
    start = 0
    for index, block in enumerate(tokens):
        end = start + len(block)
        if block and not shingles[index]:
            short_gold = len(gold_tokens) < SHINGLE_TOKENS and block == gold_tokens
            labels[index] = int(short_gold or _between_gold_words(stream, start, end, gold_set))
        start = end
    return labels


def _long_blocks(shingles: list[list[Shingle]], gold_bag: Counter[Shingle], gold_set: set[Shingle]) -> list[int]:
    raw = [sum(s in gold_set for s in block) / len(block) if block else -1.0 for block in shingles]
    count = len(shingles)

    def with_neighbours(index: int) -> float:
        near = [raw[j] for j in (index - 2, index - 1, index + 1, index + 2) if 0 <= j < count and raw[j] >= 0]
        return raw[index] + (sum(near) / len(near) if near else 0.0)

    labels = [0] * count
    bag = Counter(gold_bag)
    for index in sorted((i for i in range(count) if shingles[i]), key=lambda i: (-with_neighbours(i), i)):
        found = 0
        for shingle in shingles[index]:
            if bag[shingle] > 0:
                bag[shingle] -= 1
                found += 1
        labels[index] = int(found / len(shingles[index]) >= LONG_SHARE)
    return labels


def _between_gold_words(stream: list[str], start: int, end: int, gold_set: set[Shingle]) -> bool:
    """Whether enough of the page's shingles across the block's left or right edge occur in the gold."""
    size = SHINGLE_TOKENS
    left = [tuple(stream[j : j + size]) for j in range(max(0, start - size + 1), start) if j + size <= len(stream)]
    right = [tuple(stream[j : j + size]) for j in range(max(0, end - size + 1), end) if end < j + size <= len(stream)]
    shares = [sum(s in gold_set for s in side) / len(side) for side in (left, right) if side]
    return max(shares, default=0.0) >= EDGE_SHARE


def _shingles(tokens: Sequence[str]) -> list[Shingle]:
    return [tuple(tokens[i : i + SHINGLE_TOKENS]) for i in range(len(tokens) - SHINGLE_TOKENS + 1)]
