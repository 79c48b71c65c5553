"""Finding the article in noisy text without rules."""

from __future__ import annotations

from pathlib import Path

import pytest

from cleaner import Cleaner
from cleaner.document.article import BlockClass, classify, find_article
from cleaner.document.finder.model import builtin_model
from cleaner.document.language import stopwords
from cleaner.text.tokens import tokenize

ROOT = Path(__file__).resolve().parent.parent
CLEAN_ARTICLES = sorted((ROOT / "seeds").glob("*.txt")) + sorted((ROOT / "tests" / "articles").glob("*.txt"))
ENGLISH = stopwords("en")
MODEL = builtin_model().name

ARTICLE = [
    "The city council voted on Tuesday to approve a new budget that raises spending on schools and roads.",
    "Council members argued for more than four hours before the vote, which passed by seven votes to two.",
    "The mayor said the budget was the result of months of work with residents and would be good for the town.",
    "Opponents said the plan relied on a tax rise that many families in the town could not afford this year.",
]
MENU = ["Home", "News", "Sport", "Weather", "Business", "Opinion", "Sign in"]
TEASERS = [
    "Storm closes coastal road for third day",
    "By Jane Smith",
    "Engineers said the road would reopen once the sea wall had been inspected by the county.",
    "Library to open on Sundays from next month",
    "By Tom Jones",
    "The library will open from noon until five on Sundays, the council said in a statement.",
    "School wins national chess title",
    "By Ann Lee",
    "Pupils from the school beat forty other teams to take the title in London at the weekend.",
]
FOOTER = ["About us", "Contact", "Privacy Policy", "© 2024 The Town Gazette"]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (ARTICLE[0], BlockClass.PROSE),
        ("He said no.", BlockClass.SENTENCE),
        ("Home", BlockClass.SHORT),
        ("Storm closes coastal road for third day", BlockClass.HEADLINE),
        ("• Half of the usual services will run", BlockClass.ITEM),
        ("Paris, London, Berlin, Rome, Madrid, Lisbon.", BlockClass.NOISE),
    ],
)
def test_block_classes(text: str, expected: BlockClass) -> None:
    assert classify(text, tokenize(text), ENGLISH)[0] is expected


def test_the_article_is_the_densest_run_of_prose() -> None:
    texts = MENU + ["Budget approved after long debate"] + ARTICLE + ["Most read"] + TEASERS + FOOTER
    article = find_article(texts, [tokenize(t) for t in texts], ENGLISH)
    assert article is not None
    assert texts[article.start : article.end + 1] == ARTICLE


def test_noisy_page_cleans_with_every_decision_reported_and_named_by_the_model() -> None:
    text = "\n".join(MENU + ["Budget approved after long debate"] + ARTICLE + ["Most read"] + TEASERS + FOOTER)
    result = Cleaner().clean(text)
    assert result.body.startswith("\n\n".join(ARTICLE))
    assert result.metadata.title == "Budget approved after long debate"
    assert all(removal.text == text[removal.start : removal.end] for removal in result.removed)
    by_model = [removal for removal in result.removed if removal.rule.startswith(f"{MODEL}.")]
    assert by_model and by_model[0].text == "\n".join(MENU[1:6])  # the menu's lines no rule knows
    assert all(removal.category for removal in result.removed)


@pytest.mark.xfail(strict=True, reason="known: after a short article the model keeps a 'Most read' teaser list")
def test_a_teaser_list_after_a_short_article_is_dropped() -> None:
    text = "\n".join(MENU + ["Budget approved after long debate"] + ARTICLE + ["Most read"] + TEASERS + FOOTER)
    assert Cleaner().clean(text).body == "\n\n".join(ARTICLE)


def test_a_page_without_prose_is_left_alone() -> None:
    assert find_article(MENU, [tokenize(t) for t in MENU], ENGLISH) is None


@pytest.mark.parametrize("path", CLEAN_ARTICLES, ids=[path.stem for path in CLEAN_ARTICLES])
def test_clean_articles_lose_nothing_to_the_classifier(cleaner: Cleaner, path: Path) -> None:
    result = cleaner.clean(path.read_text(encoding="utf-8"))
    assert [removal.text for removal in result.removed if removal.rule.startswith(f"{MODEL}.")] == []


def test_the_classifier_can_be_switched_off() -> None:
    text = "\n".join(MENU + ARTICLE)
    assert Cleaner(find_article=False).clean(text).body.startswith("News")
