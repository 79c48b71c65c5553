"""The article model as shipped: a valid, small model file whose every removal names the model and a reason."""

from __future__ import annotations

from importlib.resources import files

import pytest
from pydantic import ValidationError

from cleaner import Cleaner
from cleaner.document.finder.constraints import keep_lead, outside_run
from cleaner.document.finder.features import FEATURES
from cleaner.document.finder.model import MODEL_FILE, ArticleModel, ModelFile, builtin_model
from cleaner.document.finder.page import PageBlocks
from cleaner.document.finder.trees import Ensemble

MENU = "\n".join(["Home", "World", "Politics", "Business", "Sport", "Sign in"])
ARTICLE = "\n".join(
    [
        "The city council voted on Tuesday to approve a new budget for the coming year, after a long debate.",
        "Councillors said the plan would add two new bus routes and repair more than forty miles of roads.",
        "Opponents argued that the higher parking fees would hurt small shops in the centre of the town.",
        "The mayor said the budget balanced the needs of residents with the limits of the city's finances.",
    ]
)
FOOTER = "\n".join(["About us", "Contact", "Terms of use", "Privacy policy"])


def test_the_shipped_model_is_valid_and_small() -> None:
    text = (files("cleaner") / "data" / MODEL_FILE).read_text(encoding="utf-8")
    assert len(text.encode()) < 200_000
    model = ModelFile.model_validate_json(text)
    assert set(model.features) <= set(FEATURES) and model.training["pages"] > 1000


def test_a_model_file_naming_an_unknown_feature_is_refused() -> None:
    data = builtin_model().spec.model_dump()
    data["features"] = ["no_such_feature", *data["features"][1:]]
    with pytest.raises(ValidationError, match="no_such_feature"):
        ModelFile.model_validate(data)


def test_every_removal_of_the_model_names_it_and_a_feature(cleaner: Cleaner) -> None:
    result = cleaner.clean(f"{MENU}\n{ARTICLE}\n{FOOTER}")
    assert result.body == ARTICLE.replace("\n", "\n\n")
    model_removals = [removal for removal in result.removed if removal.rule.startswith("article-finder.")]
    assert model_removals, result.removed
    reasons = {feature.replace("_", "-") for feature in FEATURES} | {"outside-prose-run"}
    assert all(removal.rule.removeprefix("article-finder.") in reasons for removal in model_removals)


def test_consecutive_blocks_the_model_leaves_out_are_one_removal(cleaner: Cleaner) -> None:
    result = cleaner.clean(f"{MENU}\n{ARTICLE}")
    menu = [removal for removal in result.removed if removal.end <= len(MENU)]
    assert sum(removal.rule.startswith("article-finder.") for removal in menu) <= 2


def test_a_page_the_model_keeps_nothing_of_falls_back_to_the_prose_run() -> None:
    words = [["home"], ["the", "council", "voted", "on", "the", "budget", "today", "after", "debate", "."], ["sport"]]
    page = PageBlocks(
        texts=["Home", "The council voted on the budget today after debate.", "Sport"],
        tokens=words,
        rule=["", "", ""],
        duplicate_of=[-1, -1, -1],
        candidate=[True, True, True],
        classes=["short", "prose", "short"],
        in_run=[False, True, False],
        language="en",
        stopwords=None,
        url="",
    )
    keeps_nothing = builtin_model().spec.model_copy(update={"stage2": Ensemble(base=-50.0, trees=[])})
    decision = ArticleModel(keeps_nothing).decide(page)
    assert max(decision.probabilities.values()) < 1e-9
    assert decision.keep == [False, True, False]


def _page(classes: list[str], in_run: list[bool], words: list[int]) -> PageBlocks:
    return PageBlocks(
        texts=[" ".join(["word"] * n) for n in words],
        tokens=[["word"] * n for n in words],
        rule=[""] * len(words),
        duplicate_of=[-1] * len(words),
        candidate=[True] * len(words),
        classes=classes,
        in_run=in_run,
        language="en",
        stopwords=None,
        url="",
    )


def test_where_model_and_prose_run_agree_an_unsure_block_outside_the_run_goes() -> None:
    page = _page(["prose", "prose", "headline", "headline"], [True, True, False, False], [40, 40, 8, 8])
    keep = [True, True, True, True]
    dropped = outside_run(page, range(4), [0.9, 0.9, 0.6, 0.95], keep, agreement=0.7, confidence=0.8)
    assert dropped == {2} and keep == [True, True, False, True]


def test_where_most_kept_words_lie_outside_the_run_nothing_is_dropped() -> None:
    page = _page(["prose", "headline", "headline"], [True, False, False], [20, 30, 30])
    keep = [True, True, True]
    assert outside_run(page, range(3), [0.9, 0.6, 0.6], keep, agreement=0.7, confidence=0.8) == frozenset()
    assert keep == [True, True, True]


def test_the_lead_paragraph_before_the_first_kept_block_is_kept() -> None:
    page = _page(["headline", "prose", "prose"], [False, True, True], [8, 30, 30])
    keep = [False, False, True]
    keep_lead(page, range(3), [0.05, 0.2, 0.9], keep, floor=0.1)
    assert keep == [False, True, True]
    keep = [False, False, True]
    keep_lead(page, range(3), [0.05, 0.05, 0.9], keep, floor=0.1)
    assert keep == [False, False, True]
