"""Compressed streams: read by their magic bytes, written by the output's extension."""

from __future__ import annotations

import bz2
import gzip
import io
import lzma
import zlib
from typing import IO, cast

from .detect import HEAD_BYTES, Kind

SUFFIXES = {".gz": Kind.GZIP, ".zst": Kind.ZSTD, ".bz2": Kind.BZ2, ".xz": Kind.XZ}


def decompressed(stream: IO[bytes], kind: Kind) -> io.BufferedReader:
    """The decompressed bytes of ``stream`` (of a compression ``kind``), buffered so they can be peeked at."""
    raw: IO[bytes]
    if kind is Kind.GZIP:
        raw = cast(IO[bytes], gzip.GzipFile(fileobj=stream, mode="rb"))
    elif kind is Kind.BZ2:
        raw = cast(IO[bytes], bz2.BZ2File(stream, "rb"))
    elif kind is Kind.XZ:
        raw = cast(IO[bytes], lzma.LZMAFile(stream, "rb"))
    elif kind is Kind.ZSTD:
        import zstandard

        raw = cast(IO[bytes], zstandard.ZstdDecompressor().stream_reader(stream, read_across_frames=True))
    else:
        raise ValueError(f"{kind.value} is not a compression")
    return io.BufferedReader(cast(io.RawIOBase, raw), buffer_size=HEAD_BYTES)


def compression_of(name: str) -> Kind | None:
    """The compression an output name asks for by its extension (``.gz``, ``.zst``, ``.bz2``, ``.xz``), if any."""
    for suffix, kind in SUFFIXES.items():
        if name.lower().endswith(suffix):
            return kind
    return None


def compressing(stream: IO[bytes], kind: Kind) -> IO[bytes]:
    """A stream that writes ``kind``-compressed bytes to ``stream``; closing it finishes the compressed data."""
    if kind is Kind.GZIP:
        return cast(IO[bytes], gzip.GzipFile(fileobj=stream, mode="wb", mtime=0))
    if kind is Kind.BZ2:
        return cast(IO[bytes], bz2.BZ2File(stream, "wb"))
    if kind is Kind.XZ:
        return cast(IO[bytes], lzma.LZMAFile(stream, "wb"))
    import zstandard

    return cast(IO[bytes], zstandard.ZstdCompressor().stream_writer(stream, closefd=False))


def decompressed_head(head: bytes, kind: Kind, size: int = HEAD_BYTES) -> bytes:
    """Up to ``size`` bytes that the compressed bytes ``head`` (the start of a stream) decompress to."""
    if kind is Kind.GZIP:
        return zlib.decompressobj(wbits=31).decompress(head, size)
    if kind is Kind.BZ2:
        return bz2.BZ2Decompressor().decompress(head, size)
    if kind is Kind.XZ:
        return lzma.LZMADecompressor().decompress(head, size)
    import zstandard

    return zstandard.ZstdDecompressor().decompressobj().decompress(head)[:size]
