"""Actions, positions, fragments, attribution and input checks, end to end."""

from __future__ import annotations

import json
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

from cleaner import Cleaner, InvalidInputError, clean
from cleaner.result import Metadata, Stats, stats_values
from cleaner.rules.loading import load_pack

PROSE = "The minister said the new centre would open in Calais on Thursday morning."


def rules(make_pack: Callable[..., Path], body: str, header: str = "") -> Cleaner:
    return Cleaner(builtin_rules=False, packs=[load_pack(make_pack("site", body, header))], find_article=False)


SPAN = """
[[rule]]
id = "appeal"
category = "donation"
action = "drop_span"
pattern = 'Support us'
end = 'Thank you\\.?'
max_blocks = 5
must_match = ["Support us\\nplease\\nThank you"]
must_not_match = ["nothing"]
"""


def test_span_drops_start_to_end_as_one_removal(make_pack: Callable[..., Path]) -> None:
    text = f"{PROSE}\nSupport us\nWe need money.\nThank you.\nThe mayor of Calais welcomed the plan on Friday."
    result = rules(make_pack, SPAN).clean(text)
    [removal] = result.removed
    assert removal.text == "Support us\nWe need money.\nThank you."
    assert result.body == f"{PROSE}\n\nThe mayor of Calais welcomed the plan on Friday."


def test_span_without_end_in_reach_drops_only_its_start(make_pack: Callable[..., Path]) -> None:
    text = "Support us\n" + "\n".join(f"Paragraph {n} of the story goes on." for n in range(8)) + "\nThank you"
    result = rules(make_pack, SPAN).clean(text)
    assert [removal.text for removal in result.removed] == ["Support us"]


def test_tail_position_acts_only_after_the_last_paragraph(make_pack: Callable[..., Path]) -> None:
    body = """
[[rule]]
id = "related"
category = "related"
action = "drop_tail"
position = "tail"
pattern = 'Related'
must_match = ["The minister said the centre would open in Calais on Thursday.\\nRelated\\nx"]
must_not_match = ["nothing"]
"""
    cleaner = rules(make_pack, body)
    after = cleaner.clean(f"{PROSE}\nRelated\nAnother story\nYet another")
    assert after.body == PROSE and after.removed[0].text == "Related\nAnother story\nYet another"
    before = cleaner.clean(f"Related\n{PROSE}")
    assert before.removed == []


def test_strip_cuts_a_fragment_and_reports_its_offsets(make_pack: Callable[..., Path]) -> None:
    body = """
[[rule]]
id = "credit"
category = "copyright"
action = "strip"
pattern = ' ?- ?(?P<agency>AFP)$'
must_match = ["Some text - AFP"]
must_not_match = ["nothing"]
"""
    text = f"{PROSE} - AFP\n\n- AFP"
    result = rules(make_pack, body).clean(text)
    assert result.body == PROSE
    assert result.metadata.agency == "AFP"
    assert [(r.text, text[r.start : r.end]) for r in result.removed] == [(" - AFP", " - AFP"), ("- AFP", "- AFP")]


def test_metadata_groups_fill_fields(make_pack: Callable[..., Path]) -> None:
    body = """
[[rule]]
id = "byline-date"
category = "byline"
action = "metadata"
pattern = 'By (?P<authors>[A-Z][a-z]+ [A-Z][a-z]+), (?P<published>\\d{4}-\\d{2}-\\d{2})'
must_match = ["By Jane Doe, 2020-01-02"]
must_not_match = ["nothing"]
"""
    meta = rules(make_pack, body).clean(f"By Jane Doe, 2020-01-02\n{PROSE}").metadata
    assert (meta.authors, meta.published) == (["Jane Doe"], "2020-01-02")


SCOPED = """
[[rule]]
id = "dateline"
category = "dateline"
action = "strip"
scope = "site"
pattern = '^(?P<dateline>[A-Z][a-z]+): '
must_match = ["Paris: the story"]
must_not_match = ["nothing"]

[[rule]]
id = "footer"
category = "footer"
action = "drop"
signature = true
pattern = 'Read more on Example News'
must_match = ["Read more on Example News"]
must_not_match = ["nothing"]
"""
HEADER = 'publisher = "Example News"\ndomains = ["example.com"]'


