"""Spark on a real local engine (local[2], the machine's Java): the same output as ``cleaner batch``."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from cleaner import CleanerOptions
from cleaner.batch.sites import learn_sites as learn_in_batch
from cleaner.cli import main

pyspark = pytest.importorskip("pyspark", reason="the spark extra is not installed")

from pyspark.sql import SparkSession  # noqa: E402

from cleaner.engines.spark import clean_dataframe, clean_jsonl, learn_sites  # noqa: E402

sys.path.append(str(Path(__file__).resolve().parent))
from engine_inputs import awkward_input  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
SEEDS = sorted((ROOT / "seeds").glob("*.txt"))


@pytest.fixture(scope="module")
def spark() -> Iterator[SparkSession]:
    os.environ.setdefault("PYSPARK_PYTHON", sys.executable)
    session = (
        SparkSession.builder.master("local[2]")
        .appName("cleaner-tests")
        .config("spark.ui.enabled", "false")
        .config("spark.sql.shuffle.partitions", "4")
        .config("spark.sql.files.maxPartitionBytes", str(64 * 1024))  # a small file still splits into tasks
        .getOrCreate()
    )
    session.sparkContext.setLogLevel("ERROR")
    yield session
    session.stop()


def batch_output(source: Path, output: Path, *options: str) -> bytes:
    assert main(["batch", str(source), "-o", str(output), "--no-progress", "--allow-errors", *options]) == 0
    return output.read_bytes()


def parts(folder: Path) -> bytes:
    return b"".join(path.read_bytes() for path in sorted(folder.glob("part-*")))


def test_clean_jsonl_writes_what_batch_writes(spark: SparkSession, tmp_path: Path) -> None:
    source = awkward_input(tmp_path / "in.jsonl")
    expected = batch_output(source, tmp_path / "batch.jsonl")
    clean_jsonl(spark, str(source), str(tmp_path / "out"))
    assert parts(tmp_path / "out") == expected
    assert len(list((tmp_path / "out").glob("part-*"))) >= 2  # really split across tasks


def test_learned_sites_are_the_packs_batch_learns(spark: SparkSession, tmp_path: Path) -> None:
    template = [
        "Subscribe to our newsletter for more",
        "Share this story on social media",
        "All rights reserved by Example News",
    ]
    lines = []
    for n, path in enumerate(SEEDS * 2):
        body = path.read_text(encoding="utf-8")
        lines.append(
            json.dumps(
                {
                    "id": f"p{n}",
                    "text": "\n".join([template[0], body, *template[1:]]),
                    "url": f"https://www.example-news.com/{n}",
                }
            )
        )
    source = tmp_path / "sites.jsonl"
    source.write_text("\n".join(lines) + "\n", encoding="utf-8")
    packs = learn_sites(spark, str(source))
    expected = learn_in_batch(str(source))
    assert [pack.pack for pack in packs] == [pack.pack for pack in expected] and packs
    learned = CleanerOptions(packs=tuple(packs))
    clean_jsonl(spark, str(source), str(tmp_path / "out"), learned)
    assert parts(tmp_path / "out") == batch_output(source, tmp_path / "batch.jsonl", "--learn-sites")


def test_clean_dataframe_adds_one_struct_column(spark: SparkSession) -> None:
    rows = [
        (SEEDS[0].stem, SEEDS[0].read_text(encoding="utf-8"), None, None, "kept as is"),
        ("bad", "", None, None, "also kept"),
        (
            "page",
            None,
            "<html><body><p>" + "A sentence of the article, long enough to be prose. " * 5 + "</p></body></html>",
            "https://example.com/a",
            "x",
        ),
    ]
    frame = spark.createDataFrame(rows, "id string, text string, html string, url string, note string")
    out = clean_dataframe(frame).collect()
    assert [row["note"] for row in out] == ["kept as is", "also kept", "x"]
    from cleaner import Cleaner

    expected = Cleaner().clean(rows[0][1], id=rows[0][0]).to_dict()
    first = out[0]["cleaned"].asDict(recursive=True)
    assert first["error"] is None and first["body"] == expected["body"]
    assert first["metadata"] == expected["metadata"] and first["stats"] == expected["stats"]
    assert first["removed"] == expected["removed"]
    assert out[1]["cleaned"]["error"].asDict() == {"code": "INVALID_ARGUMENT", "message": "text is empty"}
    assert out[2]["cleaned"]["body"].startswith("A sentence of the article")


def test_the_spark_submit_entry_point(tmp_path: Path) -> None:
    source = awkward_input(tmp_path / "in.jsonl")
    expected = batch_output(source, tmp_path / "batch.jsonl")
    env = {**os.environ, "PYSPARK_PYTHON": sys.executable, "PYSPARK_SUBMIT_ARGS": "--master local[2] pyspark-shell"}
    done = subprocess.run([sys.executable, "-m", "cleaner.spark", str(source), str(tmp_path / "out")],
                          capture_output=True, text=True, timeout=600, env=env)  # fmt: skip
    assert done.returncode == 0, done.stderr[-3000:]
    assert parts(tmp_path / "out") == expected


def test_syndication_on_spark_writes_what_batch_writes(spark: SparkSession, tmp_path: Path) -> None:
    from cleaner.engines.spark_syndication import syndicate_frame
    from cleaner.syndication import SyndicationOptions

    lines = [json.dumps({"id": path.stem, "text": path.read_text(encoding="utf-8")}) for path in SEEDS]
    lines.insert(1, "not json")
    source = tmp_path / "in.jsonl"
    source.write_text("\n".join(lines + lines[:2]) + "\n", encoding="utf-8")
    expected = batch_output(source, tmp_path / "batch.jsonl", "--syndication")
    clean_jsonl(spark, str(source), str(tmp_path / "out"), syndication=SyndicationOptions())
    assert parts(tmp_path / "out") == expected
    frame = spark.createDataFrame([(1, "a", None), (2, "b", "...")], "position long, id string, body string")
    found = {row["id"]: row["syndication"] for row in syndicate_frame(frame).collect()}
    assert found["a"] is None and found["b"]["story"]["cluster"] == 2
