"""What an output name asks for: JSONL (compressed by its extension) or Parquet, and writing it."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import IO

from ..spec import OUTPUT_FIELDS
from .compression import compression_of
from .detect import Kind
from .jsonl import write_lines
from .parquet import write_parquet


@dataclass(frozen=True, slots=True)
class OutputFormat:
    """JSONL, plain or compressed, or Parquet."""

    parquet: bool = False
    compression: Kind | None = None

    @property
    def resumable(self) -> bool:
        """Plain JSONL only: a compressed stream or a Parquet file cut off mid-way cannot be continued."""
        return not self.parquet and self.compression is None

    def describe(self) -> str:
        if self.parquet:
            return "Parquet"
        return f"{self.compression.value}-compressed JSONL" if self.compression else "JSONL"

    def write(self, lines: Iterable[str], stream: IO[bytes], output: tuple[str, ...] = OUTPUT_FIELDS) -> None:
        """The output records ``lines`` (JSON, one each) to ``stream`` in this format."""
        if self.parquet:
            write_parquet(lines, stream, output)
        else:
            write_lines(lines, stream, self.compression)


def output_format(name: str) -> OutputFormat:
    """The format an output name asks for: ``.parquet``, ``.gz``/``.zst``/``.bz2``/``.xz``, else plain JSONL."""
    if name.lower().endswith((".parquet", ".pq")):
        return OutputFormat(parquet=True)
    return OutputFormat(compression=compression_of(name))
