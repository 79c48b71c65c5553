"""Read JSONL input: numbered lines in constant memory, a line too long to hold a document skipped unread."""

from __future__ import annotations

import codecs
from collections.abc import Iterator
from pathlib import Path
from typing import IO

from ..settings import Settings
from .records import Numbered, TooLong

LINE_OVERHEAD_BYTES = 1 << 20
SKIP_CHUNK_BYTES = 1 << 20


def max_line_bytes(settings: Settings) -> int:
    """The longest JSONL line that can hold an acceptable document (JSON escapes take up to 6 bytes)."""
    return settings.max_chars * 6 + LINE_OVERHEAD_BYTES


def max_page_bytes(settings: Settings) -> int:
    """The largest page file that can hold an acceptable document (UTF-8 takes up to 4 bytes a character)."""
    return settings.max_chars * 4


def numbered_lines(stream: IO[bytes], max_bytes: int = max_line_bytes(Settings())) -> Iterator[Numbered]:
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


def count_lines(path: str) -> int | None:
    """Lines in a regular file (for a progress total), or None for a stream."""
    if path == "-" or not Path(path).is_file():
        return None
    with open(path, "rb") as stream:
        return sum(block.count(b"\n") for block in iter(lambda: stream.read(1 << 20), b""))
