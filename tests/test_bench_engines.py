"""The engine benchmark must run and every engine must agree with the batch (smoke scale); figures are not asserted."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


def test_engine_benchmark_smoke_run(tmp_path: Path) -> None:
    pytest.importorskip("pyspark", reason="the spark extra is not installed")
    pytest.importorskip("ray", reason="the ray extra is not installed")
    if not (ROOT.parent / "shared" / "train" / "wcxb-dev.jsonl").is_file():
        pytest.skip("../shared is not beside the repository: the benchmark's pages are there")
    out = tmp_path / "engines.json"
    done = subprocess.run(
        [sys.executable, "-m", "bench.engines", "--smoke", "--json", str(out)],
        cwd=ROOT, capture_output=True, text=True, timeout=1200,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr[-3000:]
    rows = json.loads(out.read_text(encoding="utf-8"))["rows"]
    assert [row["engine"] for row in rows] == ["cleaner batch --workers 2", "Spark local[2]", "Ray, 2 actors x 0.5 CPU"]
    assert all(row["identical_to_batch"] for row in rows)
