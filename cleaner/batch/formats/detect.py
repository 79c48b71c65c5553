"""What a file holds, told by its first bytes (magic numbers), not by its name."""

from __future__ import annotations

import codecs
from enum import Enum

import regex

HEAD_BYTES = 1 << 16  # how much of a line-based input is looked at before anything is cleaned


class Kind(Enum):
    """What the first bytes of a stream say it is."""

    GZIP = "gzip"
    ZSTD = "zstd"
    BZ2 = "bz2"
    XZ = "xz"
    PARQUET = "Parquet"
    WARC = "WARC"
    ZIP = "a zip archive"
    TEXT = "text"


COMPRESSIONS = (Kind.GZIP, Kind.ZSTD, Kind.BZ2, Kind.XZ)
_OBJECT_START = regex.compile(rb'[ \t]*\{[ \t\r]*(?:"|\})')
_MAGIC = (
    (b"\x1f\x8b", Kind.GZIP),
    (b"\x28\xb5\x2f\xfd", Kind.ZSTD),
    (b"BZh", Kind.BZ2),
    (b"\xfd7zXZ\x00", Kind.XZ),
    (b"PAR1", Kind.PARQUET),
    (b"WARC/", Kind.WARC),
    (b"PK\x03\x04", Kind.ZIP),
)


def sniff(head: bytes) -> Kind:
    """The kind of data that starts with ``head``."""
    for magic, kind in _MAGIC:
        if head.startswith(magic):
            return kind
    return Kind.TEXT


def jsonl_problem(head: bytes, complete: bool) -> str:
    """Why data starting with ``head`` cannot be JSON lines, or "" when it can.

    It is JSONL when some line of the head starts a JSON object (``{`` then a
    key or ``}``) in valid UTF-8 without a NUL byte; other lines among such
    lines become error records, as always. Otherwise it is refused: binary data
    (a NUL byte: also UTF-16), text that is not UTF-8, or text that is not JSONL.
    ``complete``: ``head`` is the whole input.
    """
    if not head.strip():
        return ""
    lines = head.split(b"\n")
    for index, line in enumerate(lines):
        line = line.removeprefix(codecs.BOM_UTF8) if index == 0 else line
        if _OBJECT_START.match(line) and b"\x00" not in line:
            if _is_utf8(line, final=complete or index < len(lines) - 1):
                return ""
    nul = head.find(b"\x00")
    if nul != -1:
        return f"binary data (a NUL byte at offset {nul:,}), not JSON lines"
    if not _is_utf8(head, final=complete):
        return "not UTF-8 text, and no line of its start is a JSON object"
    return "not JSON lines (no line of its start is a JSON object)"


def _is_utf8(data: bytes, final: bool) -> bool:
    try:
        codecs.getincrementaldecoder("utf-8")().decode(data, final=final)
    except UnicodeDecodeError:
        return False
    return True
