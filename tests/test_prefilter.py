"""The Hyperscan prefilter: a superset of every rule's matches, the same hits as the pure-Python dispatch, cached.

- every built-in rule's prefilter reports each ``must_match`` line its pattern matches;
- the translation widens what it cannot keep (lookarounds, repeats, Unicode classes, case folding);
- both paths give the same block hits, fields and next hits on the seeds, the dev pages, generated
  documents and a generated pack of many rules; the same cleaned records on the seeds;
- the compiled database is kept on disk, and a cache that cannot be used only means compiling again.
"""

from __future__ import annotations

import json
import time
import tomllib
from collections.abc import Callable, Iterator, Sequence
from functools import cache as cache_result
from pathlib import Path

import pytest
import regex
from hypothesis import given
from hypothesis import strategies as st
from test_properties import documents, mixed_documents

from bench.corpus import generated_pack
from cleaner import Cleaner, RulePackError
from cleaner.rules import cache, prefilter
from cleaner.rules.deadline import Deadline
from cleaner.rules.engine import Hit, RuleSet
from cleaner.rules.lint import pack_warnings
from cleaner.rules.loading import LoadedPack, load_pack, load_packs, parse_pack
from cleaner.rules.translate import Untranslatable, translate
from cleaner.text.blocks import segment
from cleaner.text.normalise import normalise

pytestmark = pytest.mark.skipif(not prefilter.enabled(), reason="hyperscan is not installed (or CLEANER_PREFILTER=0)")

ROOT = Path(__file__).resolve().parent.parent
SEEDS = sorted((ROOT / "seeds").glob("*.txt"))
DEV = ROOT.parent / "shared" / "eval" / "dev.jsonl"
BUILTIN = load_packs(())


