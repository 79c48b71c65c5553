from __future__ import annotations

import pytest

from cleaner import clean
from cleaner.document.language import detect_language
from cleaner.document.metadata import split_authors


@pytest.mark.parametrize(
    ("byline", "names"),
    [
        ("By Jane Doe and John Roe", ["Jane Doe", "John Roe"]),
        ("Lizzie Dearden, Jon Stone & Kim Sengupta", ["Lizzie Dearden", "Jon Stone", "Kim Sengupta"]),
        ("BY: Maria de la Cruz", ["Maria de la Cruz"]),
    ],
)
def test_split_authors(byline: str, names: list[str]) -> None:
    assert split_authors(byline) == names


def test_language_and_word_count() -> None:
    french = "Le gouvernement a annoncé lundi un nouveau plan pour les agriculteurs touchés par la pluie."
    assert detect_language(french) == "fr"
    assert detect_language("Too short") == ""
    result = clean("Headline For The Test Article\n\nOne two three four five six seven eight, nine ten.")
    assert result.metadata.word_count == 10


def test_fields_the_text_does_not_give_stay_empty() -> None:
    meta = clean("A paragraph of article text that says nothing about who wrote it or when it was.").metadata
    assert (meta.title, meta.authors, meta.published, meta.publisher, meta.agency, meta.dateline) == (
        "",
        [],
        "",
        "",
        "",
        "",
    )
    assert meta.captions == []


def test_a_caption_is_not_a_title() -> None:
    text = "File photo of the port of Calais.\n\nMigrants have crossed the Channel in record numbers this year, officials said."
    meta = clean(text).metadata
    assert meta.title == ""
    assert meta.captions == ["File photo of the port of Calais."]
