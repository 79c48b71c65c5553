from __future__ import annotations

import pytest

from cleaner.text.blocks import segment
from cleaner.text.normalise import normalise


def lines(text: str) -> list[str]:
    return normalise(text).text.split("\n")


def test_spaces_line_endings_and_invisible_characters() -> None:
    text = "The\u00a0Independent  says\t hello \r\nsecond\u200b line\u2028third\ufeff\x07"
    assert lines(text) == ["The Independent says hello", "second line", "third"]


def test_nfc_composes_decomposed_letters() -> None:
    assert normalise("Cafe\u0301 cre\u0300me").text == "Café crème"


def test_html_entities_are_decoded() -> None:
    assert normalise("Fish &amp; chips&nbsp;&#8212; &unknown; tonight").text == "Fish & chips — &unknown; tonight"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("automatically logged inPlease refresh", ["automatically logged in", "Please refresh"]),
        ("browser preferences.Stay up to date", ["browser preferences.", "Stay up to date"]),
        ("he said.”The minister", ["he said.”", "The minister"]),
        ("McDonald iPhone eBay YouTube deGrom U.S.Army", ["McDonald iPhone eBay YouTube deGrom U.S.Army"]),
    ],
)
def test_glued_blocks_are_split_and_names_are_not(text: str, expected: list[str]) -> None:
    assert lines(text) == expected


def test_bullets_become_one_style() -> None:
    assert lines(":: First\n  ::Second\n• Third\n● Fourth") == ["• First", "• Second", "• Third", "• Fourth"]


@pytest.mark.parametrize(
    "text",
    [
        "plain text\nwith lines",
        "  The\u00a0Independent \r\n\r\n::  bullet inPlease refresh \u200b\n",
        "Cafe\u0301\u00a0&amp; more.Next &#x41; line\r\r\n\t tabbed",
        "\ufeff\u202etrojan\u202c source\x00 text",
    ],
)
def test_block_offsets_point_at_the_input(text: str) -> None:
    normalised = normalise(text)
    for block in segment(normalised):
        source = text[block.source_start : block.source_end]
        assert normalise(source).text.strip() == block.text
