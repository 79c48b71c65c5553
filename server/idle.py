"""Streams waiting for their next request, so that idle ones never keep a working call out.

A stream waiting with nothing in progress costs no thread, but it holds one of the
process's ``--max-concurrent-rpcs`` call slots. When a call arrives with every slot
taken, the stream idle longest (for at least ``EVICT_AFTER_SECONDS``) is closed to make
room (UNAVAILABLE: its client may open a new one), rather than the call refused. And
none waits longer than ``--stream-idle-timeout``. Used only on the event loop's thread.
"""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from contextlib import contextmanager

EVICT_AFTER_SECONDS = 1.0  # a stream between two requests of a busy client is not idle


class IdleStreams:
    def __init__(self, timeout: float) -> None:
        self.timeout = timeout
        self._waiting: dict[asyncio.Timeout, float] = {}
        self._evicted: set[asyncio.Timeout] = set()

    @contextmanager
    def waiting(self, timeout: asyncio.Timeout) -> Iterator[None]:
        """While a stream waits for its next request under ``timeout`` (an ``asyncio.timeout``)."""
        self._waiting[timeout] = asyncio.get_running_loop().time()
        try:
            yield
        finally:
            del self._waiting[timeout]

    def evicted(self, timeout: asyncio.Timeout) -> bool:
        """Whether the wait under ``timeout`` was ended to make room (rather than by the idle timeout)."""
        if timeout in self._evicted:
            self._evicted.discard(timeout)
            return True
        return False

    def evict_one(self) -> bool:
        """End the wait of the stream idle longest, if one has been idle long enough; whether one was."""
        now = asyncio.get_running_loop().time()
        candidates = [(since, t) for t, since in self._waiting.items() if t not in self._evicted]
        if not candidates:
            return False
        since, oldest = min(candidates, key=lambda item: item[0])
        if now - since < EVICT_AFTER_SECONDS:
            return False
        self._evicted.add(oldest)
        oldest.reschedule(now)
        return True
