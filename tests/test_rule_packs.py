"""Built-in packs load cleanly, every example behaves, broken packs are rejected clearly."""

from __future__ import annotations

import warnings
from collections.abc import Callable
from pathlib import Path

import pytest

from cleaner import Cleaner, RulePackError
from cleaner.packcheck import example_failures
from cleaner.rules.loading import builtin_pack_paths, load_pack, load_packs

BUILTIN = builtin_pack_paths()


def test_builtin_packs_load_without_warnings() -> None:
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        packs = load_packs([])
    names = [loaded.info.name for loaded in packs]
    assert names[0] == "generic"
    assert {"generic", "independent", "ndtv", "afp", "sky"} <= set(names)


@pytest.mark.parametrize("path", BUILTIN, ids=[path.stem for path in BUILTIN])
def test_every_example_of_every_rule(path: Path) -> None:
    assert example_failures(load_pack(path)) == []


def test_each_rule_has_examples_both_ways() -> None:
    for loaded in load_packs([]):
        for rule in loaded.rules:
            assert rule.must_match and rule.must_not_match, rule.id


GOOD_RULE = """
[[rule]]
id = "{id}"
category = "{category}"
action = "drop"
pattern = '''{pattern}'''
must_match = ["Advert here"]
must_not_match = ["Not an advert"]
"""


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        (
            GOOD_RULE.format(id="broken", category="advert", pattern="Advert (here"),
            "rule 'broken': field 'pattern': invalid regex",
        ),
        (GOOD_RULE.format(id="cat", category="nonsense", pattern="x"), "rule 'cat': field 'category'"),
        (GOOD_RULE.format(id="Bad Id", category="advert", pattern="x"), "rule 'Bad Id': field 'id'"),
        (
            GOOD_RULE.format(id="listy", category="advert", pattern=r"\L<nowhere>"),
            "rule 'listy': field 'pattern': unknown named list nowhere",
        ),
        (
            GOOD_RULE.format(id="numbered", category="advert", pattern=r"(a)\1"),
            "rule 'numbered': field 'pattern': numbered back-references",
        ),
        (GOOD_RULE.format(id="twice", category="advert", pattern="x") * 2, "rule id 'twice' is used twice"),
        (
            '[[rule]]\nid = "noexamples"\ncategory = "advert"\naction = "drop"\npattern = "x"\n',
            "rule 'noexamples': field 'must_match'",
        ),
        (
            '[[rule]]\nid = "span"\ncategory = "advert"\naction = "drop_span"\npattern = "x"\nmust_match = ["x"]\nmust_not_match = ["y"]\n',
            "needs an 'end' pattern",
        ),
        ("[[rule]]\nid = ", "invalid TOML"),
    ],
)
def test_broken_packs_name_file_rule_and_field(make_pack: Callable[..., Path], body: str, expected: str) -> None:
    path = make_pack("mine", body)
    with pytest.raises(RulePackError) as raised:
        load_pack(path)
    assert str(path) in str(raised.value)
    assert expected in str(raised.value)


def test_failing_examples_are_reported(make_pack: Callable[..., Path]) -> None:
    path = make_pack("mine", GOOD_RULE.format(id="greedy", category="advert", pattern=".*advert.*"))
    assert example_failures(load_pack(path)) == [f"{path}: rule 'greedy': matches 'Not an advert'"]


def test_user_rule_directories_are_added(make_pack: Callable[..., Path]) -> None:
    path = make_pack("mine", GOOD_RULE.format(id="advert-here", category="advert", pattern="Advert here"))
    result = Cleaner([path.parent]).clean(
        "Advert here\n\nThe article itself is this sentence, which stays in the body."
    )
    assert [removal.rule for removal in result.removed] == ["mine.advert-here"]


def test_a_pack_name_may_not_be_used_twice(make_pack: Callable[..., Path]) -> None:
    path = make_pack("generic", GOOD_RULE.format(id="x", category="advert", pattern="Advert here"))
    with pytest.raises(RulePackError, match="already used"):
        Cleaner([path])
