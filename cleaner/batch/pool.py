"""Clean chunks of records in worker processes, in input order, surviving the death of a worker.

Pebble's process pool replaces a worker that dies (killed for memory, a crash in
native code, stuck past its chunk's time limit and stopped) and fails only the
chunk that worker held. That chunk's records are then cleaned one at a time, so
the record that kills a worker again is the one named in its error line.

A worker dies with the batch process: on Linux the kernel sends it SIGKILL when
its parent dies (``PR_SET_PDEATHSIG``), elsewhere a thread watches its parent
process id. Without that, a worker whose parent was killed went on with the
chunk it held, for as long as that chunk took.
"""

from __future__ import annotations

import ctypes
import os
import signal
import sys
import threading
import time
from collections import deque
from collections.abc import Callable, Iterable, Iterator, Sequence
from concurrent.futures import Future, TimeoutError
from multiprocessing import get_context
from typing import Any

from pebble import ProcessExpired, ProcessPool

from .records import Numbered

Task = Callable[[Sequence[Numbered]], list[str]]
OnDeath = Callable[[Numbered, str], str]
PR_SET_PDEATHSIG = 1  # from <linux/prctl.h>
PARENT_CHECK_SECONDS = 0.2  # where the kernel cannot be asked: how often a worker looks for its parent


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
        self._pool = ProcessPool(
            workers,
            initializer=start_pool_worker,
            initargs=(os.getpid(), initializer, initargs),
            context=get_context("spawn"),
        )
        self._task = task
        self._seconds_per_record = seconds_per_record

    def submit(self, chunk: Sequence[Numbered]) -> Future[list[str]]:
        return self._pool.schedule(self._task, args=(chunk,), timeout=self._seconds_per_record * len(chunk))

    def __enter__(self) -> ChunkRunner:
        return self

    def __exit__(self, *_: object) -> None:
        self._pool.close()  # type: ignore[no-untyped-call]
        self._pool.join()


def start_pool_worker(parent: int, initializer: Callable[..., None], initargs: tuple[Any, ...]) -> None:
    """In a new worker process: die with ``parent``, then run the pool's own initializer."""
    exit_with_parent(parent)
    initializer(*initargs)


def exit_with_parent(parent: int) -> None:
    """End this process as soon as ``parent`` (the process that started it) dies, even by SIGKILL.

    On Linux the kernel sends SIGKILL at once, even mid-match in native code. (It
    is tied to the thread that started this process: pebble starts replacements
    from its pool-manager thread, which ends only after the pool's last task.)
    """
    if sys.platform.startswith("linux"):
        try:
            libc = ctypes.CDLL(None, use_errno=True)
            armed = libc.prctl(PR_SET_PDEATHSIG, int(signal.SIGKILL), 0, 0, 0) == 0
        except (OSError, AttributeError):
            armed = False
        if armed:
            if os.getppid() != parent:  # it died before the signal was armed
                os._exit(1)
            return
    threading.Thread(target=_watch_parent, args=(parent,), name="parent-watch", daemon=True).start()


def _watch_parent(parent: int) -> None:
    while os.getppid() == parent:
        time.sleep(PARENT_CHECK_SECONDS)
    os._exit(1)


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
