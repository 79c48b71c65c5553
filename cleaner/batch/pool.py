"""Clean chunks of records in worker processes, in input order, surviving the death of a worker.

Pebble's process pool replaces a worker that dies (killed for memory, a crash in
native code, stuck past its chunk's time limit and stopped) and fails only the
chunk that worker held. That chunk's records are then cleaned one at a time, so
the record that kills a worker again is the one named in its error line.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Callable, Iterable, Iterator, Sequence
from concurrent.futures import Future, TimeoutError
from multiprocessing import get_context
from typing import Any

from pebble import ProcessExpired, ProcessPool

from .records import Numbered

Task = Callable[[Sequence[Numbered]], list[str]]
OnDeath = Callable[[Numbered, str], str]


class ChunkRunner:
    """Runs a task over chunks in a pool of spawned worker processes, each chunk within a time limit."""

    def __init__(
        self,
        workers: int,
        task: Task,
        initializer: Callable[..., None],
        initargs: tuple[Any, ...],
        seconds_per_record: float,
    ) -> None:
        self._pool = ProcessPool(workers, initializer=initializer, initargs=initargs, context=get_context("spawn"))
        self._task = task
        self._seconds_per_record = seconds_per_record

    def submit(self, chunk: Sequence[Numbered]) -> Future[list[str]]:
        return self._pool.schedule(self._task, args=(chunk,), timeout=self._seconds_per_record * len(chunk))

    def __enter__(self) -> ChunkRunner:
        return self

    def __exit__(self, *_: object) -> None:
        self._pool.close()  # type: ignore[no-untyped-call]
        self._pool.join()


def in_order(runner: ChunkRunner, chunks: Iterable[list[Numbered]], window: int, on_death: OnDeath) -> Iterator[str]:
    """Output lines of each chunk in submission order, with at most ``window`` chunks in flight."""
    pending: deque[tuple[list[Numbered], Future[list[str]]]] = deque()
    for chunk in chunks:
        pending.append((chunk, runner.submit(chunk)))
        if len(pending) >= window:
            yield from _collect(runner, *pending.popleft(), on_death)
    while pending:
        yield from _collect(runner, *pending.popleft(), on_death)


def _collect(runner: ChunkRunner, chunk: list[Numbered], future: Future[list[str]], on_death: OnDeath) -> list[str]:
    try:
        return future.result()
    except (ProcessExpired, TimeoutError):
        if len(chunk) == 1:
            return [on_death(chunk[0], _cause(future))]
        alone = [runner.submit([item]) for item in chunk]
        return [
            line
            for item, single in zip(chunk, alone, strict=True)
            for line in _collect(runner, [item], single, on_death)
        ]


def _cause(future: Future[list[str]]) -> str:
    error = future.exception()
    if isinstance(error, ProcessExpired):
        return f"the worker process died (exit code {error.exitcode}) while cleaning this record"
    return "the worker process was stopped: cleaning this record took longer than its time limit"
