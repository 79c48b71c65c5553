"""The compiled rule set: one scan, first rule wins, names never collide, time is bounded."""

from __future__ import annotations

import time
from collections.abc import Callable
from pathlib import Path

import pytest

from cleaner import Cleaner, RuleTimeoutError
from cleaner.rules import prefilter
from cleaner.rules.deadline import Deadline

RULE = """
[[rule]]
id = "{id}"
category = "{category}"
action = "{action}"
{extra}
must_match = [{must_match}]
must_not_match = ["nothing to see"]
"""


def rule(id: str, extra: str, must_match: str, category: str = "advert", action: str = "drop") -> str:
    return RULE.format(id=id, category=category, action=action, extra=extra, must_match=must_match)


def only(*paths: Path, timeout: float = 2.0) -> Cleaner:
    return Cleaner(paths, builtin_rules=False, timeout=timeout, find_article=False)


def test_first_matching_rule_wins(make_pack: Callable[..., Path]) -> None:
    first = rule("first", "pattern = 'Advert.*'", '"Advert here"')
    second = rule("second", "pattern = 'Advert here'", '"Advert here"', category="promo")
    cleaner = only(make_pack("mine", first + second))
    [removal] = cleaner.clean("Advert here\n\nThe story itself is told in this sentence.").removed
    assert (removal.rule, removal.category) == ("mine.first", "advert")


def test_a_fallback_rule_yields_to_every_other_rule(make_pack: Callable[..., Path]) -> None:
    broad = rule("broad", "pattern = '(?:Advert|More) .*'\nfallback = true", '"Advert here"', category="related")
    named = make_pack("named", rule("advert", "pattern = 'Advert here'", '"Advert here"'))
    cleaner = only(make_pack("first", broad), named)
    result = cleaner.clean("Advert here\n\nThe story itself is told in this sentence.\n\nMore Headlines Here")
    assert [removal.rule for removal in result.removed] == ["named.advert", "first.broad"]


def test_phrases_ignore_case_trailing_punctuation_and_quote_style(make_pack: Callable[..., Path]) -> None:
    phrases = rule("phrases", "phrases = [\"Today's Paper\", 'Skip to content']", '"Skip to content"')
    cleaner = only(make_pack("mine", phrases))
    text = "TODAY’S PAPER\nskip to content.\nSkip to content and read the story, which starts here."
    result = cleaner.clean(text)
    assert [removal.text for removal in result.removed] == ["TODAY’S PAPER", "skip to content."]


def test_group_and_list_names_are_private_to_each_rule_and_pack(make_pack: Callable[..., Path]) -> None:
    body = "[lists]\nwords = ['{word}']\n" + rule("echo", "pattern = '''(?P<x>\\L<words>) (?P=x)'''", '"{word} {word}"')
    first = make_pack("one", body.format(word="alpha"))
    second = make_pack("two", body.format(word="beta"))
    cleaner = only(first, second)
    result = cleaner.clean("alpha alpha\nbeta beta\nalpha beta\nThe story itself is told in this sentence.")
    assert [removal.rule for removal in result.removed] == ["one.echo", "two.echo"]


def test_a_match_that_crosses_lines_is_not_a_block_match(make_pack: Callable[..., Path]) -> None:
    greedy = rule("greedy", "pattern = '''Advert\\s+here'''", '"Advert here"')
    result = only(make_pack("mine", greedy)).clean("Advert\nhere is the story, told in one sentence.")
    assert result.removed == []


# A slow rule is slow only on lines its prefilter lets through: this one lets every run of a to d through.
SLOW_RULE = "pattern = '''(?:a|aa)+(?:b|bb)+c'''\nprefilter = '''[a-d]+'''"


