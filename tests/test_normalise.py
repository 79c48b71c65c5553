from __future__ import annotations

import pytest
import regex
from hypothesis import given
from hypothesis import strategies as st

from cleaner.text.blocks import segment
from cleaner.text.normalise import _ends_lowercase_word, _glued, _lowercase_before, normalise


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


def test_the_glued_block_pass_can_be_left_out() -> None:
    text = "const [count, setCount] = useState(0);"
    assert normalise(text).text.count("\n") == 2  # as scraped text: "set" / "Count", "use" / "State"
    assert normalise(text, split_glued=False).text == text


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


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("the end?)Next one", ["the end?)", "Next one"]),
        ("a quote”The next", ["a quote”The next"]),  # a closing quote without a sentence end before it
        ("OK.Then", ["OK.Then"]),  # no lower-case word before the sentence end
        ("Then", ["Then"]),
        ("aB", ["aB"]),
    ],
)
def test_glued_sentences_need_a_sentence_end_after_a_lower_case_word(text: str, expected: list[str]) -> None:
    assert lines(text) == expected


# The glued-line pass as one regex alternation scanned in full (what ``_glued`` finds at fewer places).
_GLUE_REFERENCE = regex.compile(r"(?P<word>\p{Lu}(?<=\p{Ll}\p{Lu})(?=\p{Ll}))|[.!?][\"”’)]?(?=\p{Lu}\p{Ll})")


def _reference_glue(text: str) -> list[tuple[int, int, str]]:
    found = []
    for match in _GLUE_REFERENCE.finditer(text):
        start, end = match.span()
        if match.lastgroup == "word" and _ends_lowercase_word(text, start):
            found.append((start, end, "\n" + match.group()))
        elif match.lastgroup != "word" and _lowercase_before(text, start):
            found.append((start, end, match.group() + "\n"))
    return found


WORDS = ["in", "de", "a", "éte", "σας", "Please", "The", "U", "Σας", "ǅa", "iPhone", "É"]
GAPS = ["", " ", ".", "!", "?", "”", ")", ".”", "?)", '!"', ".’", "'", "\n"]


@given(st.lists(st.tuples(st.sampled_from(WORDS), st.sampled_from(GAPS)), max_size=12))
def test_glued_lines_are_found_as_one_full_alternation_finds_them(pieces: list[tuple[str, str]]) -> None:
    text = "".join(word + gap for word, gap in pieces)
    assert list(_glued(text)) == _reference_glue(text)
