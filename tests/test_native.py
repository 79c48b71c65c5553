"""The C extension (``cleaner.native``) and the pure-Python path agree bit for bit.

Each compiled function against its Python reference (floats compared by ``repr``,
which is exact), then whole documents: the seeds, the 78 dev pages and
hypothesis-generated documents give the same decisions, the same title candidate
rows and the same ``to_dict()``.
"""

from __future__ import annotations

import json
import os
import shutil
import sysconfig
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st
from test_properties import documents, mixed_documents

from cleaner import Cleaner, InvalidInputError, native
from cleaner.document.finder.context import context_features
from cleaner.document.finder.features import RULE_GROUPS, block_features
from cleaner.document.finder.model import _sigmoid as sigmoid
from cleaner.document.finder.model import builtin_model
from cleaner.document.finder.page import PageBlocks
from cleaner.document.finder.smoothing import viterbi
from cleaner.document.language import stopwords
from cleaner.document.meta.extract import meta_page
from cleaner.document.meta.page import FinderView, build_page
from cleaner.document.meta.title import _Context, title_candidates
from cleaner.text.tokens import tokenize

ROOT = Path(__file__).resolve().parent.parent
SEEDS = sorted((ROOT / "seeds").glob("*.txt"))
DEV = ROOT.parent / "shared" / "eval" / "dev.jsonl"
STOP = stopwords("en") or frozenset()
WIDTH = len(builtin_model().spec.features) + len(builtin_model().spec.context)

needs_extension = pytest.mark.skipif(native.built() is None, reason="the C extension is not built (no compiler)")


def test_the_extension_is_built_where_a_compiler_is() -> None:
    if os.environ.get("CLEANER_NATIVE", "").strip() == "0":
        pytest.skip("CLEANER_NATIVE=0 leaves the extension out")
    compiler = str(sysconfig.get_config_var("CC") or "cc").split()[0]
    if shutil.which(compiler) is None:
        pytest.skip(f"no C compiler ({compiler}) on this machine: the pure-Python path runs")
    assert native.built() is not None, "pip install did not build cleaner.native._native"


def test_disabled_switches_to_the_python_path_and_back() -> None:
    before = native.extension()
    with native.disabled():
        assert native.extension() is None
    assert native.extension() is before


def _exact(value: object) -> str:
    return repr(value)


CLASSES = ["prose", "sentence", "headline", "short", "", "list"]
RULES = ["", "duplicate", "other", *RULE_GROUPS]


def _features(page: PageBlocks) -> tuple[str, str]:
    compiled = _exact(block_features(page))
    with native.disabled():
        python = _exact(block_features(page))
    return compiled, python


def _page(texts: list[str], tokens: list[list[str]], rule: list[str], candidate: list[bool], url: str) -> PageBlocks:
    count = len(texts)
    classes = [CLASSES[i % len(CLASSES)] for i in range(count)]
    in_run = [i % 3 != 0 for i in range(count)]
    return PageBlocks(texts, tokens, rule, [-1] * count, candidate, classes, in_run, "en", STOP, url)


@needs_extension
def test_block_features_of_every_character_kind_match() -> None:
    # every code point below U+3000 and a few beyond, alone and inside words
    characters = [chr(cp) for cp in range(0x3000) if not 0xD800 <= cp < 0xE000] + ["\U0001f642", "\U0010ffff", "ǅ"]
    texts = characters + [f"Ab{c}{c} cd. {c}X the" for c in characters]
    tokens = [text.lower().split() for text in texts]
    page = _page(texts, tokens, [""] * len(texts), [True] * len(texts), "https://news.test/2025/ab-cd-the")
    compiled, python = _features(page)
    assert compiled == python


blocks = st.tuples(
    st.text(max_size=80),
    st.lists(st.sampled_from(sorted(STOP)[:30] + ["news", "city", "x"]), max_size=30),
    st.sampled_from(RULES),
    st.booleans(),
)


@needs_extension
@given(st.lists(blocks, max_size=40), st.sampled_from(["", "https://news.test/city-news", "https://x.test/the"]))
def test_block_features_match_on_any_page(page_blocks: list[tuple[str, list[str], str, bool]], url: str) -> None:
    texts, tokens, rule, candidate = (
        (list(column) for column in zip(*page_blocks, strict=True)) if page_blocks else ([], [], [], [])
    )
    compiled, python = _features(_page(texts, tokens, rule, candidate, url))
    assert compiled == python


