"""Open a batch input by what it holds: JSONL (plain, gzip, zstd, bz2, xz), Parquet, WARC/WET, pages.

The kind is told by the first bytes, so a compressed file with the wrong
extension still reads; a directory, a glob, or a file named ``.txt``/``.html``
(also ``.gz``) is a listing of pages. Input that none of these can read —
binary data, text that is not JSONL, a zip archive, Parquet on standard input —
is refused with ``InputError`` before any output is written.
"""

from __future__ import annotations

import io
import os
import stat
import sys
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager, ExitStack, contextmanager
from dataclasses import dataclass
from functools import partial
from typing import IO, Any, cast

from ...errors import INVALID_ARGUMENT, CleanerError
from ...settings import Settings
from ..reading import count_lines, max_line_bytes, max_page_bytes, numbered_lines
from ..records import Numbered
from .compression import decompressed, decompressed_head
from .detect import COMPRESSIONS, HEAD_BYTES, Kind, jsonl_problem, sniff
from .pages import is_listing, is_page_name, page_files, pages
from .parquet import parquet_row_count, parquet_rows
from .warc import warc_pages


class InputError(CleanerError):
    """An input that cannot be read as any format the batch knows."""

    code = INVALID_ARGUMENT


@dataclass(frozen=True, slots=True)
class Source:
    """An input, known to be readable: what it is, and how to read its items (again, unless ``stream`` is set)."""

    name: str
    description: str
    reader: Callable[[int, int], AbstractContextManager[Iterator[Numbered]]]
    """Items, given the longest line and the largest page file that can hold an acceptable document."""
    line_based: bool = False
    """JSONL: its items are lines (``batch --server`` and progress totals work on lines)."""
    stream: IO[bytes] | None = None
    """For input that can be read only once (standard input, a pipe, a FIFO): the stream, opened once."""

    def open(self, settings: Settings) -> AbstractContextManager[Iterator[Numbered]]:
        """Its items, read with the limits of ``settings`` (a line or file too large is an error record)."""
        return self.reader(max_line_bytes(settings), max_page_bytes(settings))

    def total(self) -> int | None:
        """How many items, when cheap to know (a plain JSONL file, a listing, Parquet), else None."""
        if self.description == "JSONL" and self.stream is None:
            return count_lines(self.name)
        if self.description == "Parquet":
            return parquet_row_count(self.name)
        if self.description.startswith("a listing"):
            return len(page_files(self.name))
        return None


def open_source(name: str) -> Source:
    """The input ``name`` names (``-``: standard input), or ``InputError`` saying why it cannot be read."""
    if name != "-" and (is_listing(name) or (os.path.isfile(name) and is_page_name(name))):
        found = len(page_files(name))
        if not found and not os.path.isfile(name):
            raise InputError(f"{name}: no .txt, .html or .htm files (or .gz of them) there")
        return Source(name, f"a listing of {found:,} pages", _opener(lambda _, page_bytes: pages(name, page_bytes)))
    if name == "-" or not _is_regular(name):
        return _once(name)
    try:
        with open(name, "rb") as stream:
            kind, inner, problem = _classify(stream.read(HEAD_BYTES))
    except OSError as error:
        raise InputError(f"cannot read {name}: {error.strerror}") from None
    if problem:
        raise InputError(f"{name} is {problem}")
    if kind is Kind.PARQUET:
        return Source(name, "Parquet", _opener(lambda *_: parquet_rows(name)))
    if inner is Kind.PARQUET:
        raise InputError(f"{name} is compressed Parquet; Parquet compresses inside the file: decompress it first")
    description = _describe(kind, inner)
    reader = partial(_read_file, name, kind, inner)
    return Source(name, description, lambda line_bytes, _: reader(line_bytes), line_based="JSONL" in description)


def _once(name: str) -> Source:
    """Standard input, a pipe or a FIFO: opened once, its first bytes read ahead (and read again), never rewound."""
    what = "standard input" if name == "-" else name
    try:
        raw = sys.stdin.buffer.raw if name == "-" else open(name, "rb", buffering=0)  # type: ignore[union-attr]
        head = _read_ahead(raw)
    except OSError as error:
        raise InputError(f"cannot read {name}: {error.strerror}") from None
    stream = io.BufferedReader(_Replayed(head, raw), buffer_size=HEAD_BYTES)
    kind, inner, problem = _classify(head)
    if kind is Kind.PARQUET or inner is Kind.PARQUET:
        raise InputError(f"{what} holds Parquet, which is read from a regular file: give its path")
    if problem:
        raise InputError(f"{what} is {problem}")
    description = _describe(kind, inner)

    def read(line_bytes: int, _: int) -> AbstractContextManager[Iterator[Numbered]]:
        return _read_stream(stream, kind, inner, line_bytes, owned=False)

    return Source(name, description, read, line_based="JSONL" in description, stream=stream)


