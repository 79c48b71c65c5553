"""Invariants, property-tested with hypothesis over text built from real boilerplate, prose and noise.

``HYPOTHESIS_PROFILE=long pytest tests/test_properties.py`` runs many more examples than CI does.
"""

from __future__ import annotations

from pathlib import Path

import pytest
import regex
from hypothesis import given
from hypothesis import strategies as st

from cleaner import Cleaner, InvalidInputError
from cleaner.rules.loading import load_packs
from cleaner.rules.schema import Action, Position, Scope
from fuzz.targets import InvariantError, check, clean_html, clean_text

ROOT = Path(__file__).resolve().parent.parent
PACKS = load_packs(())
BOILERPLATE = sorted({example for loaded in PACKS for rule in loaded.rules for example in rule.must_match})
PROSE = sorted(
    {
        sentence.strip()
        for path in sorted((ROOT / "seeds").glob("*.txt"))
        for sentence in regex.split(r"(?<=[.!?])\s+", path.read_text(encoding="utf-8"))
        if len(sentence.split()) > 4
    }
)
HOSTILE = ["\x00", "\x1b[31m", "\u202e", "\u2066", "\u200b", "\ufeff", "\u2028", "\x85", "&amp;", "&#0;", "&#x110000;"]
HOSTILE += ["•", "::", "\t", "\xa0", "e\u0301", "🙂", "\U0010ffff", "<p>", "</div>", "-" * 40]
SEPARATORS = ["\n", "\n\n", " ", "\r\n", "\n\n\n", ""]
CONTEXT_FREE_DROPS = {
    loaded.pack.qualified_id(rule)
    for loaded in PACKS
    for rule in loaded.rules
    if rule.action is Action.DROP and rule.position is Position.ANY and rule.scope is Scope.GLOBAL
    and not rule.signature
}  # fmt: skip

blocks = st.one_of(
    st.sampled_from(BOILERPLATE),
    st.sampled_from(PROSE),
    st.sampled_from(HOSTILE),
    st.text(max_size=60),
)
documents = st.builds(
    lambda parts, separator: separator.join(parts), st.lists(blocks, max_size=25), st.sampled_from(SEPARATORS)
)
mixed_documents = st.lists(st.tuples(blocks, st.sampled_from(SEPARATORS)), max_size=25).map(
    lambda pairs: "".join(block + separator for block, separator in pairs)
)
TAGS = ["p", "div", "article", "nav", "footer", "script", "style", "h1", "li", "ul", "span", "table", "td", "!--"]
html_pieces = st.one_of(
    blocks,
    st.sampled_from(TAGS).map(lambda tag: f"<{tag}>"),
    st.sampled_from(TAGS).map(lambda tag: f"</{tag}>"),
    st.sampled_from(["<html>", "<body>", "</body>", "</html>", "<!doctype html>", "<br>", "-->", "<", ">", "&"]),
)
pages = st.lists(html_pieces, max_size=40).map("".join)


@given(documents)
def test_documents_of_boilerplate_prose_and_noise_keep_every_invariant(text: str) -> None:
    clean_text(text)


@given(mixed_documents)
def test_mixed_separators_keep_every_invariant(text: str) -> None:
    clean_text(text)


@given(st.text(max_size=400))
def test_any_string_is_cleaned_or_refused(text: str) -> None:
    clean_text(text)


@given(pages)
def test_any_markup_is_cleaned_or_refused(html: str) -> None:
    clean_html(html)


@given(text=documents, surrogates=st.lists(st.characters(categories=["Cs"]), min_size=1, max_size=4), data=st.data())
def test_lone_surrogates_are_replaced_and_counted(
    cleaner: Cleaner, text: str, surrogates: list[str], data: st.DataObject
) -> None:
    for surrogate in surrogates:
        at = data.draw(st.integers(0, len(text)))
        text = text[:at] + surrogate + text[at:]
    repaired = regex.sub(r"[\ud800-\udfff]", "\ufffd", text)
    try:
        expected = cleaner.clean(repaired).to_dict()
    except InvalidInputError as error:
        with pytest.raises(InvalidInputError, match=f"^{regex.escape(str(error))}$"):
            cleaner.clean(text)
        return
    result = cleaner.clean(text)
    check(result)
    assert result.stats.surrogates_replaced == len(surrogates)
    expected["stats"]["surrogates_replaced"] = len(surrogates)
    assert result.to_dict() == expected


def test_the_invariant_check_catches_a_broken_result(cleaner: Cleaner) -> None:
    result = cleaner.clean("Share this article\nThe council voted on Tuesday to approve the new budget.")
    check(result)
    moved = result.model_copy(update={"removed": [result.removed[0].model_copy(update={"start": 1})]})
    with pytest.raises(InvariantError, match="does not point at its text"):
        check(moved)
    with pytest.raises(InvariantError, match=r"body words not in the input: \['invented'\]"):
        check(result.model_copy(update={"body": result.body + " invented"}))


@pytest.fixture(scope="module")
def rules_only() -> Cleaner:
    return Cleaner(find_article=False)


@given(text=documents)
def test_the_body_holds_no_block_a_rule_would_drop(cleaner: Cleaner, rules_only: Cleaner, text: str) -> None:
    try:
        body = cleaner.clean(text).body
    except InvalidInputError:
        return
    if body.strip():
        dropped = [r for r in rules_only.clean(body).removed if r.rule in CONTEXT_FREE_DROPS]
        assert dropped == [], f"the body keeps blocks that rules drop: {[(r.rule, r.text) for r in dropped]}"
