"""Clean a stream of records: one output line per input item, in order, in constant memory."""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from functools import partial

from ..api import Cleaner, CleanerOptions
from .pool import ChunkRunner, Task, in_order
from .records import DEFAULT_SPEC, Numbered, clean_line, worker_died_line
from .spec import RecordSpec

CHUNK_LINES = 32
CHUNKS_PER_WORKER = 4
RECORD_SECONDS_FLOOR = 10.0  # a worker still on a record after this long (or 5 time budgets) is stopped
RECORD_SECONDS_PER_TIMEOUT = 5


def clean_lines(
    lines: Iterable[Numbered],
    options: CleanerOptions,
    workers: int = 1,
    task: Task | None = None,
    spec: RecordSpec = DEFAULT_SPEC,
) -> Iterator[str]:
    """Output lines in input order; with ``workers`` > 1, cleaned in that many processes.

    ``task`` cleans one chunk in a worker (default: the worker's cleaner, item by item).
    """
    if workers <= 1:
        cleaner = options.build()
        for number, line in lines:
            yield clean_line(cleaner, line, number, spec)
        return
    seconds_per_record = max(RECORD_SECONDS_FLOOR, RECORD_SECONDS_PER_TIMEOUT * options.settings.timeout)
    died = partial(worker_died_line, spec=spec)
    with ChunkRunner(workers, task or clean_chunk, start_worker, (options, spec), seconds_per_record) as runner:
        yield from in_order(runner, _chunks(lines), workers * CHUNKS_PER_WORKER, died)


def _chunks(lines: Iterable[Numbered]) -> Iterator[list[Numbered]]:
    chunk: list[Numbered] = []
    for item in lines:
        chunk.append(item)
        if len(chunk) == CHUNK_LINES:
            yield chunk
            chunk = []
    if chunk:
        yield chunk


_worker_cleaner: Cleaner | None = None
_worker_spec = DEFAULT_SPEC


def start_worker(options: CleanerOptions, spec: RecordSpec = DEFAULT_SPEC) -> None:
    """In a new worker process: build its cleaner."""
    global _worker_cleaner, _worker_spec
    _worker_cleaner = options.build()
    _worker_spec = spec


def clean_chunk(chunk: Sequence[Numbered]) -> list[str]:
    """In a worker process: the output lines of one chunk."""
    assert _worker_cleaner is not None, "worker not started"
    return [clean_line(_worker_cleaner, line, number, _worker_spec) for number, line in chunk]
