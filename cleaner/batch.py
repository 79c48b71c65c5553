"""Clean a JSONL stream: one output line per input line, in order, in constant memory."""

from __future__ import annotations

import codecs
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import IO

from .core import Cleaner
from .pool import ChunkRunner, Task, in_order
from .records import Numbered, RecordError, TooLong, clean_line, parse_line, worker_died_line
from .rules.loading import LoadedPack, load_packs
from .settings import Settings
from .sites import MIN_PAGES, MIN_SHARE, SiteLearner

CHUNK_LINES = 32
CHUNKS_PER_WORKER = 4
LINE_OVERHEAD_BYTES = 1 << 20
SKIP_CHUNK_BYTES = 1 << 20
RECORD_SECONDS_FLOOR = 10.0  # a worker still on a record after this long (or 5 time budgets) is stopped
RECORD_SECONDS_PER_TIMEOUT = 5


@dataclass(frozen=True, slots=True)
class CleanerOptions:
    """How each process builds its cleaner (picklable, for worker processes)."""

    rule_paths: tuple[str, ...] = ()
    builtin_rules: bool = True
    learned_packs: tuple[LoadedPack, ...] = ()
    settings: Settings = Settings()

    def build(self) -> Cleaner:
        packs = load_packs(self.rule_paths, builtin=self.builtin_rules) + list(self.learned_packs)
        return Cleaner.from_packs(packs, **self.settings.model_dump())

    @property
    def max_line_bytes(self) -> int:
        """The longest JSONL line that can hold an acceptable document (JSON escapes take up to 6 bytes)."""
        return self.settings.max_chars * 6 + LINE_OVERHEAD_BYTES


def site_learner(path: str) -> SiteLearner:
    """A learner that has read every text record of a JSONL file (HTML records are not learned from)."""
    learner = SiteLearner()
    with open(path, "rb") as stream:
        for _, line in numbered_lines(stream):
            try:
                record = parse_line(line)
            except RecordError:
                continue
            if record.text:
                learner.observe(record.text, record.url, record.source)
    return learner


def learn_sites(path: str, min_pages: int = MIN_PAGES, min_share: float = MIN_SHARE) -> list[LoadedPack]:
    """Rule packs of each site's repeated blocks in a JSONL file."""
    return site_learner(path).packs(Path(path).name, min_pages, min_share)


def numbered_lines(stream: IO[bytes], max_bytes: int = CleanerOptions().max_line_bytes) -> Iterator[Numbered]:
    """Input lines without their line ending, numbered from 1.

    A line longer than ``max_bytes`` is never held in memory: it is skipped and
    stands as ``TooLong`` in the sequence, so its output line says so.
    """
    number = 0
    while line := stream.readline(max_bytes + 1):
        number += 1
        if number == 1:
            line = line.removeprefix(codecs.BOM_UTF8)  # files saved by some Windows editors start with one
        if len(line) > max_bytes and not line.endswith(b"\n"):
            yield number, TooLong(len(line) + _skip_rest_of_line(stream))
        else:
            yield number, line.rstrip(b"\r\n")


def _skip_rest_of_line(stream: IO[bytes]) -> int:
    """Read past the rest of a line; its length without the line ending."""
    skipped = 0
    while chunk := stream.readline(SKIP_CHUNK_BYTES):
        skipped += len(chunk.rstrip(b"\r\n"))
        if chunk.endswith(b"\n"):
            break
    return skipped


def clean_lines(
    lines: Iterable[Numbered], options: CleanerOptions, workers: int = 1, task: Task | None = None
) -> Iterator[str]:
    """Output lines in input order; with ``workers`` > 1, cleaned in that many processes.

    ``task`` cleans one chunk in a worker (default: the worker's cleaner, line by line).
    """
    if workers <= 1:
        cleaner = options.build()
        for number, line in lines:
            yield clean_line(cleaner, line, number)
        return
    seconds_per_record = max(RECORD_SECONDS_FLOOR, RECORD_SECONDS_PER_TIMEOUT * options.settings.timeout)
    with ChunkRunner(workers, task or clean_chunk, _start_worker, (options,), seconds_per_record) as runner:
        yield from in_order(runner, _chunks(lines), workers * CHUNKS_PER_WORKER, worker_died_line)


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


def _start_worker(options: CleanerOptions) -> None:
    global _worker_cleaner
    _worker_cleaner = options.build()


def clean_chunk(chunk: Sequence[Numbered]) -> list[str]:
    """In a worker process: the output lines of one chunk."""
    assert _worker_cleaner is not None, "worker not started"
    return [clean_line(_worker_cleaner, line, number) for number, line in chunk]


def count_lines(path: str) -> int | None:
    """Lines in a regular file (for a progress total), or None for a stream."""
    if path == "-" or not Path(path).is_file():
        return None
    with open(path, "rb") as stream:
        return sum(block.count(b"\n") for block in iter(lambda: stream.read(1 << 20), b""))
