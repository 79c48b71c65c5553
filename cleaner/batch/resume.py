"""Batch output that is never mistaken for complete, and can be resumed.

Lines go to ``.OUTPUT.partial`` beside ``OUTPUT``; only a run that reaches the
end of its input renames it to ``OUTPUT``. An interrupted run leaves the partial
file, and ``--resume`` keeps its complete lines (a torn last line is cut off),
skips that many input lines and appends the rest. When ``OUTPUT`` is a symlink,
both are the file it points to (the link stays); an output that is not a
regular file is written in place, without this protocol (see ``output``).
"""

from __future__ import annotations

import json
import os
from collections import Counter
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO

from ..errors import FAILED_PRECONDITION, CleanerError
from .output import keep_permissions
from .records import DEFAULT_SPEC, Item, Numbered, RecordError, error_code, parse_line
from .spec import RecordSpec

READ_BLOCK_BYTES = 1 << 20


class ResumeError(CleanerError):
    """A partial output that cannot be continued with this input."""

    code = FAILED_PRECONDITION


@dataclass(frozen=True, slots=True)
class Resumed:
    """Where a resumed run starts: complete lines already written, the id of the last one, their error codes."""

    lines: int = 0
    last_id: str | None = None
    errors: Counter[str] = field(default_factory=Counter)


def partial_path(output: str) -> Path:
    """The deterministic file an unfinished run of ``output`` writes to: beside the file a symlink leads to."""
    target = Path(os.path.realpath(output))
    return target.with_name(f".{target.name}.partial")


def resume_point(output: str) -> Resumed:
    """Cut a torn last line off the partial output and say how far it got (nothing: start over)."""
    partial = partial_path(output)
    if not partial.exists():
        return Resumed()
    with partial.open("r+b") as stream:
        complete, lines = _complete_prefix(stream)
        stream.truncate(complete)
        start = _last_line_start(stream, complete)
        stream.seek(start)
        last = stream.read(complete - start).rstrip(b"\n")
    return Resumed(lines, _record_id(last) if lines else None, error_counts(partial))


def error_counts(path: str | Path) -> Counter[str]:
    """How many lines of a batch output are error records, by status code."""
    counts: Counter[str] = Counter()
    with open(path, "rb") as stream:
        for line in stream:
            code = error_code(line)
            if code is not None:
                counts[code] += 1
    return counts


@contextmanager
def resumable_output(output: str, resumed: Resumed) -> Iterator[IO[str]]:
    """Append to the partial file (emptied unless resuming); rename it to ``output`` on success.

    On any error, or Ctrl-C, the partial file stays for ``--resume``.
    """
    partial = partial_path(output)
    mode = "a" if resumed.lines else "w"
    with partial.open(mode, encoding="utf-8", newline="\n") as stream:
        yield stream
        stream.flush()
        os.fsync(stream.fileno())
    target = os.path.realpath(output)  # a symlink is followed: its target is replaced, the link stays
    keep_permissions(partial, target)
    os.replace(partial, target)


def replace_through_partial(output: str, write: Callable[[IO[bytes]], None]) -> None:
    """Write a whole output that cannot be resumed (compressed, Parquet) to the partial file, then rename it.

    ``OUTPUT`` is still never incomplete; ``--resume`` is refused for such outputs before any work.
    """
    partial = partial_path(output)
    with partial.open("wb") as stream:
        write(stream)
        stream.flush()
        os.fsync(stream.fileno())
    target = os.path.realpath(output)
    keep_permissions(partial, target)
    os.replace(partial, target)


def write_resumable(lines: Iterable[str], output: str, resumed: Resumed) -> None:
    """Write ``lines`` (each without its newline) through the partial file of ``output``."""
    with resumable_output(output, resumed) as sink:
        for line in lines:
            sink.write(line + "\n")


def skip_done(lines: Iterator[Numbered], resumed: Resumed, spec: RecordSpec = DEFAULT_SPEC) -> Iterator[Numbered]:
    """The input items after those the partial output holds, once it is shown to belong to this input."""
    read = 0
    for read, line in lines:
        if read == resumed.lines:
            check_same_input(resumed, _line_id(line, read, spec), read)
        if read > resumed.lines:
            yield read, line
    if read < resumed.lines:
        raise ResumeError(f"the partial output has {resumed.lines:,} lines, this input only {read:,}")


def check_same_input(resumed: Resumed, input_id: str | None, line_number: int) -> None:
    """Refuse to resume when the last output line was not written for this input's line."""
    if resumed.last_id != input_id:
        raise ResumeError(
            f"the partial output does not belong to this input: its line {line_number} is for id "
            f"{resumed.last_id!r}, the input's line {line_number} has id {input_id!r}"
        )


def _line_id(line: Item, number: int, spec: RecordSpec) -> str | None:
    try:
        return parse_line(line, number, spec).record.id
    except RecordError as error:
        return error.record_id


def _complete_prefix(stream: IO[bytes]) -> tuple[int, int]:
    """(bytes, lines) of the file up to and including its last newline."""
    complete = lines = offset = 0
    while block := stream.read(READ_BLOCK_BYTES):
        newlines = block.count(b"\n")
        if newlines:
            lines += newlines
            complete = offset + block.rindex(b"\n") + 1
        offset += len(block)
    return complete, lines


def _last_line_start(stream: IO[bytes], end: int) -> int:
    """Offset where the line ending at ``end`` (its newline excluded) begins."""
    position = max(end - 1, 0)
    while position > 0:
        start = max(position - READ_BLOCK_BYTES, 0)
        stream.seek(start)
        block = stream.read(position - start)
        newline = block.rfind(b"\n")
        if newline != -1:
            return start + newline + 1
        position = start
    return 0


def _record_id(line: bytes) -> str | None:
    try:
        record = json.loads(line)
    except ValueError:
        return None
    value = record.get("id") if isinstance(record, dict) else None
    return value if isinstance(value, str) else None
