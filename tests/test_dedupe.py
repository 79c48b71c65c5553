from __future__ import annotations

from cleaner.document.dedupe import EXACT_RULE, NEAR_RULE, Duplicate, block_key, find_duplicates
from cleaner.text.tokens import tokenize


def duplicates(texts: list[str], removed: list[bool]) -> list[Duplicate]:
    return find_duplicates([tokenize(text) for text in texts], texts, removed)


def test_key_ignores_case_space_quotes_and_punctuation() -> None:
    assert block_key("“Command and Control” — centre!") == block_key('"command and control"  centre')


def test_exact_and_near_copies_after_the_first() -> None:
    texts = [
        "The officers will work alongside French counterparts.",
        "A different paragraph entirely here.",
        "The officers will work alongside French counterparts.",
        "The officers will work  alongside French counterparts",
        "Short line",
        "Short line",
    ]
    found = duplicates(texts, [False] * len(texts))
    assert [(d.index, d.first, d.rule) for d in found] == [(2, 0, EXACT_RULE), (3, 0, NEAR_RULE)]


def test_copies_can_be_asked_to_be_longer() -> None:
    twelve_words = "The officers will work alongside their French counterparts in a new centre."
    texts = ["Press Enter to save.", "Press Enter to save.", twelve_words, twelve_words]
    found = find_duplicates([tokenize(text) for text in texts], texts, [False] * 4, min_words=12)
    assert [(d.index, d.first) for d in found] == [(3, 2)]
    assert [d.index for d in duplicates(texts, [False] * 4)] == [1, 3]


def test_a_removed_block_still_counts_as_seen() -> None:
    texts = ["Please refresh your browser to be logged in", "Please refresh your browser to be logged in"]
    found = duplicates(texts, [True, False])
    assert [d.index for d in found] == [1]


def test_a_block_made_of_earlier_text_is_a_contained_copy() -> None:
    paragraphs = [
        "The council voted on Tuesday to approve a new budget for the town.",
        "Opponents said the plan relied on a tax rise that families could not afford.",
        "The mayor said the budget was the result of months of work with residents.",
        "Council members argued for more than four hours before the final vote.",
    ]
    texts = [*paragraphs, " ".join(paragraphs), "A short new closing line of the story."]
    found = duplicates(texts, [False] * len(texts))
    assert [(d.index, d.rule) for d in found] == [(4, "dedupe.contained")]


def test_a_teaser_cut_short_is_a_contained_copy() -> None:
    texts = [
        "Good morning! This is the tech news you need to know this Tuesday, and more.",
        "Another paragraph of the story, quite different from the first one.",
        "Good morning! This is the tech news you need to...",
    ]
    assert [(d.index, d.rule) for d in duplicates(texts, [False] * 3)] == [(2, "dedupe.contained")]
