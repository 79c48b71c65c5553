"""Benchmark: the engines against ``cleaner batch --workers 2`` on the same real-page records, and cold start.

    python -m bench.engines             # 20,000 records (a few minutes per engine), table + bench/results/*.json
    python -m bench.engines --smoke     # 200 records, no cold-start runs: every engine runs and agrees (tests)

The records are built at run time from the shared data beside the repository
(``../shared/eval/dev.jsonl`` and ``../shared/train/wcxb-dev.jsonl``: their
``noisy_text`` and ``url``), repeated under new ids up to the count; nothing of
them is written into the repository. Where ``../shared`` is absent the run says
so and exits 0 without measuring.

Each engine runs as its own process, as a user runs it: ``cleaner batch``,
``python -m cleaner.spark`` (Spark ``local[2]``) and ``python -m
cleaner.engines.ray`` (a local Ray with the machine's cores, 2 actors of half a
CPU). Cold start is the wall time of the same command on 10 records (process,
JVM or Ray start-up, rules compiled, first records). Every engine's output is
checked byte for byte against the batch's.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Sequence
from datetime import UTC, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SHARED = ROOT.parent / "shared"
SOURCES = (SHARED / "eval" / "dev.jsonl", SHARED / "train" / "wcxb-dev.jsonl")
RESULTS = Path(__file__).resolve().parent / "results"
COLD_RECORDS = 10


def write_records(path: Path, count: int) -> int:
    """``count`` JSONL records of the shared pages' noisy texts (ids unique); their bytes."""
    pages: list[dict[str, str]] = []
    for source in SOURCES:
        with source.open(encoding="utf-8") as lines:  # lines end at \n only: texts hold U+2028
            pages.extend({"text": page["noisy_text"], "url": page["url"]} for page in map(json.loads, lines))
    with path.open("w", encoding="utf-8") as out:
        for number in range(count):
            out.write(json.dumps({"id": f"r{number}", **pages[number % len(pages)]}, ensure_ascii=False) + "\n")
    return path.stat().st_size


def commands(source: Path, output: Path) -> dict[str, list[str]]:
    python = sys.executable
    return {
        "cleaner batch --workers 2": [python, "-m", "cleaner", "batch", str(source), "-o", str(output / "batch.jsonl"),
                                      "--workers", "2", "--no-progress", "--allow-errors"],
        "Spark local[2]": [python, "-m", "cleaner.spark", str(source), str(output / "spark")],
        "Ray, 2 actors x 0.5 CPU": [python, "-m", "cleaner.engines.ray", str(source), str(output / "ray.jsonl"),
                                    "--actors", "2", "--actor-cpus", "0.5"],
    }  # fmt: skip


def produced(name: str, output: Path) -> bytes:
    if name.startswith("Spark"):
        return b"".join(path.read_bytes() for path in sorted((output / "spark").glob("part-*")))
    return (output / ("batch.jsonl" if name.startswith("cleaner") else "ray.jsonl")).read_bytes()


def timed(command: list[str]) -> float:
    env = {**os.environ, "PYSPARK_PYTHON": sys.executable, "PYSPARK_SUBMIT_ARGS": "--master local[2] pyspark-shell"}
    started = time.perf_counter()
    done = subprocess.run(command, capture_output=True, text=True, env=env, timeout=3600)
    elapsed = time.perf_counter() - started
    if done.returncode != 0:
        raise SystemExit(f"{' '.join(command[:4])} failed ({done.returncode}):\n{done.stderr[-3000:]}")
    return elapsed


def run(records: int, folder: Path, cold_start: bool = True) -> list[dict[str, object]]:
    """Each engine on ``records`` records (and, with ``cold_start``, on ``COLD_RECORDS`` first)."""
    rows: list[dict[str, object]] = []
    cold_input, full_input = folder / "cold.jsonl", folder / "in.jsonl"
    write_records(cold_input, COLD_RECORDS)
    megabytes = write_records(full_input, records) / 1e6
    print(f"{records:,} records, {megabytes:.1f} MB of real pages' noisy text", flush=True)
    expected = b""
    for name in commands(full_input, folder):
        cold_out, full_out = folder / "cold", folder / "full"
        for path in (cold_out, full_out):
            shutil.rmtree(path, ignore_errors=True)
            path.mkdir()
        cold = timed(commands(cold_input, cold_out)[name]) if cold_start else None
        wall = timed(commands(full_input, full_out)[name])
        output = produced(name, full_out)
        expected = expected or output
        row = {"engine": name, "records": records, "wall_s": round(wall, 2), "records_per_s": round(records / wall, 1),
               "cold_start_s": None if cold is None else round(cold, 2), "identical_to_batch": output == expected}  # fmt: skip
        rows.append(row)
        started = "-" if cold is None else f"{cold:.1f} s"
        print(f"  {name:<26} {wall:8.1f} s  {records / wall:8.1f} rec/s   cold start {started:>7}   "
              f"{'identical' if row['identical_to_batch'] else 'DIFFERENT'}", flush=True)  # fmt: skip
    return rows


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.engines", description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--smoke", action="store_true", help="200 records, no cold-start runs: every engine runs and agrees"
    )
    parser.add_argument("--records", type=int, default=20_000, metavar="N", help="records to clean (default 20,000)")
    parser.add_argument("--json", metavar="FILE", help="where to write the results (default bench/results/)")
    args = parser.parse_args(argv)
    missing = [str(path) for path in SOURCES if not path.is_file()]
    if missing:
        print(f"bench.engines: skipped, the shared pages are not here: {', '.join(missing)}", file=sys.stderr)
        return 0
    records = 200 if args.smoke else args.records
    with tempfile.TemporaryDirectory(prefix="bench-engines-") as folder:
        rows = run(records, Path(folder), cold_start=not args.smoke)
    path = Path(args.json) if args.json else RESULTS / f"{datetime.now(UTC):%Y%m%dT%H%M%SZ}-engines-{records}.json"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps({"records": records, "rows": rows}, indent=2), encoding="utf-8")
    print(f"results in {path}")
    return 0 if all(row["identical_to_batch"] for row in rows) else 1


if __name__ == "__main__":
    sys.exit(main())
