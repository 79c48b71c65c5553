"""Second-stage features: what the first (logistic) stage thinks of each block's neighbourhood.

The trees see, for each candidate, the first-stage probability ``q`` of the
block and its neighbours, means over windows before and after it, the page's
mean, and where the block lies relative to the span of blocks with ``q`` ≥ 0.5:
how sure the simple model is around a block tells the trees how far to trust it.
The C extension (``cleaner.native``) computes the same rows, bit for bit, where it is on.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

from ... import native

CONTEXT = [
    "q_self", "q_-1", "q_+1", "q_-2", "q_+2", "q_prev5", "q_next5", "q_prev20", "q_next20",
    "q_before_w", "q_after_w", "q_max_before", "q_max_after", "q_page", "q_page_share",
    "q_inside_span", "q_dist_in", "q_pos_in_span", "q_words_before", "q_words_after",
]  # fmt: skip
HOT = 0.5
MISSING = -1.0


def context_features(q: Sequence[float], words: Sequence[int]) -> list[tuple[float, ...]]:
    """One row of ``CONTEXT`` per candidate, from the first stage's probabilities over the page."""
    built = native.extension()
    if built is not None:
        found: list[tuple[float, ...]] = built.context_features(q, words)
        return found
    count = len(q)
    if not count:
        return []
    sums = _prefix(q)
    weighted = _prefix([value * (w + 1) for value, w in zip(q, words, strict=True)])
    weights = _prefix([w + 1 for w in words])
    hot_words = _prefix([w if value >= HOT else 0 for value, w in zip(q, words, strict=True)])
    total_hot = hot_words[-1] or 1.0
    hot = [k for k in range(count) if q[k] >= HOT]
    first, last = (hot[0], hot[-1]) if hot else (count, -1)
    max_before, max_after = _running_max(q), _running_max(q[::-1])[::-1]
    near = _distance_to_hot(q)
    page_mean, page_share = sums[count] / count, weighted[count] / weights[count]

    def mean(low: int, high: int) -> float:
        return (sums[high] - sums[low]) / (high - low) if high > low else MISSING

    rows: list[tuple[float, ...]] = []
    for k in range(count):
        rows.append(
            (
                q[k],
                q[k - 1] if k > 0 else MISSING,
                q[k + 1] if k + 1 < count else MISSING,
                q[k - 2] if k > 1 else MISSING,
                q[k + 2] if k + 2 < count else MISSING,
                mean(max(0, k - 5), k),
                mean(k + 1, min(count, k + 6)),
                mean(max(0, k - 20), k),
                mean(k + 1, min(count, k + 21)),
                weighted[k] / weights[k] if k else MISSING,
                (weighted[count] - weighted[k + 1]) / (weights[count] - weights[k + 1]) if k + 1 < count else MISSING,
                max_before[k],
                max_after[k],
                page_mean,
                page_share,
                float(first <= k <= last),
                math.log1p(min(near[k], count)),
                (k - first) / (last - first + 1) if hot else MISSING,
                hot_words[k] / total_hot,
                (total_hot - hot_words[k + 1]) / total_hot if hot else 0.0,
            )
        )
    return rows


def _prefix(values: Sequence[float]) -> list[float]:
    sums = [0.0]
    for value in values:
        sums.append(sums[-1] + value)
    return sums


def _running_max(values: Sequence[float]) -> list[float]:
    """The largest value strictly before each position (0 for the first)."""
    found, best = [], 0.0
    for value in values:
        found.append(best)
        best = max(best, value)
    return found


def _distance_to_hot(q: Sequence[float]) -> list[int]:
    """Each position's distance to the nearest block with ``q`` ≥ 0.5 (itself included)."""
    count = len(q)
    near, last = [count] * count, -count
    for k in range(count):
        if q[k] >= HOT:
            last = k
        near[k] = k - last
    following = 2 * count
    for k in range(count - 1, -1, -1):
        if q[k] >= HOT:
            following = k
        near[k] = min(near[k], following - k)
    return near