def test_catastrophic_pattern_times_out(make_pack: Callable[..., Path]) -> None:
    slow = rule("slow", SLOW_RULE, '"abc"')
    cleaner = only(make_pack("mine", slow), timeout=0.2)
    with pytest.raises(RuleTimeoutError, match="rule 'mine.slow' exceeded the time budget"):
        cleaner.clean("a" * 30 + "b" * 30 + "d")
    assert cleaner.clean("abc\n\nThe story goes on after the match.").removed[0].rule == "mine.slow"


def test_the_slow_rule_is_named_among_many(make_pack: Callable[..., Path]) -> None:
    quick = rule("quick", "pattern = 'Advert here'", '"Advert here"')
    slow = rule("slow", SLOW_RULE, '"abc"')
    strip = rule("strip", "pattern = '''x(?:y|yy)+(?:z|zz)+w'''", '"xyzw then text"', action="strip")
    cleaner = only(make_pack("mine", quick + slow), timeout=0.2)
    with pytest.raises(RuleTimeoutError, match="rule 'mine.slow'"):
        cleaner.clean("a" * 30 + "b" * 30 + "d")
    stripping = only(make_pack("inline", quick + strip), timeout=0.2)
    with pytest.raises(RuleTimeoutError, match="rule 'inline.strip'"):
        stripping.clean("The story " + "x" + "y" * 30 + "z" * 30 + " goes on.")


@pytest.mark.skipif(not prefilter.enabled(), reason="hyperscan is not installed (or CLEANER_PREFILTER=0)")
def test_a_rule_is_not_tried_on_lines_its_prefilter_rules_out(
    make_pack: Callable[..., Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    slow = make_pack("mine", rule("slow", "pattern = '''(?:a|aa)+(?:b|bb)+c'''", '"abc"'))
    text = "a" * 30 + "b" * 30 + "d\nThe story goes on after the line."
    assert only(slow, timeout=0.2).clean(text).removed == []  # no c: Hyperscan rules the line out
    monkeypatch.setenv(prefilter.ENVIRONMENT, "0")  # the pure-Python dispatch tries the rule on every line
    with pytest.raises(RuleTimeoutError, match="rule 'mine.slow'"):
        only(slow, timeout=0.2).clean(text)


def test_thousand_rules_compile_into_one_scan(make_pack: Callable[..., Path]) -> None:
    body = "".join(
        rule(f"r{n}", f"pattern = 'Offer number {n} today'", f'"Offer number {n} today"') for n in range(1000)
    )
    cleaner = only(make_pack("many", body))
    result = cleaner.clean("Offer number 999 today\nOffer number 5 today\nThe story itself is told in this sentence.")
    assert [removal.rule for removal in result.removed] == ["many.r999", "many.r5"]


def test_compiling_patterns_is_not_charged_to_the_document(make_pack: Callable[..., Path]) -> None:
    body = "".join(
        rule(
            f"r{n}", f"pattern = 'Brand{n} (?:daily|weekly) digest [a-z ]{{2,40}}'", f'"Brand{n} daily digest of news"'
        )
        for n in range(400)
    )
    cleaner = only(make_pack("many", body), timeout=0.05)  # far less than compiling 400 alternatives takes
    result = cleaner.clean("Brand7 daily digest of news\nThe story itself is told in this sentence.")
    assert [removal.rule for removal in result.removed] == ["many.r7"]


def test_the_time_budget_counts_cpu_time_of_the_cleaning_thread_not_waiting() -> None:
    deadline = Deadline(0.05)
    time.sleep(0.1)  # waiting (for the interpreter lock, for I/O) spends no budget
    assert deadline.remaining() > 0
    spin_until = time.thread_time() + 0.06
    while time.thread_time() < spin_until:
        pass
    with pytest.raises(RuleTimeoutError):
        deadline.remaining()


def test_a_single_rule_path_is_one_path(make_pack: Callable[..., Path]) -> None:
    path = make_pack("mine", rule("advert", "pattern = 'Advert here'", '"Advert here"'))
    for given in (path, str(path), [path]):
        assert [rule.id for rule in Cleaner(given, builtin_rules=False).rules.block_rules] == ["mine.advert"]
