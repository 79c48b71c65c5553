"""The time budget of one document's rule stage, and the errors it ends in.

One budget, measured one way: the cleaning thread's own CPU time
(``time.thread_time``), from the start of rule matching (the document is
normalised, segmented and tokenised by then: those steps are bounded by the
input limits, not by the budget) to its end, including the search for the rule
to blame when it runs out.

A single regex match can only be interrupted by the ``regex`` module's own
``timeout``, and that counts *process* CPU time (C ``clock()``): with other
threads busy it runs out early. So each match goes through ``Deadline.run``,
which treats a regex timeout as final only when this thread has spent its
budget; otherwise the match is tried again with the rest of the budget, given
to ``regex`` scaled by how much faster the process clock ran than the thread's.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import TypeVar

from ..errors import CANCELLED, DEADLINE_EXCEEDED, CleaningStopped, RuleTimeoutError

T = TypeVar("T")

# After the budget runs out, finding the rule to blame may take this share of it on top: the whole
# rule stage of a document ends within (1 + SEARCH_SHARE) x the budget of its thread's CPU time.
SEARCH_SHARE = 0.25
# ``stop`` (the caller's "should this document stop?") is asked at most this often, in CPU seconds.
STOP_CHECK_SECONDS = 0.005
# A retried match gives ``regex`` at most this many times the thread's remaining budget: the process
# clock runs at most as many times faster as threads run at once. The cap bounds what one match can
# overrun by if the other threads go idle meanwhile.
MAX_CLOCK_RATIO = 8.0
CLOCK_RATIO_MARGIN = 1.5
MIN_MEASURABLE = 1e-4  # seconds of thread CPU below which a ratio is not measured

Stop = Callable[[], bool]


@dataclass(frozen=True, slots=True)
class Interrupt:
    """When the caller wants a document stopped: ``stop()`` says so, or the instant ``until`` passes.

    ``until`` is a ``time.monotonic()`` value (a call's deadline): no single match runs past it either.
    """

    stop: Stop | None = None
    until: float | None = None

    @property
    def active(self) -> bool:
        return self.stop is not None or self.until is not None

    def check(self) -> None:
        """Raise ``CleaningStopped`` if the document should stop now."""
        if self.until is not None and time.monotonic() >= self.until:
            raise CleaningStopped("cleaning stopped: the caller's deadline passed", DEADLINE_EXCEEDED)
        if self.stop is not None and self.stop():
            raise CleaningStopped("cleaning stopped: the caller asked to stop", CANCELLED)

    def cap(self, allowance: float) -> float:
        """``allowance`` for one match, cut to what is left until ``until`` (the process clock runs no slower)."""
        if self.until is None:
            return allowance
        return min(allowance, max(self.until - time.monotonic(), MIN_MEASURABLE))


NO_INTERRUPT = Interrupt()


class Deadline:
    """A budget of ``seconds`` of this thread's CPU time, shared by every match of one document."""

    __slots__ = ("seconds", "_expires", "_interrupt", "_next_stop_check", "_ratio")

    def __init__(self, seconds: float, interrupt: Interrupt = NO_INTERRUPT) -> None:
        now = time.thread_time()
        self.seconds = seconds
        self._expires = now + seconds
        self._interrupt = interrupt
        self._next_stop_check = now
        self._ratio = 1.0

    def left(self) -> float:
        """Seconds of the budget left (negative once overspent); checks the interrupt now and then."""
        now = time.thread_time()
        if self._interrupt.active and now >= self._next_stop_check:
            self._next_stop_check = now + STOP_CHECK_SECONDS
            self._interrupt.check()
        return self._expires - now

    def remaining(self) -> float:
        """Seconds of the budget left; raises ``RuleTimeoutError`` when none are."""
        left = self.left()
        if left <= 0:
            raise timed_out()
        return left

    def extend(self, seconds: float) -> None:
        """Give back time spent on work that is not the document's (compiling a pattern)."""
        self._expires += seconds

    def run(self, match: Callable[..., T], *args: object) -> T:
        """``match(*args, timeout=...)``: one regex call, given its ``timeout`` in ``regex``'s process clock.

        Raises ``MatchTimedOut`` when this match spends the rest of the budget (a
        timeout the process clock caused early is retried with what is left), and
        ``RuleTimeoutError`` when the budget was spent before it began.
        """
        while True:
            left = self.remaining()
            allowance = self._interrupt.cap(left * self._ratio)
            started = time.thread_time()
            try:
                return match(*args, timeout=allowance)
            except RuleTimeoutError:
                raise
            except TimeoutError:
                self._interrupt.check()  # cut short at the caller's deadline
                used = time.thread_time() - started
                if used >= left:
                    raise MatchTimedOut from None
                # Other threads ran the process clock faster than ours: allow for it next time.
                measured = allowance / max(used, MIN_MEASURABLE)
                self._ratio = min(MAX_CLOCK_RATIO, max(self._ratio, measured * CLOCK_RATIO_MARGIN))

    def search(self) -> Deadline:
        """The budget for finding the rule to blame, once this one has run out."""
        return Deadline(self.seconds * SEARCH_SHARE, self._interrupt)


class MatchTimedOut(TimeoutError):
    """A match ran until the budget was spent: the caller names the rule (``charged_to``) or looks for it."""


def timed_out(rule_id: str | None = None, part: str = "") -> RuleTimeoutError:
    """The error for a budget that ran out, naming the rule (and ``part`` of it) when known."""
    if rule_id is None:
        return RuleTimeoutError("rule matching exceeded the time budget")
    where = f" ({part})" if part else ""
    return RuleTimeoutError(f"rule {rule_id!r}{where} exceeded the time budget", rule_id)


@contextmanager
def charged_to(rule_id: str, part: str = "") -> Iterator[None]:
    """Matching inside this block that runs out of time names ``rule_id``."""
    try:
        yield
    except MatchTimedOut:
        raise timed_out(rule_id, part) from None
