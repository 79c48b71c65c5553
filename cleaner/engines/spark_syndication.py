"""Syndication on Spark: signatures as a column, LSH banding by group-by, clusters by pointer jumping.

The same clusters as ``cleaner batch --syndication`` (no record is forgotten here,
so past the batch's ``--syndication-max-records`` Spark may find more): a record's
parent at a level is the earliest record among the first ``BUCKET_SIZE`` holders
of a band key it shares ``votes`` keys with, whose estimated Jaccard reaches the
threshold; its cluster is the root of its parents, the canonical.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import numpy as np

from ..batch.records import line_status
from ..batch.syndication import with_field
from ..syndication import SyndicationOptions, signature
from ..syndication.options import BUCKET_SIZE, Level
from ..syndication.signature import Signature, band_keys

if TYPE_CHECKING:
    from pyspark import RDD
    from pyspark.sql import Column, DataFrame, SparkSession

COLUMN = "syndication"
MAX_JUMPS = 64  # pointer-jumping rounds: chains up to 2**64 records long


def syndication_type() -> str:
    member = "struct<cluster: bigint, canonical: string, similarity: double>"
    return f"struct<copy: {member}, story: {member}>"


def syndicate_frame(
    frame: DataFrame,
    options: SyndicationOptions | None = None,
    *,
    position: str = "position",
    id: str = "id",
    body: str = "body",
    into: str = COLUMN,
) -> DataFrame:
    """``frame`` with a struct column ``into`` (``copy`` and ``story``: cluster, canonical, similarity).

    ``position`` orders the records (the earliest of a cluster is its canonical and
    names it); a row whose ``body`` is null gets null.
    """
    from pyspark.sql import functions as F
    from pyspark.sql.types import ArrayType, LongType

    chosen = options or SyndicationOptions()
    sign = F.udf(lambda text: None if text is None else _values(text), ArrayType(LongType()))
    records = frame.select(F.col(position).alias("p"), F.col(id).alias("id"), sign(F.col(body)).alias("sig"))
    records = records.filter(F.col("sig").isNotNull()).cache()
    copy, story = (_memberships(records, level) for level in chosen.levels())
    found = copy.join(story, "p").select("p", F.struct(F.col("copy"), F.col("story")).alias(into))
    return frame.join(found, frame[position] == found["p"], "left").drop("p")


def _values(text: str) -> list[int]:
    values = signature(text)
    return [] if values is None else values.tolist()


def _memberships(records: DataFrame, level: Level) -> DataFrame:
    """(p, struct named by the level) for every record with a signature."""
    from pyspark.sql import functions as F

    parents = _parents(records, level)
    roots = _roots(records.select("p"), parents)
    canon = records.select(F.col("p").alias("root"), F.col("id").alias("canonical"), F.col("sig").alias("root_sig"))
    joined = roots.join(records, "p").join(canon, "root")
    member = F.struct(
        F.col("root").alias("cluster"),
        F.col("canonical"),
        F.when(F.col("root") == F.col("p"), F.lit(1.0))
        .otherwise(F.bround(_similarity(F.col("sig"), F.col("root_sig")), 4))
        .alias("similarity"),
    )
    return joined.select("p", member.alias(level.name))


def _parents(records: DataFrame, level: Level) -> DataFrame:
    """(p, parent): each record's earliest matching earlier record, for those that have one."""
    from pyspark.sql import Window
    from pyspark.sql import functions as F
    from pyspark.sql.types import ArrayType, LongType

    keys = F.udf(lambda values: band_keys(_array(values), level.bands, level.rows) if values else [],
                 ArrayType(LongType()))  # fmt: skip
    banded = records.select("p", F.explode(keys(F.col("sig"))).alias("key"))
    rank = F.row_number().over(Window.partitionBy("key").orderBy("p"))
    held = banded.withColumn("rank", rank).filter(F.col("rank") <= BUCKET_SIZE).select(F.col("p").alias("i"), "key")
    pairs = held.join(banded, "key").filter(F.col("i") < F.col("p")).groupBy("i", "p").count()
    pairs = pairs.filter(F.col("count") >= level.votes)
    first = records.select(F.col("p").alias("i"), F.col("sig").alias("isig"))
    matched = pairs.join(first, "i").join(records.select("p", "sig"), "p")
    matched = matched.filter(_similarity(F.col("sig"), F.col("isig")) >= level.threshold)
    return matched.groupBy("p").agg(F.min("i").alias("parent"))


def _roots(positions: DataFrame, parents: DataFrame) -> DataFrame:
    """(p, root) by pointer jumping: each record's parent's parent, until no root changes."""
    from pyspark.sql import functions as F

    roots = positions.join(parents, "p", "left").select("p", F.coalesce("parent", "p").alias("root")).cache()
    for _ in range(MAX_JUMPS):
        up = roots.select(F.col("p").alias("root"), F.col("root").alias("next"))
        jumped = roots.join(up, "root").select("p", F.col("next").alias("root")).cache()
        changed = jumped.join(roots.withColumnRenamed("root", "before"), "p").filter("root != before").count()
        roots.unpersist()
        roots = jumped
        if not changed:
            break
    return roots


def _similarity(first: Column, second: Column) -> Column:
    """Estimated Jaccard of two signature columns (empty: a body without words, alike only to itself: 0)."""
    from pyspark.sql import functions as F

    agree = F.aggregate(F.zip_with(first, second, lambda a, b: (a == b).cast("int")), F.lit(0), lambda s, x: s + x)
    return F.when(F.size(first) == 0, F.lit(0.0)).otherwise(agree / F.size(first))


def _array(values: list[int]) -> Signature:
    return np.array(values, dtype=np.uint32)


def syndicate_lines(spark: SparkSession, lines: RDD[str], options: SyndicationOptions | None = None) -> RDD[str]:
    """Output lines of ``cleaner batch`` (one per input line, in order) as ``--syndication`` writes them."""
    numbered = lines.zipWithIndex().map(lambda item: (item[1] + 1, item[0]))
    rows = numbered.filter(lambda item: line_status(item[1]) is None).map(_row)
    frame = spark.createDataFrame(rows, "position long, id string, body string")
    found: RDD[tuple[int, dict[str, Any]]] = syndicate_frame(frame, options).rdd.map(
        lambda row: (row["position"], row[COLUMN].asDict(recursive=True))
    )
    joined: RDD[tuple[int, tuple[str, dict[str, Any] | None]]] = numbered.leftOuterJoin(found).sortByKey()
    return joined.map(lambda item: item[1][0] if item[1][1] is None else with_field(item[1][0], item[1][1]))


def _row(item: tuple[int, str]) -> tuple[int, str, str]:
    import json

    record: dict[str, Any] = json.loads(item[1])
    return item[0], record["id"], record["body"]