LINES = [
    "", "By Jane Doe", "March 3, 2024", "A headline about the city news", "Home / News / The city news",
    "The council met on Tuesday to discuss the budget and the plan for the city.", "Jane Doe | 3 March 2024",
    "20 Dec 2025 The city news of the day", "Short", "Sam Jones, Senior Editor", "Menu",
]  # fmt: skip
title_lines = st.tuples(
    st.sampled_from(LINES),
    st.sampled_from(CLASSES),
    st.sampled_from(RULES[:4]),
    st.booleans(),
    st.sampled_from(["none", "row", "kept"]),
)


@needs_extension
@given(st.lists(title_lines, max_size=70), st.sampled_from(["", "https://news.test/the-city-news"]))
def test_title_block_rows_match_on_any_page(lines: list[tuple[str, str, str, bool, str]], url: str) -> None:
    texts = [text for text, *_ in lines]
    count = len(lines)
    page = PageBlocks(
        texts, [tokenize(text) for text in texts], [rule for _, _, rule, _, _ in lines], [-1] * count,
        [True] * count, [cls for _, cls, _, _, _ in lines], [run for *_, run, _ in lines], "en", STOP, url,
    )  # fmt: skip
    spec = builtin_model().spec
    row = ((0.5,) * len(spec.features), (0.25,) * len(spec.context))
    view = FinderView(
        [finder == "kept" for *_, finder in lines],
        {i: 0.5 for i, (*_, finder) in enumerate(lines) if finder != "none"},
        {i: row for i, (*_, finder) in enumerate(lines) if finder != "none"},
        [*spec.features, *spec.context],
    )

    def rows() -> str:
        return _exact([(c.index, c.text, c.row) for c in title_candidates(build_page(page, texts, view), None, WIDTH)])

    compiled = rows()
    with native.disabled():
        python = rows()
    assert compiled == python


def _context() -> _Context:
    """A title context with a slug, a lede and a body, over one page of ``LINES``."""
    texts = LINES * 3
    count = len(texts)
    page = PageBlocks(
        texts, [tokenize(text) for text in texts], [""] * count, [-1] * count, [True] * count, ["prose"] * count,
        [True] * count, "en", STOP, "https://news.test/the-city-news-of-the-day",
    )  # fmt: skip
    view = FinderView([i % 2 == 0 for i in range(count)], {}, {}, [])
    meta = build_page(page, texts, view)
    return _Context(meta, list(range(count)))


TITLE_CONTEXT = _context()
candidate_texts = st.one_of(
    st.text(max_size=60),
    st.sampled_from(LINES),
    st.lists(st.sampled_from(["The", "city", "news", "of", "www.", "x://", "@", "»", "/", "’", "”", ")", ",", ":",
                              "?", "2024", "²", "É", "ǅ", "by", "Jane", "Doe", "Ünïcode"]), max_size=12).map(" ".join),
)  # fmt: skip


@needs_extension
def test_title_text_rows_of_every_character_kind_match() -> None:
    # every code point below U+3000 and a few beyond, at a word's start, inside it and at the end of the text
    characters = [chr(cp) for cp in range(0x3000) if not 0xD800 <= cp < 0xE000] + ["\U0001f642", "\U0010ffff", "ǅ"]
    texts = [f"{c}ab The city{c} news {c}" for c in characters]

    def rows() -> str:
        return _exact([TITLE_CONTEXT.text(0, text, text.casefold().split(), -1, 0) for text in texts])

    compiled = rows()
    with native.disabled():
        python = rows()
    assert compiled == python


@needs_extension
@given(candidate_texts, st.booleans(), st.integers(min_value=-1, max_value=6), st.integers(min_value=0, max_value=7))
def test_title_text_rows_match(text: str, own_words: bool, segment: int, segments: int) -> None:
    words = tokenize(text) if own_words else [*text.split(), "city", "the", "2024", "12"]
    compiled = _exact(TITLE_CONTEXT.text(0, text, words, segment, segments))
    with native.disabled():
        python = _exact(TITLE_CONTEXT.text(0, text, words, segment, segments))
    assert compiled == python