@pytest.fixture(autouse=True)
def private_cache(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    folder = tmp_path / "cache"
    monkeypatch.setenv(cache.ENVIRONMENT, str(folder))
    return folder


@pytest.fixture(scope="module")
def both() -> tuple[RuleSet, RuleSet]:
    return _builtin_pair()


@pytest.fixture(scope="module")
def both_with_many() -> tuple[RuleSet, RuleSet]:
    packs = [*BUILTIN, LoadedPack("generated.toml", parse_pack(_toml(generated_pack(600)), "generated.toml"))]
    return RuleSet(packs, prefilter=False), RuleSet(packs, prefilter=True)


def _toml(text: str) -> dict[str, object]:
    return tomllib.loads(text)


def _hits(rules: RuleSet, text: str) -> list[tuple[str, int, int, dict[str, str], list[str]]]:
    """Every block hit and the chain of next hits after it, as plain values."""
    normalised = normalise(text).text
    deadline = Deadline(60)
    found = []
    for start, hit in sorted(rules.scan_blocks(normalised, segment(normalise(text)), deadline).items()):
        chain: list[str] = []
        following: Hit | None = hit
        while (following := rules.next_block_hit(normalised, following, deadline)) is not None:
            chain.append(f"{following.rule.id} {following.fields}")
        found.append((hit.rule.id, start, hit.end, hit.fields, chain))
    return found


def _agree(pair: tuple[RuleSet, RuleSet], texts: Sequence[str]) -> None:
    pure, prefiltered = pair
    for text in texts:
        assert _hits(prefiltered, text) == _hits(pure, text), text[:200]


def _dev_texts() -> Iterator[str]:
    with DEV.open(encoding="utf-8") as lines:
        for line in lines:
            record = json.loads(line)
            yield record.get("text") or record.get("noisy_text") or ""


@pytest.mark.parametrize("loaded", BUILTIN, ids=[loaded.info.name for loaded in BUILTIN])
def test_every_builtin_rule_is_reported_on_the_lines_it_matches(
    loaded: LoadedPack, both: tuple[RuleSet, RuleSet]
) -> None:
    _, rules = both
    assert rules.prefilter is not None and rules.unfiltered == ()  # none needs trying on every line
    for rule in rules.block_rules:
        if rule.pack != loaded.info.name or rule.index not in rules.regex_sources:
            continue
        single = regex.compile(f"^{rules.regex_sources[rule.index][0]}$", **rules.regex_sources[rule.index][1])
        examples = next(r.must_match for r in loaded.rules if loaded.pack.qualified_id(r) == rule.id)
        for line in (line for example in examples for line in normalise(example).text.split("\n")):
            if single.match(line):
                reported = rules.prefilter.lines(line)
                assert reported is not None and rule.index in reported.get(len(line), ()), (rule.id, line)


@pytest.mark.parametrize(
    ("pattern", "line", "case_sensitive"),
    [
        (r"Copyright (?=\d)\d{4}(?<!1999)", "Copyright 1999", False),  # lookarounds dropped
        (r"(?P<word>\w+) again (?P=word)", "this again that", False),  # a back-reference: its group
        (r"\p{Lu}[\p{L}'-]{2,3}", "Ünïcödé-Wörd", False),  # Unicode classes, repeats relaxed
        (r"kelvin", "\u212aELVIN", False),  # the Kelvin sign folds to k
        (r"[a-c]{2}x", "ABx", False),
        (r"Straße", "STRA\u1e9eE", False),  # capital sharp s
        (r"[^\n;]{2} \L<things>", "ab Bar", False),
        (r"Exact", "Exact", True),
    ],
)
def test_the_translation_widens_what_it_cannot_keep(pattern: str, line: str, case_sensitive: bool) -> None:
    lists = {"things": ["Foo", "bar"]}
    translation = translate(pattern, lists, case_sensitive=case_sensitive)
    database = prefilter.Prefilter({0: translation.expression})
    assert 0 in (database.lines(line) or {}).get(len(line), ())
    assert not translation.crosses_lines


def test_case_is_kept_when_the_rule_says_so() -> None:
    translation = translate("Exact", {}, case_sensitive=True)
    assert prefilter.Prefilter({0: translation.expression}).lines("exact") == {}


@pytest.mark.parametrize("pattern", [r"Advert\s+here", r"a[^x]b", r"(?s:a.b)", r"a\Wb"])
def test_a_pattern_that_can_consume_a_line_break_is_tried_on_every_line(pattern: str) -> None:
    assert translate(pattern, {}, case_sensitive=False).crosses_lines


def test_unknown_syntax_is_refused() -> None:
    with pytest.raises(Untranslatable):
        translate(r"\X+", {}, case_sensitive=False)


def test_both_paths_agree_on_the_seeds_and_their_cleaned_records(
    both: tuple[RuleSet, RuleSet], monkeypatch: pytest.MonkeyPatch
) -> None:
    texts = [path.read_text(encoding="utf-8") for path in SEEDS]
    _agree(both, texts)
    monkeypatch.setenv(prefilter.ENVIRONMENT, "0")
    pure = Cleaner()
    monkeypatch.setenv(prefilter.ENVIRONMENT, "1")
    prefiltered = Cleaner()
    assert pure.rules.prefilter is None and prefiltered.rules.prefilter is not None
    for text in texts:
        assert prefiltered.clean(text).to_dict() == pure.clean(text).to_dict()


def test_both_paths_agree_on_the_dev_pages(both: tuple[RuleSet, RuleSet]) -> None:
    if not DEV.exists():
        pytest.skip(f"the dev pages are not here: {DEV}")
    _agree(both, list(_dev_texts()))


def test_both_paths_agree_with_many_generated_rules(both_with_many: tuple[RuleSet, RuleSet]) -> None:
    generated = both_with_many[1].packs[-1].pack
    examples = "\n".join(example for rule in generated.rules for example in rule.must_match + rule.must_not_match)
    _agree(both_with_many, [*(path.read_text(encoding="utf-8") for path in SEEDS), examples])


@given(st.one_of(documents, mixed_documents))
def test_both_paths_agree_on_generated_documents(text: str) -> None:
    _agree(_builtin_pair(), [text])


@cache_result
def _builtin_pair() -> tuple[RuleSet, RuleSet]:
    return RuleSet(BUILTIN, prefilter=False), RuleSet(BUILTIN, prefilter=True)


def test_a_compiled_database_is_kept_and_loaded(private_cache: Path) -> None:
    started = time.process_time()
    first = RuleSet(BUILTIN, prefilter=True)
    assert first.prefilter is not None and not first.prefilter.cached
    assert len(list(private_cache.glob("prefilter-*.hsdb"))) == 1
    second = RuleSet(BUILTIN, prefilter=True)
    assert second.prefilter is not None and second.prefilter.cached
    text = SEEDS[0].read_text(encoding="utf-8")
    assert _hits(second, text) == _hits(first, text)
    assert time.process_time() - started < 60


def test_a_changed_pattern_is_compiled_again(private_cache: Path, make_pack: Callable[..., Path]) -> None:
    body = "".join(
        f"[[rule]]\nid = 'r{n}'\ncategory = 'advert'\naction = 'drop'\npattern = '''\\L<words> {{WORD}} {n}'''\n"
        f"must_match = ['alpha {{WORD}} {n}']\nmust_not_match = ['x']\n"
        for n in range(150)
    )
    lists = "[lists]\nwords = [" + ", ".join(f"'w{n}'" for n in range(200)) + ", 'alpha']\n"
    for word in ("one", "two"):
        path = make_pack(f"p{word}", lists + body.replace("{WORD}", word))
        rules = RuleSet([load_pack(path)], prefilter=True)
        assert rules.prefilter is not None and not rules.prefilter.cached
    assert len(list(private_cache.glob("prefilter-*.hsdb"))) == 2


def test_an_unusable_cache_only_means_compiling_again(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    blocked = tmp_path / "a-file"
    blocked.write_text("not a folder")
    monkeypatch.setenv(cache.ENVIRONMENT, str(blocked / "cache"))
    assert RuleSet(BUILTIN, prefilter=True).prefilter is not None
    readonly = tmp_path / "readonly"
    readonly.mkdir()
    readonly.chmod(0o500)
    monkeypatch.setenv(cache.ENVIRONMENT, str(readonly))
    try:
        assert RuleSet(BUILTIN, prefilter=True).prefilter is not None
    finally:
        readonly.chmod(0o700)
    monkeypatch.setenv(cache.ENVIRONMENT, "off")
    assert cache.cache_dir() is None


def test_a_damaged_cache_file_is_not_loaded(private_cache: Path) -> None:
    RuleSet(BUILTIN, prefilter=True)
    [stored] = private_cache.glob("prefilter-*.hsdb")
    stored.write_bytes(stored.read_bytes()[:-100])
    rules = RuleSet(BUILTIN, prefilter=True)
    assert rules.prefilter is not None and not rules.prefilter.cached


def test_the_cache_follows_xdg_cache_home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv(cache.ENVIRONMENT)
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    assert cache.cache_dir() == tmp_path / "boilerplate-cleaner"


LOOKAHEAD_RULE = """
[[rule]]
id = "dated"
category = "date"
action = "drop"
pattern = '''Updated (?=\\d)[0-9: ]+'''
{prefilter}
must_match = ["Updated 12:30"]
must_not_match = ["Updated yesterday"]
"""


def test_an_explicit_prefilter_is_used_and_checked(make_pack: Callable[..., Path]) -> None:
    good = make_pack("good", LOOKAHEAD_RULE.format(prefilter="prefilter = '''Updated [0-9: ]+'''"))
    assert pack_warnings(load_pack(good)) == []
    text = "Updated 12:30\nThe story itself is told in this sentence."
    assert [r.rule for r in Cleaner(good, builtin_rules=False).clean(text).removed] == ["good.dated"]
    missing = make_pack("missing", LOOKAHEAD_RULE.format(prefilter="prefilter = '''Updated [0-9]+'''"))
    [warning] = pack_warnings(load_pack(missing))
    assert "rule 'dated': field 'prefilter' does not match must_match example 'Updated 12:30'" in warning


def test_a_rule_that_cannot_be_prefiltered_is_warned_about_and_tried_everywhere(make_pack: Callable[..., Path]) -> None:
    body = LOOKAHEAD_RULE.format(prefilter="").replace("(?=\\d)", "\\m")  # \m: a word starts here
    path = make_pack("clusters", body)
    [warning] = pack_warnings(load_pack(path))
    assert "rule 'dated': field 'pattern': cannot be prefiltered" in warning
    rules = RuleSet([load_pack(path)], prefilter=True)
    assert rules.unfiltered == (0,)
    text = "Updated 12:30\nThe story itself is told in this sentence."
    assert [r.rule for r in Cleaner(path, builtin_rules=False).clean(text).removed] == ["clusters.dated"]


@pytest.mark.parametrize(
    ("prefilter_line", "expected"),
    [
        ("prefilter = '''Updated ['''", "rule 'dated': field 'prefilter': invalid regex"),
        ("prefilter = '''\\X'''", "rule 'dated': field 'prefilter': cannot be used as a prefilter"),
    ],
)
def test_a_broken_prefilter_names_file_rule_and_field(
    make_pack: Callable[..., Path], prefilter_line: str, expected: str
) -> None:
    path = make_pack("broken", LOOKAHEAD_RULE.format(prefilter=prefilter_line))
    with pytest.raises(RulePackError) as raised:
        load_pack(path)
    assert str(path) in str(raised.value) and expected in str(raised.value)


def test_a_prefilter_needs_a_block_rule_pattern(make_pack: Callable[..., Path]) -> None:
    body = LOOKAHEAD_RULE.format(prefilter="prefilter = 'Updated'")
    body = body.replace("pattern = '''Updated (?=\\d)[0-9: ]+'''", "phrases = ['Updated']")
    with pytest.raises(RulePackError, match="'prefilter' is only for block rules"):
        load_pack(make_pack("phrased", body))


def test_the_environment_switches_the_prefilter_off(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(prefilter.ENVIRONMENT, "0")
    assert RuleSet(BUILTIN).prefilter is None


def test_a_lone_surrogate_is_scanned_like_any_character(both: tuple[RuleSet, RuleSet]) -> None:
    _agree(both, ["Follow us on Twitter \ud800\nThe story.", "\udfff (Getty Images)\n© 2015 AFP \udc80"])