def _is_regular(name: str) -> bool:
    try:
        return stat.S_ISREG(os.stat(name).st_mode)
    except OSError:
        return True  # opening it says what is wrong


def _classify(head: bytes) -> tuple[Kind, Kind | None, str]:
    """(outer kind, kind inside a compression, a problem or ""), from the first ``HEAD_BYTES`` (or all) of an input."""
    kind = sniff(head)
    if kind is Kind.ZIP:
        return kind, None, "a zip archive; unpack it, then give the folder"
    if kind not in COMPRESSIONS:
        return kind, None, jsonl_problem(head, len(head) < HEAD_BYTES) if kind is Kind.TEXT else ""
    try:
        inner_head = decompressed_head(head, kind)
    except Exception as error:  # noqa: BLE001 - each decompressor has its own error types
        return kind, None, f"not readable {kind.value} data ({error})"
    inner = sniff(inner_head)
    if inner in COMPRESSIONS or inner is Kind.ZIP:
        return kind, inner, f"{kind.value} data holding {inner.value} data; decompress it once first"
    problem = jsonl_problem(inner_head, len(inner_head) < HEAD_BYTES) if inner is Kind.TEXT else ""
    return kind, inner, f"{kind.value} data that is {problem}" if problem else ""


def _describe(kind: Kind, inner: Kind | None) -> str:
    if kind is Kind.WARC or inner is Kind.WARC:
        return "WARC" if inner is None else f"{kind.value}-compressed WARC"
    return "JSONL" if inner is None else f"{kind.value}-compressed JSONL"


@contextmanager
def _read_file(name: str, kind: Kind, inner: Kind | None, max_line_bytes: int) -> Iterator[Iterator[Numbered]]:
    with open(name, "rb") as stream, _read_stream(stream, kind, inner, max_line_bytes, owned=True) as items:
        yield items


@contextmanager
def _read_stream(
    stream: IO[bytes], kind: Kind, inner: Kind | None, max_line_bytes: int, owned: bool
) -> Iterator[Iterator[Numbered]]:
    """Items of a JSONL or WARC stream, compressed or not (a gzipped WARC goes to FastWARC whole)."""
    with ExitStack() as stack:
        if kind is Kind.WARC or (kind is Kind.GZIP and inner is Kind.WARC):
            yield warc_pages(stream)
            return
        data: IO[bytes] = stream
        if kind in COMPRESSIONS:
            data = stack.enter_context(decompressed(stream if owned else cast(IO[bytes], _Unclosed(stream)), kind))
        yield warc_pages(data) if inner is Kind.WARC else numbered_lines(data, max_line_bytes)


def _opener(
    items: Callable[[int, int], Iterator[Numbered]],
) -> Callable[[int, int], AbstractContextManager[Iterator[Numbered]]]:
    @contextmanager
    def opened(line_bytes: int, page_bytes: int) -> Iterator[Iterator[Numbered]]:
        found = items(line_bytes, page_bytes)
        try:
            yield found
        finally:
            getattr(found, "close", lambda: None)()  # a generator's files close with it

    return opened


def _read_ahead(raw: IO[bytes]) -> bytes:
    """The first ``HEAD_BYTES`` of a pipe (or all of it, if shorter), however slowly they come."""
    head = b""
    while len(head) < HEAD_BYTES and (chunk := raw.read(HEAD_BYTES - len(head))):
        head += chunk
    return head


class _Replayed(io.RawIOBase):
    """A stream read once whose first bytes were read ahead: those bytes, then the rest of the stream."""

    def __init__(self, head: bytes, rest: IO[bytes]) -> None:
        self._head = memoryview(head)
        self._rest = rest

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: Any) -> int:
        if self._head:
            size = min(len(buffer), len(self._head))
            buffer[:size] = self._head[:size]
            self._head = self._head[size:]
            return size
        data = self._rest.read(len(buffer))
        buffer[: len(data)] = data
        return len(data)


class _Unclosed:
    """A stream that a decompressor may close without closing the stream itself (standard input, a peek)."""

    def __init__(self, stream: IO[bytes]) -> None:
        self._stream = stream

    def read(self, size: int = -1) -> bytes:
        return self._stream.read(size)

    def readable(self) -> bool:
        return True

    def close(self) -> None:
        pass

    @property
    def closed(self) -> bool:
        return False
