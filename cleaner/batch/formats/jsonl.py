"""JSON lines, plain or compressed: numbered lines in, lines out (compressed by the output's extension)."""

from __future__ import annotations

import io
from collections.abc import Iterable
from typing import IO

from .compression import compressing
from .detect import Kind


def write_lines(lines: Iterable[str], stream: IO[bytes], compression: Kind | None = None) -> None:
    """Each line and a newline, as UTF-8, through ``compression`` if given (``stream`` stays open)."""
    sink = compressing(stream, compression) if compression else stream
    text = io.TextIOWrapper(sink, encoding="utf-8", newline="\n", write_through=False)
    try:
        for line in lines:
            text.write(line + "\n")
        text.flush()
    finally:
        text.detach()
        if compression:
            sink.close()  # writes the end of the compressed data; the file itself stays open
