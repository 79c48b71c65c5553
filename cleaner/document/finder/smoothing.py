"""Sequence smoothing over a page's candidate blocks: a 2-state HMM decoded with Viterbi.

States: 0 = boilerplate, 1 = article. A block's probability ``p`` becomes a
scaled likelihood, log(p / prior) for article and log((1 - p) / (1 - prior))
for boilerplate; transitions and the start distribution were counted from the
training pages, and ``strength`` scales their log-probabilities (0: none), so a
lone block rarely flips state against its neighbours. The C extension
(``cleaner.native``) runs the same recursion where it is on.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

from pydantic import BaseModel, ConfigDict

from ... import native

EPSILON = 1e-6


class Transitions(BaseModel):
    """Log-probabilities: ``trans[a][b]`` of state b after a, ``start[s]``; ``prior[s]`` the training share."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    trans: tuple[tuple[float, float], tuple[float, float]]
    start: tuple[float, float]
    prior: tuple[float, float]


def viterbi(probabilities: Sequence[float], hmm: Transitions, strength: float) -> list[int]:
    """The most likely state of each block."""
    if not probabilities:
        return []
    (t00, t01), (t10, t11) = ((a * strength, b * strength) for a, b in hmm.trans)
    prior0, prior1 = math.log(hmm.prior[0]), math.log(hmm.prior[1])
    built = native.extension()
    if built is not None:
        start0, start1 = hmm.start[0] * strength, hmm.start[1] * strength
        found: list[int] = built.viterbi(probabilities, t00, t01, t10, t11, start0, start1, prior0, prior1, EPSILON)
        return found
    log = math.log
    p = min(max(probabilities[0], EPSILON), 1 - EPSILON)
    s0 = hmm.start[0] * strength + log(1 - p) - prior0
    s1 = hmm.start[1] * strength + log(p) - prior1
    back: list[tuple[int, int]] = []
    for p in probabilities[1:]:
        p = min(max(p, EPSILON), 1 - EPSILON)
        stay0, switch0 = s0 + t00, s1 + t10
        stay1, switch1 = s1 + t11, s0 + t01
        from0 = 0 if stay0 >= switch0 else 1
        from1 = 0 if switch1 >= stay1 else 1
        s0 = max(stay0, switch0) + log(1 - p) - prior0
        s1 = max(stay1, switch1) + log(p) - prior1
        back.append((from0, from1))
    state = 1 if s1 > s0 else 0
    path = [state]
    for from0, from1 in reversed(back):
        state = from1 if state else from0
        path.append(state)
    path.reverse()
    return path
