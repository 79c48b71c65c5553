"""After smoothing: where the model and the prose-run heuristic agree, and the article's lead.

Two checks on the smoothed decision, both measured on held-out WCXB folds
(grouped by domain) to cost nothing there, and to help news pages:

- ``outside_run``: when most of the words the model keeps (``agreement``) lie in
  the heuristic's prose run, the page is an article whose place both agree on,
  and a block kept outside that run (a teaser list, a policy text, a comment
  form) stays only if the model is sure of it (``confidence``).
- ``lead``: the prose block just before the first block kept is the article's
  lead paragraph (its first paragraph follows a byline, a date or a caption,
  which the model reads as a sign of page furniture); it is kept when the model
  gives it at least ``floor``.
"""

from __future__ import annotations

from collections.abc import Sequence

from .page import PageBlocks

PROSE = "prose"


def outside_run(
    page: PageBlocks,
    candidates: Sequence[int],
    probabilities: Sequence[float],
    keep: list[bool],
    agreement: float,
    confidence: float,
) -> frozenset[int]:
    """The kept blocks to drop (``keep`` is updated): outside the run, unsure, on a page where both agree."""
    kept = [index for index in candidates if keep[index]]
    words = sum(len(page.tokens[index]) for index in kept)
    inside = sum(len(page.tokens[index]) for index in kept if page.in_run[index])
    if not words or all(page.in_run[index] for index in candidates) or inside < agreement * words:
        return frozenset()
    dropped = frozenset(
        index
        for index, probability in zip(candidates, probabilities, strict=True)
        if keep[index] and not page.in_run[index] and probability < confidence
    )
    for index in dropped:
        keep[index] = False
    return dropped


def keep_lead(
    page: PageBlocks, candidates: Sequence[int], probabilities: Sequence[float], keep: list[bool], floor: float
) -> None:
    """Keep the prose block just before the first kept block, if the model gives it ``floor`` or more."""
    first = next((position for position, index in enumerate(candidates) if keep[index]), None)
    if not first:
        return
    lead = candidates[first - 1]
    if page.classes[lead] == PROSE and probabilities[first - 1] >= floor:
        keep[lead] = True
