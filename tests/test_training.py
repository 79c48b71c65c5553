"""Training the article model: labels from gold bodies, deterministic fits, inference equal to scikit-learn's."""

from __future__ import annotations

from pathlib import Path

import pytest

pytest.importorskip("sklearn", reason="the train extra is not installed")

import numpy as np  # noqa: E402

from cleaner import Cleaner  # noqa: E402
from cleaner.document.finder.model import ArticleModel  # noqa: E402
from cleaner.evaluation.gold import GoldPage  # noqa: E402
from cleaner.training.crossval import cross_validate  # noqa: E402
from cleaner.training.fit import Config, context_matrix, dump, fit, fit_stages, model_file, predict_linear  # noqa: E402
from cleaner.training.labels import label_blocks  # noqa: E402
from cleaner.training.pages import prepare  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
SOURCES = sorted((ROOT / "seeds").glob("*.txt")) + sorted((ROOT / "tests" / "articles").glob("*.txt"))
MENU = ["Home", "World", "Business", "Sport", "Sign in", "Subscribe to our newsletter"]
FOOTER = ["About us", "Contact", "Terms of use", "Privacy policy", "© 2024 Example Media Group"]
SMALL = Config(trees=6, max_leaf_nodes=6, min_samples_leaf=5, inner_folds=2)


def synthetic_pages() -> list[GoldPage]:
    """Each source's long lines as the article, between a menu and a footer: the gold is those lines."""
    pages = []
    for number, path in enumerate(SOURCES):
        lines = [line.strip() for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]
        article = [line for line in lines if len(line.split()) >= 12]
        noisy = "\n".join([*MENU, *lines, *FOOTER])
        domain = f"site{number % 4}.example"
        pages.append(
            GoldPage(f"p{number:02d}", f"https://{domain}/{path.stem}", noisy, "\n\n".join(article), None, domain)
        )
    return pages


@pytest.fixture(scope="module")
def prepared() -> list:
    return prepare(Cleaner(), synthetic_pages())


def test_long_blocks_are_labelled_by_shingles_and_counted_once() -> None:
    gold = "The minister said the plan would be published next week after talks."
    texts = ["Home", gold, "Share this", gold]
    assert label_blocks(texts, gold) == [0, 1, 0, 0]


def test_a_short_block_is_article_when_it_sits_between_the_same_words_in_the_gold() -> None:
    first = "The council approved the budget on Tuesday after a long debate in the chamber."
    second = "Residents will see the new bus routes from the first week of March next year."
    gold = f"{first}\n\nNew routes\n\n{second}"
    texts = ["Menu", first, "New routes", second, "Log in"]
    assert label_blocks(texts, gold) == [0, 1, 1, 1, 0]


def test_training_is_deterministic(prepared: list) -> None:
    assert dump(fit(prepared, SMALL)) == dump(fit(prepared, SMALL))


def test_inference_gives_scikit_learns_probabilities(prepared: list) -> None:
    fitted = fit_stages(prepared, SMALL)
    spec = model_file(fitted, SMALL)
    data = fitted.data
    q = predict_linear(spec.stage1, data.x)
    expected = fitted.trees.predict_proba(np.hstack([data.x, context_matrix(q, data.page, data.words)]))[:, 1]
    model = ArticleModel(spec)
    found = np.concatenate([list(model.decide(page.blocks).probabilities.values()) for page in prepared])
    assert len(found) == len(expected) > 100
    assert np.abs(found - expected).max() < 1e-9


def test_cross_validation_scores_every_page_once_and_its_training_folds(prepared: list) -> None:
    found = cross_validate(Cleaner(), prepared, folds=2, config=SMALL)
    assert sorted(found.held_out) == sorted(page.gold.id for page in prepared)
    assert len(found.train_folds) == 2
