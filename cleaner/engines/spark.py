"""Apache Spark: clean a DataFrame's documents into one struct column, or a JSONL file as ``cleaner batch`` does.

``clean_dataframe`` adds a column ``cleaned`` (body, metadata struct, removed
array, stats struct, error struct) to a DataFrame with text or html, url, source
and id columns; rows keep every other column. ``clean_jsonl`` reads a JSONL file
as raw lines (never Spark's JSON reader, which turns a bad line into a row of
nulls), numbers them in file order, cleans each partition with one cleaner per
Python worker, and writes a folder whose part files, in name order, hold exactly
the lines ``cleaner batch`` writes for that file. ``learn_sites`` is the
two-pass site learning as a group-by. Run as ``python -m cleaner.spark IN OUT``
(or that file under ``spark-submit``).
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Iterator, Sequence
from dataclasses import replace
from functools import partial
from operator import add
from typing import TYPE_CHECKING, Any

from ..api import CleanerOptions
from ..batch.records import DEFAULT_SPEC, RecordError, parse_line
from ..batch.sites import boilerplate_of, learned_packs, needed_pages, observation, origin_name, page_blocks
from ..batch.spec import RecordSpec
from ..result import Metadata, Stats
from ..rules.loading import LoadedPack
from ..syndication import SyndicationOptions
from .spark_syndication import syndicate_lines
from .worker import jsonl_lines, result_values

if TYPE_CHECKING:
    from pyspark import RDD
    from pyspark.sql import DataFrame, SparkSession
    from pyspark.sql.types import StructType

COLUMN = "cleaned"
DEFAULT_OPTIONS = CleanerOptions()


def result_type() -> StructType:
    """The type of the ``cleaned`` column: the JSON record's fields (without the id), and ``error``."""
    from pyspark.sql.types import ArrayType, DataType, LongType, StringType, StructField, StructType

    text, number = StringType(), LongType()
    kinds: dict[object, DataType] = {list[str]: ArrayType(text), int: number}
    fields = Metadata.model_fields.items()
    metadata = StructType([StructField(name, kinds.get(info.annotation, text)) for name, info in fields])
    removal = StructType([StructField(name, number if name in ("start", "end") else text) for name in
                          ("rule", "category", "start", "end", "text")])  # fmt: skip
    return StructType(
        [
            StructField("body", text),
            StructField("metadata", metadata),
            StructField("removed", ArrayType(removal)),
            StructField("stats", StructType([StructField(name, number) for name in Stats.model_fields])),
            StructField("error", StructType([StructField("code", text), StructField("message", text)])),
        ]
    )


def clean_dataframe(
    frame: DataFrame,
    options: CleanerOptions = DEFAULT_OPTIONS,
    *,
    id: str = "id",
    text: str = "text",
    html: str = "html",
    url: str = "url",
    source: str = "source",
    into: str = COLUMN,
) -> DataFrame:
    """``frame`` with a struct column ``into``: each row's cleaned document, or its error (never a failed task).

    Columns that are missing count as null; an html column may be binary (decoded
    by the page's declared or detected charset).
    """
    from pyspark.sql import functions as F
    from pyspark.sql.types import StringType

    names = (id, text, html, url, source)
    columns = [F.col(name) if name in frame.columns else F.lit(None).cast(StringType()) for name in names]
    return frame.withColumn(into, F.udf(partial(_clean_row, options), result_type())(*columns))


def _clean_row(options: CleanerOptions, *values: Any) -> dict[str, Any]:
    record_id, text, html, url, source = values
    return result_values(options, record_id, text, bytes(html) if isinstance(html, bytearray) else html, url, source)


def numbered_lines(spark: SparkSession, path: str) -> RDD[tuple[bytes, int]]:
    """The file's lines as raw bytes (split at ``\\n`` only, as ``cleaner batch`` splits), with their index from 0.

    Spark's text source keeps a line's bytes as they are (a cast to binary does
    not decode them), so invalid UTF-8 reaches the cleaner as it does in a batch.
    """
    from pyspark.sql import functions as F

    lines = spark.read.option("lineSep", "\n").text(path).select(F.col("value").cast("binary"))
    return lines.rdd.map(lambda row: bytes(row[0])).zipWithIndex()


