"""The syndication benchmark must run (smoke run); its figures are never asserted here."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
SHARED_DEV = ROOT.parent / "shared" / "eval" / "dev.jsonl"


@pytest.mark.skipif(not SHARED_DEV.exists(), reason=f"needs {SHARED_DEV} (the shared dev pages, beside the repo)")
def test_syndication_benchmark_smoke_run_writes_every_section(tmp_path: Path) -> None:
    out = tmp_path / "synd.json"
    done = subprocess.run(
        [sys.executable, "-m", "bench.syndication", "--smoke", "--json", str(out)],
        cwd=ROOT, capture_output=True, text=True, timeout=600,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr[-2000:]
    figures = json.loads(out.read_text(encoding="utf-8"))
    assert set(figures) == {"records", "sweep", "libraries", "batch", "stage"}
    assert {row["threshold"] for row in figures["sweep"]["copy"]} >= {0.5}


def test_edits_change_a_body_but_keep_most_of_it() -> None:
    import random

    from bench.labelled import EDITS, edited

    body = "\n\n".join(f"Paragraph {n} says one thing. It then says another thing." for n in range(6))
    rng = random.Random(1)
    for edit in EDITS:
        changed = edit(body, rng)
        assert changed != body and len(changed) > len(body) * 0.7
    assert edited(body, rng) != body
