"""Parquet (pyarrow): rows in, one row batch at a time; records out, one row group per thousand records.

Output columns: ``id``, the chosen result fields (``metadata``, ``removed`` and
``stats`` as structs and lists, typed as the JSON record is), ``error`` and
``filtered`` (structs, null where absent), then one text column per field passed
through from the input, in the order the first row group meets them (a string
as it is, any other value as JSON). A field first met after the first row group
has no column: the run stops saying so (use ``--drop-unknown`` or JSONL output).
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator
from typing import IO, TYPE_CHECKING, Any

from ...errors import FAILED_PRECONDITION, CleanerError
from ...result import Metadata, Stats
from ..records import Numbered
from ..spec import OUTPUT_FIELDS

if TYPE_CHECKING:
    import pyarrow as pa

BATCH_ROWS = 256
ROW_GROUP_RECORDS = 1000


class ParquetOutputError(CleanerError):
    """A record that does not fit the Parquet file's columns."""

    code = FAILED_PRECONDITION


def parquet_rows(path: str) -> Iterator[Numbered]:
    """Each row as a dict of its columns, numbered from 1; a row group is the most held in memory."""
    import pyarrow.parquet as pq

    with pq.ParquetFile(path) as table:
        number = 0
        for batch in table.iter_batches(batch_size=BATCH_ROWS):
            for row in batch.to_pylist():
                number += 1
                yield number, row


def parquet_row_count(path: str) -> int:
    """The rows of a Parquet file, from its footer."""
    import pyarrow.parquet as pq

    with pq.ParquetFile(path) as table:
        return int(table.metadata.num_rows)


def write_parquet(lines: Iterable[str], stream: IO[bytes], output: tuple[str, ...] = OUTPUT_FIELDS) -> None:
    """The JSON records ``lines`` as a Parquet file written to ``stream``."""
    import pyarrow.parquet as pq

    writer: pq.ParquetWriter | None = None
    schema: pa.Schema | None = None
    group: list[dict[str, Any]] = []
    seen = 0
    try:
        for line in lines:
            group.append(json.loads(line))
            if len(group) == ROW_GROUP_RECORDS:
                schema = schema or _schema(group, output)
                writer = writer or pq.ParquetWriter(stream, schema)
                writer.write_table(_table(group, schema, seen))
                seen += len(group)
                group = []
        schema = schema or _schema(group, output)
        writer = writer or pq.ParquetWriter(stream, schema)
        if group:
            writer.write_table(_table(group, schema, seen))
    finally:
        if writer is not None:
            writer.close()


def _schema(records: list[dict[str, Any]], output: tuple[str, ...]) -> pa.Schema:
    import pyarrow as pa

    text = pa.string()
    metadata = pa.struct(
        [(name, pa.list_(text) if info.annotation == list[str] else pa.int64() if info.annotation is int else text)
         for name, info in Metadata.model_fields.items()]
    )  # fmt: skip
    offset = pa.int64()
    removal = pa.struct([("rule", text), ("category", text), ("start", offset), ("end", offset), ("text", text)])
    types = {
        "body": text,
        "metadata": metadata,
        "removed": pa.list_(removal),
        "stats": pa.struct([(name, pa.int64()) for name in Stats.model_fields]),
    }
    columns = [pa.field("id", text)] + [pa.field(name, types[name]) for name in output]
    columns += [
        pa.field("error", pa.struct([("code", text), ("message", text)])),
        pa.field("filtered", pa.struct([("filter", text), ("message", text)])),
    ]
    fixed = {column.name for column in columns}
    passed = dict.fromkeys(name for record in records for name in record if name not in fixed)
    return pa.schema(columns + [pa.field(name, text) for name in passed])


def _table(records: list[dict[str, Any]], schema: pa.Schema, seen: int) -> pa.Table:
    import pyarrow as pa

    names = set(schema.names)
    typed = {"id", "error", "filtered", *OUTPUT_FIELDS}
    rows = []
    for index, record in enumerate(records):
        extra = [name for name in record if name not in names]
        if extra:
            raise ParquetOutputError(
                f"record {seen + index + 1:,} has field {extra[0]!r}, which the first "
                f"{ROW_GROUP_RECORDS:,} records did not have, so the Parquet file has no column for it "
                "(use --drop-unknown, or a JSONL output)"
            )
        rows.append({name: value if name in typed else _text(value) for name, value in record.items()})
    return pa.Table.from_pylist(rows, schema=schema)


def _text(value: Any) -> str | None:
    if value is None or isinstance(value, str):
        return value
    return json.dumps(value, ensure_ascii=False)
