"""The time budget of one document's rule matching, and the errors it ends in."""

from __future__ import annotations

import time
from collections.abc import Iterator
from contextlib import contextmanager

from ..errors import RuleTimeoutError


class Deadline:
    """A time budget shared by every match of one document.

    Counted in the cleaning thread's own CPU time, so a document's fate does not
    depend on how many others the process is cleaning at once (threads waiting for
    the interpreter lock spend no budget).
    """

    __slots__ = ("_expires",)

    def __init__(self, seconds: float) -> None:
        self._expires = time.thread_time() + seconds

    def remaining(self) -> float:
        left = self._expires - time.thread_time()
        if left <= 0:
            raise timed_out()
        return left

    def extend(self, seconds: float) -> None:
        """Give back time spent on work that is not the document's (compiling a pattern)."""
        self._expires += seconds


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
    except TimeoutError as error:
        if isinstance(error, RuleTimeoutError):
            raise
        raise timed_out(rule_id, part) from None