def clean_jsonl(
    spark: SparkSession,
    path: str,
    out: str,
    options: CleanerOptions = DEFAULT_OPTIONS,
    spec: RecordSpec = DEFAULT_SPEC,
    syndication: SyndicationOptions | None = None,
) -> None:
    """Write to the folder ``out`` what ``cleaner batch`` writes for the JSONL file ``path``, in part files.

    With ``syndication``, what ``cleaner batch --syndication`` writes (``spark_syndication``).
    """
    cleaned = numbered_lines(spark, path).mapPartitions(partial(jsonl_lines, options=options, spec=spec))
    if syndication is not None:
        cleaned = syndicate_lines(spark, cleaned, syndication)
    cleaned.saveAsTextFile(out)


def learn_sites(
    spark: SparkSession, path: str, spec: RecordSpec = DEFAULT_SPEC, origin: str | None = None
) -> list[LoadedPack]:
    """The packs ``cleaner batch --learn-sites`` learns from the JSONL file ``path``, counted as a group-by.

    Counts are exact: the same packs as the streaming learner while no more than
    its 256 sites and 1,024 blocks per site are seen (past that it forgets, Spark does not).
    """
    pages = numbered_lines(spark, path).flatMap(partial(_observed, spec=spec)).cache()
    per_site = pages.map(lambda page: (page[0], 1)).reduceByKey(add)
    per_block = pages.flatMap(lambda page: [((page[0], block), 1) for block in page[1]]).reduceByKey(add)
    enough = (
        per_block.map(lambda item: (item[0][0], (item[0][1], item[1])))
        .join(per_site)
        .filter(lambda item: item[1][0][1] >= needed_pages(item[1][1]))
        .map(lambda item: (item[0], item[1][0]))
        .collect()
    )
    counts = dict(per_site.filter(lambda item: item[1] >= needed_pages(item[1])).collect())
    pages.unpersist()
    blocks: dict[str, dict[str, int]] = {site: {} for site in counts}
    for site, (block, count) in enough:
        blocks[site][block] = count
    found = boilerplate_of((site, counts[site], blocks[site]) for site in counts)
    return learned_packs(found, origin or origin_name(path))


def _observed(line: tuple[bytes, int], spec: RecordSpec) -> Iterator[tuple[str, set[str]]]:
    raw, index = line
    try:
        seen = observation(parse_line(raw.rstrip(b"\r\n"), index + 1, spec).record)
    except RecordError:
        return
    if seen is not None:
        text, site = seen
        yield site, page_blocks(text)


def main(argv: Sequence[str] | None = None) -> int:
    """``python -m cleaner.spark IN OUT``: ``cleaner batch IN -o OUT`` on Spark (OUT: a folder of part files)."""
    from pyspark.sql import SparkSession

    parser = argparse.ArgumentParser(prog="python -m cleaner.spark", description=main.__doc__)
    parser.add_argument("input", metavar="IN", help="a JSONL file (any path Spark reads: local, hdfs://, s3a://)")
    parser.add_argument("output", metavar="OUT", help="a folder that does not exist yet, for the part files")
    parser.add_argument("--learn-sites", action="store_true", help="learn each site's repeated blocks first")
    parser.add_argument("--syndication", action="store_true", help="add each record's copy and story clusters")
    parser.add_argument("--rules", action="append", default=[], metavar="PATH", help="extra rule packs (repeatable)")
    args = parser.parse_args(argv)
    spark = SparkSession.builder.appName("boilerplate-cleaner").getOrCreate()
    try:
        options = CleanerOptions(tuple(args.rules))
        options.build()  # a bad pack fails here, before any task
        if args.learn_sites:
            packs = learn_sites(spark, args.input)
            print(f"cleaner.spark: learned repeated blocks of {len(packs)} sites", file=sys.stderr)
            options = replace(options, packs=tuple(packs))
        syndication = SyndicationOptions() if args.syndication else None
        clean_jsonl(spark, args.input, args.output, options, syndication=syndication)
    finally:
        spark.stop()
    return 0
