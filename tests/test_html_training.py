"""Training HTML mode's block model on made-up pages: labels, a deterministic file, inference equal to sklearn's."""

from __future__ import annotations

import gzip
import json
from pathlib import Path

import pytest

pytest.importorskip("sklearn", reason="the train extra is not installed")

import numpy as np  # noqa: E402

from cleaner import Cleaner  # noqa: E402
from cleaner.evaluation.gold import GoldPage, read_gold  # noqa: E402
from cleaner.html.dom.model import BlockModel  # noqa: E402
from cleaner.training.html_crossval import cross_validate_html  # noqa: E402
from cleaner.training.html_fit import HtmlConfig, dump_html, fit_html, html_rows  # noqa: E402
from cleaner.training.html_pages import HtmlTrainingPage, prepare_html  # noqa: E402

SMALL = HtmlConfig(trees=5, max_leaf_nodes=4, min_samples_leaf=2)
TOPICS = ["budget", "bridge", "library", "election", "harbour", "museum", "railway", "school"]


def _page(topic: str) -> tuple[str, str]:
    prose = [f"The council said on Tuesday that the {topic} plan would go ahead after a long public debate.",
             f"Residents told reporters the {topic} had been discussed for years without a clear decision.",
             f"A final vote on the {topic} is expected next month, when the full council meets again."]  # fmt: skip
    menu = "".join(f'<li><a href="/{w}">{w}</a></li>' for w in ("Home", "News", "Sport", "Contact"))
    html = (f"<html><body><nav><ul>{menu}</ul></nav><article><h1>The {topic} plan</h1>"
            + "".join(f"<p>{line}</p>" for line in prose)
            + '</article><footer><p>Terms of use</p><p>Privacy policy</p></footer></body></html>')  # fmt: skip
    return html, "\n\n".join(prose)


@pytest.fixture(scope="module")
def gold_file(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("gold")
    (folder / "html").mkdir()
    with open(folder / "gold.jsonl", "w", encoding="utf-8") as out:
        for number, topic in enumerate(TOPICS):
            html, gold = _page(topic)
            page_id = f"p{number}"
            (folder / "html" / f"{page_id}.html.gz").write_bytes(gzip.compress(html.encode("utf-8")))
            record = {"id": page_id, "url": f"https://site{number % 4}.example/{topic}", "noisy_text": "",
                      "gold_text": gold, "page_type": "article"}  # fmt: skip
            out.write(json.dumps(record) + "\n")
    return folder / "gold.jsonl"


@pytest.fixture(scope="module")
def pages(gold_file: Path, tmp_path_factory: pytest.TempPathFactory) -> list[HtmlTrainingPage]:
    return prepare_html(read_gold(gold_file), tmp_path_factory.mktemp("cache"))


def test_blocks_are_labelled_from_the_gold_body(pages: list[HtmlTrainingPage]) -> None:
    page = pages[0]
    texts = [block.text for block in page.page.dom.blocks]
    kept = [text for text, label in zip(texts, page.labels, strict=True) if label]
    assert kept == [line for line in page.gold.gold_text.split("\n\n")]
    assert page.matrix.shape[0] == len(texts)


def test_the_cache_gives_the_same_pages(gold_file: Path, tmp_path: Path) -> None:
    first = prepare_html(read_gold(gold_file), tmp_path)
    again = prepare_html(read_gold(gold_file), tmp_path)
    assert (tmp_path / "extractions.jsonl").read_text().count("\n") == len(TOPICS)
    assert all(np.array_equal(a.matrix, b.matrix) for a, b in zip(first, again, strict=True))


def test_training_is_deterministic_and_inference_matches_sklearn(pages: list[HtmlTrainingPage]) -> None:
    from sklearn.ensemble import HistGradientBoostingClassifier

    model = fit_html(pages, SMALL)
    assert dump_html(model) == dump_html(fit_html(pages, SMALL))
    data = html_rows(pages)
    reference = HistGradientBoostingClassifier(max_iter=5, max_leaf_nodes=4, min_samples_leaf=2, learning_rate=0.1,
                                               l2_regularization=1.0, early_stopping=False, random_state=0)  # fmt: skip
    reference.fit(data.x, data.y, sample_weight=data.weight)
    loaded = BlockModel(model)
    ours = [loaded.probability(row) for row in data.x.astype(np.float64).tolist()]
    assert np.allclose(ours, reference.predict_proba(data.x)[:, 1], atol=1e-9)


def test_cross_validation_scores_every_page_once(pages: list[HtmlTrainingPage]) -> None:
    found = cross_validate_html(Cleaner(), pages, folds=2, config=SMALL)
    assert sorted(found.held_out) == sorted(page.gold.id for page in pages)
    assert len(found.train_folds) == 2
    assert min(score.f1 for score in found.held_out.values()) > 0.9


def test_a_page_past_the_time_budget_scores_as_an_empty_body(pages: list[HtmlTrainingPage]) -> None:
    found = cross_validate_html(Cleaner(timeout=1e-9), pages, folds=2, config=SMALL, score_training=False)
    assert sorted(found.held_out) == sorted(page.gold.id for page in pages)
    assert all(score.f1 == 0 for score in found.held_out.values())


def test_pages_without_html_are_left_out() -> None:
    page = GoldPage("x", "", "text", "text", None)
    assert prepare_html([page]) == []
