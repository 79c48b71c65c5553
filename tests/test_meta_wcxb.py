"""The metadata rankers on WCXB dev pages (read from ../shared/train, never copied here): floors and determinism."""

from __future__ import annotations

from itertools import islice
from pathlib import Path

import pytest

from cleaner import Cleaner
from cleaner.evaluation.gold import GoldPage, read_gold
from cleaner.evaluation.modes import modes
from cleaner.evaluation.run import evaluate

WCXB = Path(__file__).resolve().parent.parent.parent / "shared" / "train" / "wcxb-dev.jsonl"
PAGES = 200


@pytest.fixture(scope="module")
def pages() -> list[GoldPage]:
    if not WCXB.is_file():
        pytest.skip(f"{WCXB} is absent: the WCXB dev pages live in ../shared/train beside the repository")
    return list(islice(read_gold(WCXB), PAGES))


def test_text_mode_metadata_stays_above_its_floors(pages: list[GoldPage]) -> None:
    summary = evaluate(modes(Cleaner())["text"], pages, with_metadata=True).metadata_summary()
    assert summary is not None
    # measured on these 200 pages (in-sample): title 72.0% exact, 85.5% loose; authors 59.2%, precision 75.2%;
    # date 79.3% right, 4.3% wrong
    assert summary.title_exact >= 0.65 and summary.title_loose >= 0.78
    assert summary.author_overlap >= 0.52 and summary.author_precision >= 0.68
    assert summary.date_right >= 0.72 and summary.date_wrong <= 0.1


def test_training_the_rankers_is_deterministic(pages: list[GoldPage]) -> None:
    metadata = pytest.importorskip("cleaner.training.metadata", reason="the train extra is not installed")
    from cleaner.document.meta.extract import finder_names

    cleaner = Cleaner()
    samples = metadata.prepare(cleaner, pages[:80])
    names = finder_names(cleaner.article_model)
    first = metadata.dump(metadata.fit(samples, names))
    assert first == metadata.dump(metadata.fit(samples, names))
