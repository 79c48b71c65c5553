"""Ray Data: a callable class for ``map_batches`` on an actor pool, and a JSONL run as ``cleaner batch`` writes it.

``RayCleaner`` cleans a batch of rows: a row with a ``line`` column (raw JSONL
bytes) is that line, any other row is a record whose fields are named as
``RecordSpec.fields`` says; a ``number`` column gives the position (the line
number of errors and of id-less records). It adds a column ``record``: the
output record, exactly as ``cleaner batch`` writes it (errors as values, keyed
by the record's id). Each actor builds its cleaner once, on its first batch.

``clean_jsonl`` reads a JSONL file in one streaming read task (lines keep their
numbers), cleans on ``concurrency`` actors that ask for ``num_cpus`` each (less
than one, so the read task is not starved) and writes the records in input
order, in any output format ``cleaner batch`` writes.
"""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ..api import CleanerOptions
from ..batch.formats.source import open_source
from ..batch.formats.writer import output_format
from ..batch.records import DEFAULT_SPEC, Item, TooLong, clean_line
from ..batch.spec import RecordSpec
from .worker import worker_cleaner

if TYPE_CHECKING:
    import pyarrow as pa
    import ray.data

BATCH_ROWS = 32  # records per batch sent to an actor
READ_BLOCK_ROWS = BATCH_ROWS  # a block is a batch: blocks spread over the actors as they are read
ACTOR_CPUS = 0.5  # less than one: the read task gets a CPU beside two actors on two cores
DEFAULT_OPTIONS = CleanerOptions()


class RayCleaner:
    """For ``Dataset.map_batches(RayCleaner, fn_constructor_kwargs=..., concurrency=N, num_cpus=0.5)``."""

    def __init__(self, options: CleanerOptions = DEFAULT_OPTIONS, spec: RecordSpec = DEFAULT_SPEC) -> None:
        self.options = options
        self.spec = spec

    def __call__(self, batch: dict[str, Any]) -> dict[str, Any]:
        cleaner = worker_cleaner(self.options)  # built on the actor's first batch, then reused
        size = len(next(iter(batch.values()))) if batch else 0
        numbers = [int(number) for number in batch["number"]] if "number" in batch else [0] * size
        fields = [name for name in batch if name not in ("number", "too_long")]
        records = []
        for index in range(size):
            item: Item
            if "line" not in batch:
                item = {name: _plain(batch[name][index]) for name in fields}
            elif "too_long" in batch and batch["too_long"][index]:
                item = TooLong(int(batch["too_long"][index]))
            else:
                item = bytes(batch["line"][index])
            records.append(clean_line(cleaner, item, numbers[index], self.spec))
        return {**batch, "record": records}


def _plain(value: Any) -> Any:
    """A numpy scalar or array as the Python value a JSON record holds."""
    return value.tolist() if hasattr(value, "tolist") else value


def read_numbered_lines(path: str, options: CleanerOptions = DEFAULT_OPTIONS) -> ray.data.Dataset:
    """The lines of a JSONL file (plain or compressed) as rows: ``number`` from 1, ``line`` raw bytes.

    One task reads the file, streaming, so lines keep their numbers; they are cut
    as ``cleaner batch`` cuts them. A line too long for any acceptable record is
    read past: its row has an empty ``line`` and its size in ``too_long``.
    """
    import ray.data

    dataset: ray.data.Dataset = ray.data.read_datasource(_lines_source(path, options), override_num_blocks=1)
    return dataset


def clean_jsonl(
    path: str,
    out: str,
    options: CleanerOptions = DEFAULT_OPTIONS,
    spec: RecordSpec = DEFAULT_SPEC,
    concurrency: int = 2,
    num_cpus: float = ACTOR_CPUS,
) -> None:
    """Write to ``out`` what ``cleaner batch path -o out`` writes, cleaned on a pool of Ray actors."""
    import ray.data

    ray.data.DataContext.get_current().execution_options.preserve_order = True
    cleaned = read_numbered_lines(path, options).map_batches(
        RayCleaner,
        fn_constructor_kwargs={"options": options, "spec": spec},
        batch_size=BATCH_ROWS,
        concurrency=concurrency,
        num_cpus=num_cpus,
    )
    records = (str(row["record"]) for row in cleaned.iter_rows())
    partial = Path(out).with_name(f".{Path(out).name}.partial")
    with partial.open("wb") as stream:
        output_format(out).write(records, stream, spec.output)
    os.replace(partial, out)


def _lines_source(path: str, options: CleanerOptions) -> Any:
    from ray.data.block import BlockMetadata
    from ray.data.datasource import Datasource, ReadTask

    class Lines(Datasource):
        def estimate_inmemory_data_size(self) -> int | None:
            return os.path.getsize(path)

        def get_read_tasks(
            self, parallelism: int, per_task_row_limit: int | None = None, data_context: Any = None
        ) -> list[ReadTask]:
            metadata = BlockMetadata(num_rows=None, size_bytes=None, exec_stats=None, input_files=(path,))
            return [ReadTask(lambda: _line_blocks(path, options), metadata)]

    return Lines()  # type: ignore[no-untyped-call]


def _line_blocks(path: str, options: CleanerOptions) -> Iterator[pa.Table]:
    import pyarrow as pa

    columns: dict[str, list[Any]] = {"number": [], "line": [], "too_long": []}
    with open_source(path).open(options.settings) as items:
        for number, item in items:
            columns["number"].append(number)
            columns["line"].append(item if isinstance(item, bytes) else b"")
            columns["too_long"].append(item.size if isinstance(item, TooLong) else 0)
            if len(columns["number"]) == READ_BLOCK_ROWS:
                yield pa.table({**columns, "line": pa.array(columns["line"], pa.binary())})
                columns = {name: [] for name in columns}
    if columns["number"]:
        yield pa.table({**columns, "line": pa.array(columns["line"], pa.binary())})


def main(argv: Sequence[str] | None = None) -> int:
    """``python -m cleaner.engines.ray IN OUT``: ``cleaner batch IN -o OUT`` on Ray actors."""
    import ray

    parser = argparse.ArgumentParser(prog="python -m cleaner.engines.ray", description=main.__doc__)
    parser.add_argument("input", metavar="IN", help="a JSONL file (plain or compressed)")
    parser.add_argument("output", metavar="OUT", help="the output file (.jsonl, .jsonl.gz, ..., .parquet)")
    parser.add_argument("--actors", type=int, default=2, metavar="N", help="cleaning actors (default 2)")
    parser.add_argument("--actor-cpus", type=float, default=ACTOR_CPUS, metavar="CPUS", help="CPUs each actor asks for")
    parser.add_argument("--rules", action="append", default=[], metavar="PATH", help="extra rule packs (repeatable)")
    args = parser.parse_args(argv)
    options = CleanerOptions(tuple(args.rules))
    options.build()  # a bad pack fails here, before any actor starts
    ray.init(address=os.environ.get("RAY_ADDRESS"))  # a cluster's address, else a local one
    try:
        clean_jsonl(args.input, args.output, options, concurrency=args.actors, num_cpus=args.actor_cpus)
    finally:
        ray.shutdown()
    return 0


if __name__ == "__main__":
    sys.exit(main())
