"""Ray Data on a real local cluster (2 CPUs, actors asking for half a CPU): the same output as ``cleaner batch``."""

from __future__ import annotations

import json
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from cleaner import Cleaner
from cleaner.cli import main

ray = pytest.importorskip("ray", reason="the ray extra is not installed")

from cleaner.engines.ray import RayCleaner, clean_jsonl  # noqa: E402

sys.path.append(str(Path(__file__).resolve().parent))
from engine_inputs import awkward_input  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
SEEDS = sorted((ROOT / "seeds").glob("*.txt"))


@pytest.fixture(scope="module")
def cluster() -> Iterator[None]:
    ray.init(num_cpus=2, include_dashboard=False, log_to_driver=False, configure_logging=False)
    yield
    ray.shutdown()


def test_clean_jsonl_writes_what_batch_writes(cluster: None, tmp_path: Path) -> None:
    source = awkward_input(tmp_path / "in.jsonl")
    assert main(["batch", str(source), "-o", str(tmp_path / "batch.jsonl"), "--no-progress", "--allow-errors"]) == 0
    clean_jsonl(str(source), str(tmp_path / "out.jsonl"), concurrency=2)
    assert (tmp_path / "out.jsonl").read_bytes() == (tmp_path / "batch.jsonl").read_bytes()


def test_map_batches_over_records_gives_records_and_error_values(cluster: None) -> None:
    rows = [{"id": path.stem, "text": path.read_text(encoding="utf-8"), "note": n} for n, path in enumerate(SEEDS)]
    rows.append({"id": "empty", "text": "", "note": 99})
    dataset = ray.data.from_items(rows).map_batches(RayCleaner, batch_size=2, concurrency=2, num_cpus=0.5)
    out = sorted(dataset.take_all(), key=lambda row: row["note"])
    cleaner = Cleaner()
    for row, source in zip(out, rows, strict=True):
        record = json.loads(row["record"])
        if source["text"]:
            assert record == {**cleaner.clean(source["text"], id=source["id"]).to_dict(), "note": source["note"]}
        else:
            assert record["error"]["code"] == "INVALID_ARGUMENT" and record["id"] == "empty"
