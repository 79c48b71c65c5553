"""The benchmark must run (CI smoke run); its figures are never asserted here."""

from __future__ import annotations

import importlib.util
import json
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SECTIONS = {"compare", "stages", "article finder", "rules", "size", "cores", "grpc", "cold start"}


def test_benchmark_smoke_run_writes_every_section(tmp_path: Path) -> None:
    out = tmp_path / "bench.json"
    done = subprocess.run(
        [sys.executable, "-m", "bench.run", "--smoke", "--json", str(out)],
        cwd=ROOT, capture_output=True, text=True, timeout=600,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr[-2000:]
    result = json.loads(out.read_text(encoding="utf-8"))
    assert {row["section"] for row in result["rows"]} == SECTIONS
    names = {row["name"] for row in result["rows"]}
    assert {"seeds: ratio cleaner / trafilatura", "seeds: ratio cleaner / bare scan"} <= names
    assert "dev pages: ratio cleaner / trafilatura" in names
    if importlib.util.find_spec("resiliparse") is not None:  # the bench extra (CI installs it)
        assert "dev pages: ratio cleaner / Resiliparse" in names
    assert {"seeds: rules: block scan", "dev pages: finder: features", "seeds: plain run"} <= names
    assert not [skipped for skipped in result["skipped"] if skipped.startswith("stage probe")]
    targets = {target["target"] for target in result["targets"]}
    assert "seeds: cleaner >= 20x trafilatura" in targets
    assert "dev pages: text mode >= 10x trafilatura" in targets
    assert "--workers 2 >= 1.8x --workers 1 (wall)" in targets
    assert all(isinstance(target["met"], bool) for target in result["targets"])