@pytest.mark.parametrize(
    ("text", "options", "publisher", "dateline"),
    [
        (f"Paris: {PROSE}", {}, "", ""),
        (f"Paris: {PROSE}", {"url": "https://www.example.com/story"}, "Example News", "Paris"),
        (f"Paris: {PROSE}", {"source": "example news"}, "Example News", "Paris"),
        (f"Paris: {PROSE}\nRead more on Example News", {}, "Example News", "Paris"),
        (f"Paris: {PROSE}", {"source": "Some Paper"}, "Some Paper", ""),
    ],
)
def test_attribution_from_url_source_or_signature(
    make_pack: Callable[..., Path], text: str, options: dict[str, str], publisher: str, dateline: str
) -> None:
    meta = rules(make_pack, SCOPED, HEADER).clean(text, **options).metadata
    assert (meta.publisher, meta.dateline) == (publisher, dateline)


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"text": ""}, "text is empty"),
        ({"text": "  \n\t"}, "text is empty"),
        ({}, "no text and no html"),
        ({"text": "a", "html": "<p>a</p>"}, "not both"),
        ({"text": 42}, "must be a string"),
        ({"html": "<html><body></body></html>"}, "html holds no text"),
    ],
)
def test_bad_input_is_a_clear_error(kwargs: dict[str, object], message: str) -> None:
    with pytest.raises(InvalidInputError, match=message):
        clean(**kwargs)  # type: ignore[arg-type]


def test_oversized_document_is_refused() -> None:
    with pytest.raises(InvalidInputError, match="limit is 100"):
        Cleaner(max_chars=100).clean("x" * 101)


def test_results_are_deterministic_and_thread_safe(cleaner: Cleaner) -> None:
    texts = [path.read_text(encoding="utf-8") for path in sorted(Path(__file__).parent.parent.glob("seeds/*.txt"))]
    expected = [cleaner.clean(text).to_dict() for text in texts]
    with ThreadPoolExecutor(4) as pool:
        for _ in range(3):
            assert list(pool.map(lambda text: cleaner.clean(text).to_dict(), texts)) == expected


def test_a_rule_that_cannot_act_on_a_block_gives_way_to_the_next(make_pack: Callable[..., Path]) -> None:
    body = """
[[rule]]
id = "tail-headline"
category = "related"
action = "drop"
position = "tail"
pattern = 'Sign up [A-Za-z ]+'
must_match = ["The minister said the centre would open in Calais on Thursday.\\nSign up now"]
must_not_match = ["nothing"]

[[rule]]
id = "signup"
category = "newsletter"
action = "drop"
pattern = 'Sign up for the [A-Za-z ]+'
must_match = ["Sign up for the Daily Brief"]
must_not_match = ["nothing"]
"""
    result = rules(make_pack, body).clean(f"Sign up for the Daily Brief\n{PROSE}")
    assert [(r.rule, r.text) for r in result.removed] == [("site.signup", "Sign up for the Daily Brief")]


ROOT = Path(__file__).resolve().parent.parent
DEV_PAGES = 20  # of the dev set's noisy texts: enough runs of removals, strip cuts and metadata, in seconds


def _documents() -> list[tuple[str, str | None]]:
    seeds = [(path.read_text(encoding="utf-8"), None) for path in sorted((ROOT / "seeds").glob("*.txt"))]
    lines = (ROOT / "eval" / "dev.jsonl").read_text(encoding="utf-8").splitlines()[:DEV_PAGES]
    pages = [(record["noisy_text"], record["url"]) for record in map(json.loads, lines)]
    return [*seeds, *pages, ("Lone \ud800 surrogate\n\n" + PROSE, None)]


def test_plain_values_give_the_model_and_its_record_key_for_key(cleaner: Cleaner) -> None:
    for text, url in _documents():
        values = cleaner.clean_values(text, url=url, id="doc")
        model = cleaner.clean(text, url=url, id="doc")
        assert values.model() == model
        assert json.dumps(values.to_dict(), ensure_ascii=False) == json.dumps(model.to_dict(), ensure_ascii=False)
    assert model.stats.surrogates_replaced == values.stats["surrogates_replaced"] == 1


def test_plain_values_hold_the_models_fields_in_order(cleaner: Cleaner) -> None:
    values = cleaner.clean_values(PROSE)
    assert list(values.metadata) == list(Metadata.model_fields)
    assert list(values.stats) == list(Stats.model_fields)
    with pytest.raises(TypeError, match="not a field of Stats: chars"):
        stats_values(chars=1)