@needs_extension
@given(
    st.lists(st.floats(min_value=0, max_value=1), max_size=60),
    st.lists(st.integers(min_value=0, max_value=3000), min_size=60, max_size=60),
)
def test_context_features_match(q: list[float], words: list[int]) -> None:
    words = words[: len(q)]
    compiled = context_features(q, words)
    with native.disabled():
        python = context_features(q, words)
    assert _exact(compiled) == _exact(python)


@needs_extension
@given(st.lists(st.floats(min_value=-2, max_value=12, allow_nan=False), min_size=WIDTH, max_size=WIDTH))
def test_tree_scores_and_contributions_match(values: list[float]) -> None:
    model = builtin_model()
    trees = model._trees
    split = len(model.spec.features)
    row, context = tuple(values[:split]), tuple(values[split:])
    compiled = (trees.scores([row], [context]), trees.contributions(row + context), trees.lowest(row + context))
    with native.disabled():
        python = (trees.scores([row], [context]), trees.contributions(row + context), trees.lowest(row + context))
    assert _exact(compiled) == _exact(python)


@needs_extension
@given(st.lists(st.floats(min_value=0, max_value=1), max_size=80), st.floats(min_value=0, max_value=3))
def test_viterbi_matches(probabilities: list[float], strength: float) -> None:
    hmm = builtin_model().spec.hmm
    compiled = viterbi(probabilities, hmm, strength)
    with native.disabled():
        python = viterbi(probabilities, hmm, strength)
    assert compiled == python


@needs_extension
@given(st.lists(st.floats(min_value=-3, max_value=12, allow_nan=False), min_size=WIDTH, max_size=WIDTH))
def test_first_stage_probabilities_match(values: list[float]) -> None:
    spec = builtin_model().spec.stage1
    row = tuple(values[: len(spec.w)])
    linear = getattr(native.built(), "linear", None)
    if linear is None:
        pytest.skip("Python 3.12 or later: the first stage runs in Python (its sum compensates)")
    compiled = linear([row], spec.w, spec.b)
    with native.disabled():
        python = [sigmoid(spec.b + sum(w * x for w, x in zip(spec.w, row, strict=True)))]
    assert _exact(compiled) == _exact(python)


def _both(cleaner: Cleaner, text: str, url: str | None = None) -> tuple[str, str]:
    """The record, the article model's decision (features, probabilities, reasons) and the title candidates'
    rows by each path."""

    def one() -> str:
        run = cleaner.document_run(text, url=url)
        page = run.page_blocks()
        model = builtin_model()
        decision = model.decide(page)
        reasons = [model.reason(decision, i) for i in decision.rows if not decision.keep[i]]
        meta = meta_page(page, [state.block.text for state in run.states], decision, model)
        titles = [(c.index, c.text, c.row) for c in title_candidates(meta, None, WIDTH)]
        view = (block_features(page), decision.keep, decision.probabilities, decision.rows, reasons, titles)
        record = json.dumps(cleaner.clean(text, url=url).to_dict(), ensure_ascii=False, sort_keys=True)
        return _exact(view) + record

    compiled = one()
    with native.disabled():
        python = one()
    return compiled, python


@needs_extension
@pytest.mark.parametrize("path", SEEDS, ids=[path.stem for path in SEEDS])
def test_seeds_give_the_same_output(cleaner: Cleaner, path: Path) -> None:
    compiled, python = _both(cleaner, path.read_text(encoding="utf-8"))
    assert compiled == python


@needs_extension
def test_dev_pages_give_the_same_output(cleaner: Cleaner) -> None:
    if not DEV.exists():
        pytest.skip(f"the dev pages are not here ({DEV})")
    records = [json.loads(line) for line in DEV.read_text(encoding="utf-8").splitlines()]
    assert len(records) >= 78
    for record in records:
        compiled, python = _both(cleaner, record["noisy_text"], record["url"])
        assert compiled == python, record["id"]


@needs_extension
@given(st.one_of(documents, mixed_documents))
def test_generated_documents_give_the_same_output(text: str) -> None:
    cleaner = _CLEANER
    try:
        compiled, python = _both(cleaner, text)
    except InvalidInputError:
        return
    assert compiled == python


_CLEANER = Cleaner()
