"""Syndication: the seeds' clusters, the streaming index's bound, and ``cleaner batch --syndication``."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from cleaner import Cleaner, CleanResult
from cleaner.syndication import SyndicationIndex, SyndicationOptions, signature, syndicate
from cleaner.syndication.options import banding

ROOT = Path(__file__).resolve().parent.parent
SEEDS = sorted((ROOT / "seeds").glob("*.txt"))


@pytest.fixture(scope="module")
def seed_results() -> list[CleanResult]:
    cleaner = Cleaner()
    return [cleaner.clean(path.read_text(encoding="utf-8"), id=path.stem) for path in SEEDS]


def test_seeds_002_and_003_are_one_copy_cluster_and_all_five_one_story(seed_results: list[CleanResult]) -> None:
    found = syndicate(seed_results)
    copies = [levels["copy"].cluster for levels in found]
    assert copies[2] == copies[3] == 3
    assert len(set(copies)) == 4
    assert {levels["story"].cluster for levels in found} == {1}
    assert found[3]["copy"].canonical == seed_results[2].id


def test_in_document_duplication_of_seed_003_is_still_removed(seed_results: list[CleanResult]) -> None:
    assert seed_results[3].stats.duplicates == 11


def test_distinct_text_is_its_own_cluster() -> None:
    cleaner = Cleaner()
    results = [cleaner.clean(" ".join(f"word{n}x{i}" for i in range(50)) + ".") for n in range(3)]
    found = syndicate(results)
    assert [levels["copy"].cluster for levels in found] == [1, 2, 3]
    assert found[1]["story"].canonical == "2"


def test_a_body_without_words_is_alone() -> None:
    index = SyndicationIndex()
    assert signature("  ... ") is None
    assert index.add(1, "a", None)["story"].cluster == 1
    assert len(index) == 0


def test_the_index_forgets_past_its_limit(seed_results: list[CleanResult]) -> None:
    index = SyndicationIndex(SyndicationOptions(max_records=1))
    index.add(1, "a", signature(seed_results[2].body))
    index.add(2, "filler", signature("an unrelated text about gardens and the weather in spring"))
    late = index.add(3, "b", signature(seed_results[3].body))
    assert len(index) == 1
    assert late["copy"].cluster == 3


def test_signatures_are_the_same_in_another_process(seed_results: list[CleanResult]) -> None:
    body = seed_results[0].body
    code = "import sys; from cleaner.syndication import signature; print(signature(sys.stdin.read()).tolist())"
    other = subprocess.run([sys.executable, "-c", code], input=body, capture_output=True, text=True, check=True)
    assert json.loads(other.stdout) == signature(body).tolist()  # type: ignore[union-attr]


def test_banding_fits_the_permutations() -> None:
    bands, rows = banding(0.5)
    assert bands * rows <= 128 and abs((1 / bands) ** (1 / rows) - 0.5) < 0.05


def _seed_input(tmp_path: Path) -> Path:
    lines = [json.dumps({"id": path.stem, "text": path.read_text(encoding="utf-8")}) for path in SEEDS]
    lines.insert(2, '{"id": "bad"}')
    path = tmp_path / "in.jsonl"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def _batch(*argv: str) -> int:
    from cleaner.cli import main

    return main(["batch", "--no-progress", *argv])


def test_batch_adds_clusters_in_order_and_leaves_error_lines_alone(tmp_path: Path) -> None:
    plain, synd = tmp_path / "plain.jsonl", tmp_path / "synd.jsonl"
    assert _batch(str(_seed_input(tmp_path)), "-o", str(plain), "--allow-errors") == 0
    assert _batch(str(_seed_input(tmp_path)), "-o", str(synd), "--allow-errors", "--syndication") == 0
    records = [json.loads(line) for line in synd.read_text(encoding="utf-8").splitlines()]
    assert "syndication" not in records[2] and records[2]["error"]
    assert records[4]["syndication"]["copy"] == {"cluster": 4, "canonical": records[3]["id"], "similarity": 1.0}
    assert {record["syndication"]["story"]["cluster"] for record in records if "body" in record} == {1}
    for before, after in zip(plain.read_text().splitlines(), synd.read_text().splitlines(), strict=True):
        assert after.startswith(before[:-1])


def test_a_resumed_batch_reindexes_what_it_wrote(tmp_path: Path) -> None:
    source, whole, cut = _seed_input(tmp_path), tmp_path / "whole.jsonl", tmp_path / "cut.jsonl"
    assert _batch(str(source), "-o", str(whole), "--allow-errors", "--syndication") == 0
    lines = whole.read_text(encoding="utf-8").splitlines(keepends=True)
    from cleaner.batch.resume import partial_path

    partial_path(str(cut)).write_text("".join(lines[:4]) + lines[4][:30], encoding="utf-8")
    assert _batch(str(source), "-o", str(cut), "--allow-errors", "--syndication", "--resume") == 0
    assert cut.read_text(encoding="utf-8") == whole.read_text(encoding="utf-8")


def test_resuming_with_syndication_a_run_without_it_is_refused(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    source, whole, cut = _seed_input(tmp_path), tmp_path / "whole.jsonl", tmp_path / "cut.jsonl"
    assert _batch(str(source), "-o", str(whole), "--allow-errors") == 0
    from cleaner.batch.resume import partial_path

    partial_path(str(cut)).write_text("".join(whole.read_text(encoding="utf-8").splitlines(keepends=True)[:2]))
    assert _batch(str(source), "-o", str(cut), "--allow-errors", "--syndication", "--resume") == 1
    assert "was written without --syndication" in capsys.readouterr().err


@pytest.mark.parametrize(
    ("options", "message"),
    [
        (["--syndication", "--fields", "metadata"], "keep body among --fields"),
        (["--copy-threshold", "0.7"], "only with --syndication"),
        (["--syndication", "--syndication-max-records", "0"], "at least 1"),
    ],
)
def test_syndication_options_are_refused_when_they_cannot_work(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], options: list[str], message: str
) -> None:
    assert _batch(str(_seed_input(tmp_path)), "-o", str(tmp_path / "out.jsonl"), *options) == 2
    assert message in capsys.readouterr().err
