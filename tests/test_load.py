"""The load and fault test passes at smoke scale (CI): no errors, no leak, a clean SIGTERM drain."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def test_load_smoke_run_passes_every_check(tmp_path: Path) -> None:
    out = tmp_path / "load.json"
    done = subprocess.run(
        [sys.executable, "-m", "bench.load", "--smoke", "--json", str(out)],
        cwd=ROOT, capture_output=True, text=True, timeout=180,
    )  # fmt: skip
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-2000:]
    result = json.loads(out.read_text(encoding="utf-8"))
    assert all(check["met"] for check in result["checks"])

    steady = result["steady"]
    assert steady["errors"] == {} and steady["requests"] > 0 and steady["streams"] > 0
    assert result["faults"]["unexpected"] == {} and result["after_faults"]["normal_calls_ok"]

    baseline, settled = result["resources"]["baseline"], result["resources"]["settled"]
    for before, after, bound in zip(baseline, settled, result["rss_bound_mb"], strict=True):
        assert after["rss_mb"] - before["rss_mb"] <= bound
        assert abs(after["threads"] - before["threads"]) <= 2

    drain = result["sigterm"]
    assert drain["streams_complete"] == drain["streams"] > 0 and drain["stream_statuses"] == {"OK": drain["streams"]}
    assert drain["probe_status"] == "UNAVAILABLE" and drain["exit_code"] == 0
    assert result["server_log"]["problem_lines"] == 0
