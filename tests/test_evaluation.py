"""The benchmark's shingle metric and `cleaner eval`."""

from __future__ import annotations

import gzip
import json
from pathlib import Path

import pytest

from cleaner import Cleaner
from cleaner.cli import main
from cleaner.evaluation.gold import GoldPage, read_gold, read_html
from cleaner.evaluation.metadata import PredictedMetadata, score_metadata, title_match
from cleaner.evaluation.modes import Extraction, Mode, modes
from cleaner.evaluation.run import by_type, evaluate
from cleaner.evaluation.scoring import score_page, shingles

ROOT = Path(__file__).resolve().parent.parent
DEV = ROOT / "eval" / "dev.jsonl"


def test_shingles_are_case_sensitive_word_4grams_counted() -> None:
    assert shingles("a b c d a b c d") == {
        ("a", "b", "c", "d"): 2,
        ("b", "c", "d", "a"): 1,
        ("c", "d", "a", "b"): 1,
        ("d", "a", "b", "c"): 1,
    }
    assert shingles("Too short") == {("Too", "short"): 1}
    assert shingles("") == {}


@pytest.mark.parametrize(
    ("gold", "predicted", "precision", "recall"),
    [
        ("one two three four five", "one two three four five", 1.0, 1.0),
        ("one two three four five", "", None, 0.0),
        ("", "", 1.0, 1.0),
        ("one two three four five", "one two three four five six", 2 / 3, 1.0),
        ("one two three four five", "zero", 0.0, 0.0),
    ],
)
def test_page_precision_and_recall(gold: str, predicted: str, precision: float | None, recall: float) -> None:
    score = score_page("p", gold, predicted)
    assert score.precision == pytest.approx(precision) if precision is not None else score.precision is None
    assert score.recall == pytest.approx(recall)


def test_summary_averages_pages_then_takes_the_harmonic_mean() -> None:
    pages = list(read_gold(DEV))[:2]
    half = Mode("half", "half", lambda page, _: Extraction(page.gold_text if page is pages[0] else ""))
    summary = evaluate(half, pages).summary
    assert summary.precision == 1.0 and summary.recall == pytest.approx(0.5)
    assert summary.f1 == pytest.approx(2 / 3) and summary.good_share == 0.5


def test_cleaner_eval_prints_the_five_modes(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    pages = DEV.read_text(encoding="utf-8").splitlines()[:3]
    (tmp_path / "html").mkdir()
    for line in pages:
        page_id = json.loads(line)["id"]
        (tmp_path / "html" / f"{page_id}.html.gz").write_bytes(
            (ROOT / "eval" / "html" / f"{page_id}.html.gz").read_bytes()
        )
    gold = tmp_path / "gold.jsonl"
    gold.write_text("\n".join(pages) + "\n", encoding="utf-8")
    assert main(["eval", str(gold), "--json", str(tmp_path / "scores.json"), "--worst", "1"]) == 0
    out = capsys.readouterr().out
    for label in ("raw noisy text", "text mode", "html mode", "html mode, old", "trafilatura alone"):
        assert label in out
    scores = json.loads((tmp_path / "scores.json").read_text(encoding="utf-8"))
    assert [row["name"] for row in scores[0]["modes"]] == [
        "raw noisy text",
        "text mode",
        "html mode",
        "html mode, old",
        "trafilatura alone",
    ]


def test_html_pages_are_read_from_the_gzip_files() -> None:
    page = next(iter(read_gold(DEV)))
    assert gzip.decompress(page.html_path.read_bytes()).decode("utf-8", "replace") == read_html(page)  # type: ignore[union-attr]


def test_dev_set_scores_hold() -> None:
    """Regression guard for the figures in the README (text mode must stay above 0.85)."""
    found = modes(Cleaner())
    pages = list(read_gold(DEV))
    raw = evaluate(found["raw"], pages).summary
    text = evaluate(found["text"], pages).summary
    assert raw.f1 == pytest.approx(0.689, abs=0.001)
    assert text.f1 >= 0.85
    html = evaluate(found["html"], pages).summary
    alone = evaluate(found["trafilatura"], pages).summary
    assert html.f1 >= alone.f1


def test_titles_match_exactly_after_normalising_and_loosely_when_one_holds_the_other() -> None:
    assert title_match("  “Floods hit the north”  ", "floods hit the NORTH") == (True, True)
    assert title_match("Floods hit the north | The Daily Paper", "Floods hit the north") == (False, True)
    assert title_match("Weather", "Floods hit the north") == (False, False)


def test_metadata_outcomes_count_only_the_fields_the_gold_has() -> None:
    gold = {"title": "Floods hit the north", "authors": ["Jane Doe"], "date": "2024-03-02"}
    found = score_metadata(
        PredictedMetadata("Floods hit the north", ("By Jane Doe", "Bob Roe"), "2024-03-02T10:00:00+00:00"), gold
    )
    assert (found.title_exact, found.author_overlap, found.authors_matched, found.authors_predicted) == (
        True,
        True,
        1,
        2,
    )
    assert found.date == "right"
    empty = score_metadata(PredictedMetadata(), {"title": "A title"})
    assert (empty.title_exact, empty.author_overlap, empty.date) == (False, None, None)


def test_scores_are_grouped_by_page_type_with_the_non_article_pages_together() -> None:
    pages = [
        GoldPage(f"p{i}", "", "x", "alpha beta gamma delta", None, page_type=kind)
        for i, kind in enumerate(["article", "forum", "product"])
    ]
    scores = {page.id: score_page(page.id, page.gold_text, "alpha beta gamma delta") for page in pages}
    groups = by_type(scores, pages)
    assert list(groups) == ["article", "forum", "product", "non-article"]
    assert len(groups["non-article"].pages) == 2
