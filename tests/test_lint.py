"""The nested-quantifier warning of ``cleaner rules check``."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from cleaner.cli import main
from cleaner.rules.lint import nested_quantifiers

RISKY = [
    r"(a+)+",
    r"(\w+\s?)*",
    r"(a+|b)*c",
    r"^(?:[A-Z][a-z]+ ?)+$",
    r"(?i)(a*)*",
    r"(x{2,})+",
    r"(?P<n>a+)*",
    r"(?:a*b*)+",
]
SAFE = [
    r"(?: \w+)*",
    r"(a++)+",
    r"(?>a+)+",
    r"(a|b)+",
    r"(?:\w+, )+",
    r"\L<phrases>+",
    r"\p{Lu}+",
    r"((ab)*c)+",
    r"(x{2})+",
    r"[(]+a+",
    r"(?:\(\w+\))+",
    r"(?#(a+)+)x",
    r"(?:(?=\w+)x)+",
]


@pytest.mark.parametrize("pattern", RISKY)
def test_nested_unbounded_repetition_is_found(pattern: str) -> None:
    assert nested_quantifiers(pattern)


@pytest.mark.parametrize("pattern", SAFE)
def test_possessive_atomic_or_delimited_repetition_is_not(pattern: str) -> None:
    assert nested_quantifiers(pattern) == []


def test_position_points_at_the_repeated_group() -> None:
    assert nested_quantifiers(r"^Share: (\w+,?)+$") == [8]


def test_rules_check_warns_but_passes(capsys: pytest.CaptureFixture[str], make_pack: Callable[..., Path]) -> None:
    path = make_pack(
        "risky",
        '[[rule]]\nid = "shout"\ncategory = "promo"\naction = "drop"\npattern = \'^(\\w+\\s?)*!$\'\n'
        'must_match = ["Buy now!"]\nmust_not_match = ["An ordinary sentence."]\n',
    )
    assert main(["rules", "check", str(path)]) == 0
    err = capsys.readouterr().err
    assert f"WARN {path}: rule 'shout': field 'pattern': nested quantifier at character 1" in err
